import { z } from 'zod';
import { listAudit } from '../../storage/audit.repo.js';
import { requirePermission } from '../auth.js';
import { errorResponses } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  detail: z.unknown(),
});

export function registerAuditRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/audit',
    {
      onRequest: requirePermission('audit:read'),
      schema: {
        tags: ['audit'],
        summary: 'The append-only audit log, newest first',
        querystring: z.object({
          entity: z.string().max(60).optional(),
          entityId: z.string().max(100).optional(),
          actor: z.string().max(100).optional(),
          before: z.coerce.number().int().positive().optional().describe('Entries with id below this (pagination)'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(AuditEntrySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listAudit(deps.db.kysely, request.query);
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at,
          actor: r.actor,
          action: r.action,
          entity: r.entity,
          entityId: r.entity_id,
          detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
        })),
      };
    },
  );
}
