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
  /**
   * Behind a reverse proxy: which X-Forwarded-For hops to believe, so per-client limits (login) see
   * the client, not the proxy. "true" trusts every hop, a number that many hops, otherwise a
   * comma-separated list of proxy addresses/CIDRs. Unset: the socket address, headers ignored.
   */
  PATRON_TRUST_PROXY: z.string().trim().optional(),
});

export interface Config {
  readonly databaseUrl?: string;
  readonly sqlitePath: string;
  readonly port: number;
  readonly host: string;
  readonly maxUploadBytes: number;
  readonly sessionHours: number;
  readonly logLevel: string;
  /** Fastify's trustProxy: false, true, a hop count, or proxy addresses. */
  readonly trustProxy: boolean | number | string[];
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
    trustProxy: parseTrustProxy(e.PATRON_TRUST_PROXY),
    ...overrides,
  });
}

function parseTrustProxy(v: string | undefined): boolean | number | string[] {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const a of list) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a)) throw new Error(`invalid environment variable PATRON_TRUST_PROXY: "${a}" is not an IP address or CIDR`);
  }
  return list;
}
