import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Db } from '../storage/db.js';
import { authenticate, requirePermission, routeGuard, SESSION_COOKIE } from './auth.js';
import { errorHandler, sendNotFound } from './http-errors.js';
import { registerActionsRoutes } from './routes/actions.routes.js';
import { registerAnalyticsRoutes } from './routes/analytics.routes.js';
import { registerAuditRoutes } from './routes/audit.routes.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCustomerRoutes } from './routes/customers.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerImportRoutes } from './routes/imports.routes.js';
import { registerLoyaltyRoutes } from './routes/loyalty.routes.js';
import { registerOrderRoutes } from './routes/orders.routes.js';
import { registerOverviewRoutes } from './routes/overview.routes.js';
import { registerPredictionRoutes } from './routes/predictions.routes.js';
import { registerSavedSegmentRoutes } from './routes/saved-segments.routes.js';
import { registerSettingsRoutes } from './routes/settings.routes.js';
import { registerTokenRoutes } from './routes/tokens.routes.js';
import { registerUserRoutes } from './routes/users.routes.js';
import { registerVenueRoutes } from './routes/venues.routes.js';
import { registerVoiceRoutes } from './routes/surveys.routes.js';
import type { App, AppDeps, RouteInfo } from './types.js';

export const DEFAULTS = Object.freeze({
  /** JSON request bodies (an order batch of 1,000 fits easily); file uploads have config.maxUploadBytes. */
  bodyLimitBytes: 8 * 1024 * 1024,
  /** Login attempts per client IP per window (brute-force brake). */
  loginMax: 10,
  loginWindowMs: 60_000,
});

export interface CreateAppOptions {
  db: Db;
  config: Config;
  /** Fixed in tests; defaults to the system clock. */
  clock?: () => Date;
  /** Request logging at config.logLevel. Off by default (tests). */
  logger?: boolean;
  /** Directory of the built web app (default dist/web under the repository root). */
  webRoot?: string;
  loginRateLimit?: { max: number; windowMs: number };
}

/** Trust the nearest n hops (what a hop count means to proxy-addr; Fastify's types take it as a function). */
function trustHops(n: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < n;
}

/** The repository (or installed package) root: the nearest folder up from here with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function defaultWebRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/**
 * Builds the HTTP API (not listening: call `listen` or use `inject`). Every route under /api
 * and the OpenAPI UI at /docs require a session cookie or a bearer token, except
 * GET /health and POST /api/auth/login; each route names the permission it needs.
 */
export function createApp(opts: CreateAppOptions): App {
  const deps: AppDeps = { db: opts.db, config: opts.config, clock: opts.clock ?? (() => new Date()) };
  const app = Fastify({
    logger: opts.logger
      ? {
          level: opts.config.logLevel,
          // Query strings carry searches (phones, emails): log the path only, and never credentials.
          serializers: {
            req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
          },
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        }
      : false,
    bodyLimit: DEFAULTS.bodyLimitBytes,
    // Only from configured proxies is X-Forwarded-For believed (request.ip feeds the login limiter).
    trustProxy: typeof opts.config.trustProxy === 'number' ? trustHops(opts.config.trustProxy) : opts.config.trustProxy,
    // Query strings like ?tag=a&tag=b stay simple; routes validate everything with zod.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  const routes: RouteInfo[] = [];
  app.decorate('patronRoutes', routes);
  app.decorateRequest('principal', null);
  // Order matters: hooks apply to the routes registered after them.
  app.addHook('onRoute', routeGuard(routes));
  app.register(cookie);
  // After the cookie plugin, so its onRequest hook has parsed request.cookies before ours runs.
  app.after(() => {
    app.addHook('onRequest', authenticate(deps));
  });
  app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      message: `too many attempts; try again in ${ctx.after}`,
    }),
  });
  app.register(multipart, {
    limits: { fileSize: opts.config.maxUploadBytes, files: 1, fields: 40, fieldSize: 64 * 1024, parts: 50 },
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Patron API',
        description:
          'Customer-value CRM. Sign in with POST /api/auth/login (session cookie) or send `Authorization: Bearer ptk_...`. ' +
          'Errors are `{ error: { code, message, details? } }`. Money is integer minor units of the business currency.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token ptk_...' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: jsonSchemaTransformObject,
  });
  app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: { onRequest: requirePermission('docs:read') },
  });

  app.register(async (scope) => {
    const api = scope.withTypeProvider<ZodTypeProvider>() as App;
    registerHealthRoutes(api, deps);
    registerAuthRoutes(api, deps, opts.loginRateLimit ?? { max: DEFAULTS.loginMax, windowMs: DEFAULTS.loginWindowMs });
    registerCustomerRoutes(api, deps);
    registerSavedSegmentRoutes(api, deps);
    registerVenueRoutes(api, deps);
    registerSettingsRoutes(api, deps);
    registerUserRoutes(api, deps);
    registerTokenRoutes(api, deps);
    registerOverviewRoutes(api, deps);
    registerOrderRoutes(api, deps);
    registerImportRoutes(api, deps);
    registerLoyaltyRoutes(api, deps);
    registerAuditRoutes(api, deps);
    registerVoiceRoutes(api, deps);
    registerAnalyticsRoutes(api, deps);
    registerPredictionRoutes(api, deps);
    registerActionsRoutes(api, deps);
  });

  registerWebApp(app as unknown as FastifyInstance, opts.webRoot ?? defaultWebRoot());
  return app;
}

/**
 * Serves the built web app, when there is one, with an SPA fallback: any GET outside /api and
 * /docs that is not a file gets index.html, so client-side routes survive a reload. Without a
 * build the API works the same and / answers 404.
 */
function registerWebApp(app: FastifyInstance, webRoot: string): void {
  const index = join(webRoot, 'index.html');
  const hasWeb = existsSync(index);
  if (hasWeb) {
    app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const isApi = path === '/api' || path.startsWith('/api/') || path === '/docs' || path.startsWith('/docs/');
    // Not returning the reply: a returned reply is awaited as a thenable, which Fastify warns about here.
    if (hasWeb && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      reply.type('text/html; charset=utf-8').sendFile('index.html', webRoot);
      return;
    }
    sendNotFound(request, reply);
  });
}
