import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from './schema.js';

export type AuditEntry = Selectable<AuditLogTable>;

export interface AuditRecord {
  /** 'user:<id>', 'token:<id>' or 'cli'. */
  actor: string;
  /** What happened: 'create', 'update', 'revoke', 'login', 'import' ... */
  action: string;
  /** What it happened to: 'customer', 'user', 'api_token', 'order', ... */
  entity: string;
  entityId?: string | number | null;
  /** Small JSON-serialisable description of the change (never secrets). */
  detail?: unknown;
  at: string;
}

/**
 * Appends one row to the audit log. Call it with the same transaction as the change it
 * describes, so a change and its record commit together. The table refuses updates and deletes.
 */
export async function appendAudit(db: Kysely<Database>, r: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: r.at,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entity_id: r.entityId === undefined || r.entityId === null ? null : String(r.entityId),
      detail: r.detail === undefined ? null : JSON.stringify(r.detail),
    })
    .execute();
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  /** Keyset pagination: rows with id below this, newest first. */
  before?: number;
  limit: number;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

// Import batches are the other record of who loaded what; the importer writes them, this lists them.
export function listImportBatches(db: Kysely<Database>, q: { before?: number; limit: number }) {
  let query = db.selectFrom('import_batches').selectAll();
  if (q.before) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

export function getImportBatch(db: Kysely<Database>, id: number) {
  return db.selectFrom('import_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Rejected rows of a batch in line order; keyset by line. */
export function listImportRejects(db: Kysely<Database>, q: { batchId: number; afterLine?: number; limit: number }) {
  let query = db.selectFrom('import_rejects').select(['line', 'reason', 'raw']).where('batch_id', '=', q.batchId);
  if (q.afterLine !== undefined) query = query.where('line', '>', q.afterLine);
  return query.orderBy('line').limit(q.limit).execute();
}
