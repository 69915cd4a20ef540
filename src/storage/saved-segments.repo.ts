import type { Kysely, Selectable } from 'kysely';
import type { Database, SavedSegmentsTable } from './schema.js';

/** Saved segments of the customer list (migration 0007): a named filter set, private or shared. */

export type SavedSegmentRow = Selectable<SavedSegmentsTable>;

type K = Kysely<Database>;

/** The segments an owner sees: their own and every shared one, by name then id. */
export function listSavedSegmentRows(db: K, owner: string): Promise<SavedSegmentRow[]> {
  return db
    .selectFrom('saved_segments')
    .selectAll()
    .where((eb) => eb.or([eb('owner', '=', owner), eb('shared', '=', 1)]))
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export function getSavedSegmentRow(db: K, id: number): Promise<SavedSegmentRow | undefined> {
  return db.selectFrom('saved_segments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertSavedSegment(db: K, row: Omit<SavedSegmentRow, 'id'>): Promise<SavedSegmentRow> {
  return db.insertInto('saved_segments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSavedSegmentRow(
  db: K,
  id: number,
  set: Partial<Pick<SavedSegmentRow, 'name' | 'shared' | 'filters' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('saved_segments').set(set).where('id', '=', id).execute();
}

export async function deleteSavedSegmentRow(db: K, id: number): Promise<void> {
  await db.deleteFrom('saved_segments').where('id', '=', id).execute();
}

/** Display names of owners ('user:<id>' -> display name or username; 'token:<id>' -> token name). */
export async function ownerNames(db: K, owners: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const userIds = [...new Set(owners.filter((o) => o.startsWith('user:')).map((o) => Number(o.slice(5))))].filter(Number.isSafeInteger);
  const tokenIds = [...new Set(owners.filter((o) => o.startsWith('token:')).map((o) => Number(o.slice(6))))].filter(Number.isSafeInteger);
  if (userIds.length) {
    for (const u of await db.selectFrom('users').select(['id', 'username', 'display_name']).where('id', 'in', userIds).execute()) {
      out.set(`user:${u.id}`, u.display_name ?? u.username);
    }
  }
  if (tokenIds.length) {
    for (const t of await db.selectFrom('api_tokens').select(['id', 'name']).where('id', 'in', tokenIds).execute()) out.set(`token:${t.id}`, t.name);
  }
  return out;
}
