import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { PatronError } from '../domain/errors.js';
import { actorOf, can, type Principal } from '../domain/auth/principal.js';
import type { Permission } from '../domain/auth/permissions.js';
import { principalFromApiToken, principalFromSession } from '../domain/auth/sessions.js';
import type { AppDeps, RouteInfo } from './types.js';

export const SESSION_COOKIE = 'patron_session';

const PERMISSION = Symbol.for('patron.permission');

type PermissionHook = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & { [PERMISSION]: Permission };

/**
 * Route-level guard: `onRequest: requirePermission('customers:read')`. It runs as an onRequest
 * hook (after the app-wide authentication hook, before the body is read), so an unauthorised
 * caller never gets a large upload parsed, nor a 400 that reveals the body schema.
 */
export function requirePermission(permission: Permission): PermissionHook {
  const hook = async function (request: FastifyRequest) {
    const p = request.principal;
    if (!p) throw new PatronError('UNAUTHENTICATED', 'sign in, or send an API token as "Authorization: Bearer ptk_..."');
    if (!can(p, permission)) throw new PatronError('FORBIDDEN', `role ${p.role} lacks permission ${permission}`);
  } as unknown as PermissionHook;
  hook[PERMISSION] = permission;
  return hook;
}

function permissionOf(route: RouteOptions): Permission | null {
  const hooks = [route.onRequest].flat().filter(Boolean) as Partial<PermissionHook>[];
  for (const h of hooks) if (h[PERMISSION]) return h[PERMISSION];
  return null;
}

function isProtectedPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/docs' || path.startsWith('/docs/');
}

/**
 * Refuses, at startup, any /api route that declares neither a permission nor `config.public`,
 * and records every route with its permission in `routes`.
 */
export function routeGuard(routes: RouteInfo[]) {
  return (route: RouteOptions) => {
    const permission = permissionOf(route);
    const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
    const isApi = route.url === '/api' || route.url.startsWith('/api/');
    if (isApi && !permission && !isPublic) {
      throw new Error(`route ${String(route.method)} ${route.url} must declare onRequest: requirePermission(...) or config.public`);
    }
    if (permission && isPublic) throw new Error(`route ${route.url} is both public and permission-guarded`);
    if (permission && route.schema) {
      const schema = route.schema as { description?: string };
      schema.description = `${schema.description ? schema.description + '\n\n' : ''}Requires permission \`${permission}\`.`;
    }
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, permission, public: isPublic });
  };
}

async function principalOf(request: FastifyRequest, deps: AppDeps): Promise<Principal | null> {
  const now = deps.clock();
  const header = request.headers.authorization;
  if (header !== undefined) {
    // An Authorization header that is not a valid token is a failure, never a fallback to the cookie.
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? principalFromApiToken(deps.db.kysely, m[1]!, now) : null;
  }
  const secret = request.cookies?.[SESSION_COOKIE];
  return secret ? principalFromSession(deps.db.kysely, secret, now) : null;
}

/**
 * App-wide onRequest hook: every /api and /docs request except public routes must carry a
 * valid session cookie or bearer token. Requests for unknown /api paths are also refused
 * without credentials, so the route list is not discoverable.
 */
export function authenticate(deps: AppDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    request.principal = null;
    const config = request.routeOptions.config as { public?: boolean } | undefined;
    if (config?.public === true) return;
    const path = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (!isProtectedPath(path) && !isProtectedPath(request.url.split('?')[0]!)) return;
    const principal = await principalOf(request, deps);
    if (!principal) throw new PatronError('UNAUTHENTICATED', 'sign in, or send an API token as "Authorization: Bearer ptk_..."');
    request.principal = principal;
  };
}

/** The principal of a request that passed requirePermission. */
export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new PatronError('UNAUTHENTICATED', 'not signed in');
  return request.principal;
}

/** Who writes and when, for the audit log. */
export function writeContext(request: FastifyRequest, deps: AppDeps): { actor: string; now: string } {
  return { actor: actorOf(principal(request)), now: deps.clock().toISOString() };
}
