import { z } from 'zod';
import { createUser, listUsers, updateUser } from '../../domain/auth/accounts.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams, RoleEnum, UserSchema } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

export function registerUserRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/users',
    {
      onRequest: requirePermission('users:admin'),
      schema: { tags: ['users'], summary: 'People who can sign in', response: { 200: z.array(UserSchema), ...errorResponses } },
    },
    async () => listUsers(db),
  );

  app.post(
    '/api/users',
    {
      onRequest: requirePermission('users:admin'),
      schema: {
        tags: ['users'],
        summary: 'Add a person; a password is generated (and returned once) when none is given',
        body: z.strictObject({
          username: z.string().trim().min(2).max(64),
          role: RoleEnum,
          password: z.string().min(1).max(1024).optional(),
          displayName: z.string().trim().max(200).nullable().optional(),
          venueId: z.number().int().positive().nullable().optional(),
        }),
        response: { 201: z.object({ user: UserSchema, generatedPassword: z.string().nullable() }), ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(db, request.body, writeContext(request, deps))),
  );

  app.patch(
    '/api/users/:id',
    {
      onRequest: requirePermission('users:admin'),
      schema: {
        tags: ['users'],
        summary: 'Change role, name, venue, password, or deactivate (ends their sessions)',
        params: IdParams,
        body: z.strictObject({
          displayName: z.string().trim().max(200).nullable().optional(),
          role: RoleEnum.optional(),
          password: z.string().min(1).max(1024).optional(),
          active: z.boolean().optional(),
          venueId: z.number().int().positive().nullable().optional(),
        }),
        response: { 200: UserSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => updateUser(db, request.params.id, request.body, writeContext(request, deps)),
  );
}
