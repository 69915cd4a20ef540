import { z } from 'zod';

/**
 * Environment parsed once into a frozen, typed object. Everything else receives config
 * as a parameter; nothing reads process.env directly.
 */
const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PATRON_DB: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PATRON_MAX_UPLOAD_MB: z.coerce.number().positive().max(2048).default(200),
  PATRON_SESSION_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly databaseUrl?: string;
  readonly sqlitePath: string;
  readonly port: number;
  readonly host: string;
  readonly maxUploadBytes: number;
  readonly sessionHours: number;
  readonly logLevel: string;
}

export const DEFAULT_SQLITE_PATH = 'data/patron.db';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    sqlitePath: e.PATRON_DB ?? DEFAULT_SQLITE_PATH,
    port: e.PORT,
    host: e.HOST,
    maxUploadBytes: Math.round(e.PATRON_MAX_UPLOAD_MB * 1024 * 1024),
    sessionHours: e.PATRON_SESSION_HOURS,
    logLevel: e.LOG_LEVEL,
    ...overrides,
  });
}
