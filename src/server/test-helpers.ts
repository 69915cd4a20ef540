import { loadConfig, type Config } from '../config.js';
import { createApiToken, createUser } from '../domain/auth/accounts.js';
import type { Role } from '../domain/auth/permissions.js';
import type { Db } from '../storage/db.js';
import { createApp, type CreateAppOptions } from './app.js';
import type { App } from './types.js';

/**
 * Helpers for route tests (no vitest import, so this file is plain code): an app over a given
 * database with a fixed clock, and principals of each role.
 */
export const TEST_NOW = new Date('2024-06-30T12:00:00.000Z');

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { maxUploadBytes: 1024 * 1024, sessionHours: 12, logLevel: 'silent', ...overrides });
}

export function testApp(db: Db, opts: Partial<CreateAppOptions> = {}): App {
  return createApp({ db, config: testConfig(), clock: () => TEST_NOW, webRoot: '/nonexistent-patron-web', ...opts });
}

/** Creates an API token of the role and returns the Authorization header for it. */
export async function bearer(db: Db, role: Role, venueId: number | null = null): Promise<{ authorization: string; tokenId: number }> {
  const r = await createApiToken(db.kysely, { name: `test ${role}`, role, venueId, createdBy: null }, { actor: 'cli', now: TEST_NOW.toISOString() });
  return { authorization: `Bearer ${r.token}`, tokenId: r.apiToken.id };
}

/** Creates a user, signs in through the API and returns the Cookie header. */
export async function signIn(app: App, db: Db, role: Role, username = `${role}-user`): Promise<{ cookie: string; userId: number }> {
  const password = 'correct horse battery';
  const { user } = await createUser(db.kysely, { username, role, password }, { actor: 'cli', now: TEST_NOW.toISOString() });
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === 'patron_session');
  if (!c) throw new Error('no session cookie');
  return { cookie: `patron_session=${c.value}`, userId: user.id };
}
