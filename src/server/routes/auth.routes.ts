import { z } from 'zod';
import { updateUser } from '../../domain/auth/accounts.js';
import { verifyPassword } from '../../domain/auth/passwords.js';
import { permissionsOf } from '../../domain/auth/permissions.js';
import type { Principal } from '../../domain/auth/principal.js';
import { login, logout } from '../../domain/auth/sessions.js';
import { PatronError } from '../../domain/errors.js';
import { getUserById } from '../../storage/users.repo.js';
import { principal, requirePermission, SESSION_COOKIE, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, PermissionSchema, RoleEnum } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const MeSchema = z
  .object({
    kind: z.enum(['user', 'token']),
    id: z.number().int(),
    /** Username for people, token name for integrations. */
    name: z.string(),
    displayName: z.string().nullable(),
    role: RoleEnum,
    venueId: z.number().int().nullable(),
    permissions: z.array(PermissionSchema),
  })
  .meta({ id: 'Me' });

function me(p: Principal): z.output<typeof MeSchema> {
  return {
    kind: p.kind,
    id: p.id,
    name: p.kind === 'user' ? p.username : p.name,
    displayName: p.kind === 'user' ? p.displayName : null,
    role: p.role,
    venueId: p.venueId,
    permissions: permissionsOf(p.role),
  };
}

export function registerAuthRoutes(app: App, deps: AppDeps, limit: { max: number; windowMs: number }): void {
  const cookieOptions = (maxAgeSeconds: number) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    // Secure when the request came over https (directly, or via a proxy Fastify trusts).
    secure: 'auto' as const,
    maxAge: maxAgeSeconds,
  });

  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: limit.max, timeWindow: limit.windowMs } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the httpOnly session cookie patron_session',
        security: [],
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ me: MeSchema, expiresAt: z.string() }), 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const r = await login(deps.db.kysely, request.body, deps.clock(), deps.config.sessionHours);
      reply.setCookie(SESSION_COOKIE, r.secret, cookieOptions(Math.round(deps.config.sessionHours * 3600)));
      return { me: me(r.principal), expiresAt: r.expiresAt };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      onRequest: requirePermission('session:self'),
      schema: { tags: ['auth'], summary: 'End this session', response: { 200: z.object({ ok: z.literal(true) }), ...errorResponses } },
    },
    async (request, reply) => {
      const p = principal(request);
      const secret = request.cookies[SESSION_COOKIE];
      if (p.kind === 'user' && secret) await logout(deps.db.kysely, secret, p, deps.clock());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      onRequest: requirePermission('session:self'),
      schema: { tags: ['auth'], summary: 'Who am I, and what may I do', response: { 200: MeSchema, ...errorResponses } },
    },
    async (request) => me(principal(request)),
  );

  app.post(
    '/api/auth/password',
    {
      onRequest: requirePermission('session:self'),
      schema: {
        tags: ['auth'],
        summary: 'Change my own password (ends my other sessions; this one is renewed)',
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
        response: { 200: z.object({ ok: z.literal(true) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principal(request);
      if (p.kind !== 'user') throw new PatronError('FORBIDDEN', 'API tokens have no password');
      const user = await getUserById(deps.db.kysely, p.id);
      if (!user || !(await verifyPassword(request.body.currentPassword, user.password_hash))) {
        throw new PatronError('VALIDATION', 'current password is wrong', { path: 'body.currentPassword' });
      }
      await updateUser(deps.db.kysely, p.id, { password: request.body.newPassword }, writeContext(request, deps));
      const r = await login(deps.db.kysely, { username: user.username, password: request.body.newPassword }, deps.clock(), deps.config.sessionHours);
      reply.setCookie(SESSION_COOKIE, r.secret, cookieOptions(Math.round(deps.config.sessionHours * 3600)));
      return { ok: true as const };
    },
  );
}
