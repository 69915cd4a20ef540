import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, can } from '../../domain/auth/principal.js';
import { CustomerFiltersSchema } from '../../domain/customers/customer-list.js';
import {
  createSavedSegment,
  deleteSavedSegment,
  getSavedSegment,
  listSavedSegments,
  SavedSegmentInputSchema,
  SavedSegmentPatchSchema,
  updateSavedSegment,
  type SegmentActor,
} from '../../domain/customers/saved-segments.js';
import { principal, requirePermission } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const SavedSegmentSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    owner: z.string().describe("'user:<id>' or 'token:<id>'"),
    ownerName: z.string().nullable(),
    mine: z.boolean().describe('The caller owns it'),
    shared: z.boolean(),
    filters: CustomerFiltersSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedSegment' });

/**
 * Saved segments of the customer list (a named filter set). Everyone who may read customers sees
 * their own and the shared ones; `segments:write` saves one's own; `segments:share` shares and
 * may change or delete others' shared segments. Another owner's private segment is "not found".
 */
export function registerSavedSegmentRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  function who(request: FastifyRequest): SegmentActor {
    const p = principal(request);
    return { actor: actorOf(p), canShare: can(p, 'segments:share'), now: deps.clock().toISOString() };
  }

  app.get(
    '/api/saved-segments',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        tags: ['customers'],
        summary: 'My saved segments and the shared ones',
        response: { 200: z.array(SavedSegmentSchema), ...errorResponses },
      },
    },
    async (request) => listSavedSegments(db, who(request).actor),
  );

  app.post(
    '/api/saved-segments',
    {
      onRequest: requirePermission('segments:write'),
      schema: {
        tags: ['customers'],
        summary: 'Save a filter set of the customer list under a name',
        description: 'Names are unique per owner. `shared: true` needs permission `segments:share`.',
        body: SavedSegmentInputSchema,
        response: { 201: SavedSegmentSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createSavedSegment(db, request.body, who(request))),
  );

  app.get(
    '/api/saved-segments/:id',
    {
      onRequest: requirePermission('customers:read'),
      schema: { tags: ['customers'], summary: 'One saved segment (mine or shared)', params: IdParams, response: { 200: SavedSegmentSchema, ...errorResponses } },
    },
    async (request) => getSavedSegment(db, request.params.id, who(request).actor),
  );

  app.patch(
    '/api/saved-segments/:id',
    {
      onRequest: requirePermission('segments:write'),
      schema: {
        tags: ['customers'],
        summary: 'Rename a saved segment, replace its filters, or share it',
        description: "Owners change their own; changing someone else's shared segment, and sharing or unsharing, need `segments:share`.",
        params: IdParams,
        body: SavedSegmentPatchSchema,
        response: { 200: SavedSegmentSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => updateSavedSegment(db, request.params.id, request.body, who(request)),
  );

  app.delete(
    '/api/saved-segments/:id',
    {
      onRequest: requirePermission('segments:write'),
      schema: {
        tags: ['customers'],
        summary: 'Delete a saved segment',
        description: "Owners delete their own; deleting someone else's shared segment needs `segments:share`.",
        params: IdParams,
        response: { 200: z.object({ deleted: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      await deleteSavedSegment(db, request.params.id, who(request));
      return { deleted: true as const };
    },
  );
}
