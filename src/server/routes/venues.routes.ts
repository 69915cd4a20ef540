import { z } from 'zod';
import { PatronError } from '../../domain/errors.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getVenueByCode, insertVenue, listVenues } from '../../storage/customers.repo.js';
import type { Venue } from '../../storage/schema.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, VenueSchema } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

function toVenueView(v: Venue): z.output<typeof VenueSchema> {
  return { id: v.id, code: v.code, name: v.name, kind: v.kind, city: v.city, createdAt: v.created_at };
}

export function registerVenueRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/venues',
    {
      onRequest: requirePermission('venues:read'),
      schema: { tags: ['venues'], summary: 'Venues (outlets, hotels, brands)', response: { 200: z.array(VenueSchema), ...errorResponses } },
    },
    async () => (await listVenues(db)).map(toVenueView),
  );

  app.post(
    '/api/venues',
    {
      onRequest: requirePermission('venues:write'),
      schema: {
        tags: ['venues'],
        summary: 'Create a venue',
        body: z.strictObject({
          code: z.string().trim().regex(/^[A-Za-z0-9._-]{1,40}$/, 'code: 1-40 letters, digits, . _ -'),
          name: z.string().trim().min(1).max(200),
          kind: z.string().trim().min(1).max(40).default('outlet').describe('outlet, hotel, brand, online, ...'),
          city: z.string().trim().max(100).nullable().optional(),
        }),
        response: { 201: VenueSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const w = writeContext(request, deps);
      const b = request.body;
      const v = await db.transaction().execute(async (trx) => {
        if (await getVenueByCode(trx, b.code)) throw new PatronError('CONFLICT', `venue ${b.code} already exists`);
        const row = await insertVenue(trx, { code: b.code, name: b.name, kind: b.kind, city: b.city || null, createdAt: w.now });
        await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'venue', entityId: row.id, detail: { code: b.code } });
        return row;
      });
      return reply.status(201).send(toVenueView(v));
    },
  );
}
