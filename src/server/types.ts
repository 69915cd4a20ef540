import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Principal } from '../domain/auth/principal.js';
import type { Permission } from '../domain/auth/permissions.js';
import type { Db } from '../storage/db.js';

/** The Fastify instance routes are written against: zod schemas type requests and replies. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** What routes need, wired by hand in createApp. */
export interface AppDeps {
  db: Db;
  config: Config;
  clock: () => Date;
}

export interface RouteInfo {
  method: string;
  url: string;
  /** null only for public routes. */
  permission: Permission | null;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every protected route; null on public ones. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Marks a route reachable without credentials (health, login, the web app's files). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Every route registered, with the permission it requires (the auth tests iterate over it). */
    patronRoutes: RouteInfo[];
  }
}
