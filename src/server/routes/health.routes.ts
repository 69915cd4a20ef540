import { sql } from 'kysely';
import { z } from 'zod';
import { PatronError } from '../../domain/errors.js';
import type { App, AppDeps } from '../types.js';

export function registerHealthRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database reachability (no authentication)',
        security: [],
        response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']), time: z.string() }) },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(deps.db.kysely);
      } catch {
        throw new PatronError('UNAVAILABLE', 'database not reachable');
      }
      return { status: 'ok' as const, database: deps.db.dialect, time: deps.clock().toISOString() };
    },
  );
}
