import type { Config } from '../config.js';
import { PatronError } from '../domain/errors.js';
import type { Db } from '../storage/db.js';
import { createApp } from './app.js';
import type { App } from './types.js';

/** Builds the app and listens; used by `patron serve` (and anything else that starts a server). */
export async function startServer(
  db: Db,
  config: Config,
  listen: { port: number; host: string; logger?: boolean },
): Promise<{ app: App; url: string }> {
  const app = createApp({ db, config, logger: listen.logger ?? true });
  try {
    await app.listen({ port: listen.port, host: listen.host });
  } catch (e) {
    await app.close();
    const code = (e as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new PatronError('UNAVAILABLE', `port ${listen.port} is already in use; choose another with --port`);
    if (code === 'EACCES') throw new PatronError('UNAVAILABLE', `not allowed to listen on port ${listen.port}; choose one above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new PatronError('VALIDATION', `cannot listen on host ${listen.host}`);
    throw e;
  }
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  const hostPart = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  const port = (app.server.address() as { port: number } | null)?.port ?? listen.port;
  return { app, url: `http://${hostPart}:${port}` };
}
