import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../../storage/audit.repo.js';
import {
  deleteSavedSegmentRow,
  getSavedSegmentRow,
  insertSavedSegment,
  listSavedSegmentRows,
  ownerNames,
  updateSavedSegmentRow,
  type SavedSegmentRow,
} from '../../storage/saved-segments.repo.js';
import type { Database } from '../../storage/schema.js';
import { PatronError } from '../errors.js';
import { CustomerFiltersSchema, normalizeFilters, type CustomerFilters } from './customer-list.js';

/**
 * Saved segments: a named filter set of the customer list. A segment is private to its owner
 * unless shared; anyone who may read customers sees the shared ones. Owners change and delete
 * their own; sharing, and changing or deleting a shared segment of someone else, takes the
 * permission segments:share (checked by the caller and passed in as `canShare`).
 */

export const SavedSegmentInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  shared: z.boolean().default(false),
  filters: CustomerFiltersSchema,
});
export const SavedSegmentPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  shared: z.boolean().optional(),
  filters: CustomerFiltersSchema.optional(),
});
export type SavedSegmentInput = z.infer<typeof SavedSegmentInputSchema>;
export type SavedSegmentPatch = z.infer<typeof SavedSegmentPatchSchema>;

export interface SavedSegmentView {
  id: number;
  name: string;
  /** 'user:<id>' or 'token:<id>'. */
  owner: string;
  ownerName: string | null;
  /** The caller owns it. */
  mine: boolean;
  shared: boolean;
  filters: CustomerFilters;
  createdAt: string;
  updatedAt: string;
}

/** Who acts: the actor text (owner key), whether they may share, and when. */
export interface SegmentActor {
  actor: string;
  canShare: boolean;
  now: string;
}

function parseStoredFilters(text: string): CustomerFilters {
  try {
    // A filter set saved before a filter was renamed or removed keeps what still parses.
    const raw = JSON.parse(text) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      const one = CustomerFiltersSchema.safeParse({ [k]: v });
      if (one.success) Object.assign(out, one.data);
    }
    return out as CustomerFilters;
  } catch {
    return {};
  }
}

function toView(r: SavedSegmentRow, actor: string, names: Map<string, string>): SavedSegmentView {
  return {
    id: Number(r.id),
    name: r.name,
    owner: r.owner,
    ownerName: names.get(r.owner) ?? null,
    mine: r.owner === actor,
    shared: r.shared === 1,
    filters: parseStoredFilters(r.filters),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function view(db: Kysely<Database>, r: SavedSegmentRow, actor: string): Promise<SavedSegmentView> {
  return toView(r, actor, await ownerNames(db, [r.owner]));
}

/** The caller's own segments and every shared one. */
export async function listSavedSegments(db: Kysely<Database>, actor: string): Promise<SavedSegmentView[]> {
  const rows = await listSavedSegmentRows(db, actor);
  const names = await ownerNames(db, rows.map((r) => r.owner));
  return rows.map((r) => toView(r, actor, names));
}

/** A segment the caller can see (own or shared); another owner's private one is "not found". */
async function visible(db: Kysely<Database>, id: number, actor: string): Promise<SavedSegmentRow> {
  const r = await getSavedSegmentRow(db, id);
  if (!r || (r.owner !== actor && r.shared !== 1)) throw new PatronError('NOT_FOUND', `saved segment ${id} not found`);
  return r;
}

export async function getSavedSegment(db: Kysely<Database>, id: number, actor: string): Promise<SavedSegmentView> {
  return view(db, await visible(db, id, actor), actor);
}

function assertMayChange(r: SavedSegmentRow, a: SegmentActor): void {
  if (r.owner !== a.actor && !a.canShare) {
    throw new PatronError('FORBIDDEN', `saved segment ${r.id} belongs to someone else; changing a shared segment needs permission segments:share`);
  }
}

async function nameTaken(db: Kysely<Database>, owner: string, name: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('saved_segments').select('id').where('owner', '=', owner).where('name', '=', name);
  if (exceptId !== null) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function createSavedSegment(db: Kysely<Database>, input: SavedSegmentInput, a: SegmentActor): Promise<SavedSegmentView> {
  if (input.shared && !a.canShare) throw new PatronError('FORBIDDEN', 'sharing a segment needs permission segments:share');
  const row = await db.transaction().execute(async (trx) => {
    if (await nameTaken(trx, a.actor, input.name, null)) throw new PatronError('CONFLICT', `you already have a segment named "${input.name}"`);
    const filters = normalizeFilters(input.filters);
    const r = await insertSavedSegment(trx, {
      name: input.name,
      owner: a.actor,
      shared: input.shared ? 1 : 0,
      filters: JSON.stringify(filters),
      created_at: a.now,
      updated_at: a.now,
    });
    // Filter names only: a search text may be a phone number, and the audit log is never erased.
    await appendAudit(trx, { at: a.now, actor: a.actor, action: 'create', entity: 'saved_segment', entityId: r.id, detail: { shared: input.shared, filters: Object.keys(filters).sort() } });
    return r;
  });
  return view(db, row, a.actor);
}

export async function updateSavedSegment(db: Kysely<Database>, id: number, patch: SavedSegmentPatch, a: SegmentActor): Promise<SavedSegmentView> {
  const row = await db.transaction().execute(async (trx) => {
    const r = await visible(trx, id, a.actor);
    assertMayChange(r, a);
    if (patch.shared !== undefined && patch.shared !== (r.shared === 1) && !a.canShare) {
      throw new PatronError('FORBIDDEN', 'sharing or unsharing a segment needs permission segments:share');
    }
    const set: Parameters<typeof updateSavedSegmentRow>[2] = { updated_at: a.now };
    if (patch.name !== undefined && patch.name !== r.name) {
      if (await nameTaken(trx, r.owner, patch.name, r.id)) throw new PatronError('CONFLICT', `a segment named "${patch.name}" already exists for its owner`);
      set.name = patch.name;
    }
    if (patch.shared !== undefined) set.shared = patch.shared ? 1 : 0;
    if (patch.filters !== undefined) set.filters = JSON.stringify(normalizeFilters(patch.filters));
    await updateSavedSegmentRow(trx, id, set);
    await appendAudit(trx, { at: a.now, actor: a.actor, action: 'update', entity: 'saved_segment', entityId: id, detail: { fields: Object.keys(patch).sort() } });
    return (await getSavedSegmentRow(trx, id))!;
  });
  return view(db, row, a.actor);
}

export async function deleteSavedSegment(db: Kysely<Database>, id: number, a: SegmentActor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await visible(trx, id, a.actor);
    assertMayChange(r, a);
    await deleteSavedSegmentRow(trx, id);
    await appendAudit(trx, { at: a.now, actor: a.actor, action: 'delete', entity: 'saved_segment', entityId: id, detail: { name: r.name, owner: r.owner } });
  });
}
