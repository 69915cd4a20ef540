import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../domain/auth/accounts.js';
import { principal, requirePermission, writeContext } from '../auth.js';
import { ApiTokenSchema, errorResponses, IdParams, RoleEnum } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

export function registerTokenRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/tokens',
    {
      onRequest: requirePermission('tokens:admin'),
      schema: { tags: ['tokens'], summary: 'API tokens (never the secrets)', response: { 200: z.array(ApiTokenSchema), ...errorResponses } },
    },
    async () => listApiTokens(db),
  );

  app.post(
    '/api/tokens',
    {
      onRequest: requirePermission('tokens:admin'),
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the token is in this response only',
        description: 'A token with a venue may only post orders for that venue (a point-of-sale at one outlet).',
        body: z.strictObject({
          name: z.string().trim().min(1).max(100),
          role: RoleEnum,
          venueId: z.number().int().positive().nullable().optional(),
        }),
        response: { 201: z.object({ token: z.string(), apiToken: ApiTokenSchema }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const p = principal(request);
      const r = await createApiToken(
        db,
        { ...request.body, createdBy: p.kind === 'user' ? p.id : null },
        writeContext(request, deps),
      );
      return reply.status(201).send(r);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      onRequest: requirePermission('tokens:admin'),
      schema: { tags: ['tokens'], summary: 'Revoke a token (it stops working at once)', params: IdParams, response: { 200: ApiTokenSchema, ...errorResponses } },
    },
    async (request) => revokeApiToken(db, request.params.id, writeContext(request, deps)),
  );
}
