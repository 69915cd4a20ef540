import type { Kysely } from 'kysely';
import type { Updateable } from 'kysely';
import type { ApiToken, Database, Role, User, UsersTable } from './schema.js';

/** People (users), their sessions, and API tokens for integrations. Secrets arrive here already hashed. */

// ---- users -----------------------------------------------------------------------------------

export interface NewUserRow {
  username: string;
  displayName: string | null;
  passwordHash: string;
  role: Role;
  venueId: number | null;
  createdAt: string;
}

export async function insertUser(db: Kysely<Database>, u: NewUserRow): Promise<User> {
  return db
    .insertInto('users')
    .values({
      username: u.username,
      display_name: u.displayName,
      password_hash: u.passwordHash,
      role: u.role,
      venue_id: u.venueId,
      active: 1,
      created_at: u.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getUserById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function getUserByUsername(db: Kysely<Database>, username: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function listUsers(db: Kysely<Database>): Promise<User[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

export interface UserPatchRow {
  displayName?: string | null;
  passwordHash?: string;
  role?: Role;
  venueId?: number | null;
  active?: boolean;
}

export async function updateUserRow(db: Kysely<Database>, id: number, p: UserPatchRow): Promise<User | undefined> {
  const set: Updateable<UsersTable> = {};
  if (p.displayName !== undefined) set.display_name = p.displayName;
  if (p.passwordHash !== undefined) set.password_hash = p.passwordHash;
  if (p.role !== undefined) set.role = p.role;
  if (p.venueId !== undefined) set.venue_id = p.venueId;
  if (p.active !== undefined) set.active = p.active ? 1 : 0;
  if (Object.keys(set).length > 0) await db.updateTable('users').set(set).where('id', '=', id).execute();
  return getUserById(db, id);
}

export async function countActiveAdmins(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- sessions --------------------------------------------------------------------------------

export async function insertSession(
  db: Kysely<Database>,
  s: { tokenHash: string; userId: number; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ token_hash: s.tokenHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt })
    .execute();
}

/** The active user behind a session, if the session exists, has not expired and the user is active. */
export async function findSessionUser(db: Kysely<Database>, tokenHash: string, now: string): Promise<User | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', now)
    .where('users.active', '=', 1)
    .executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

// ---- API tokens ------------------------------------------------------------------------------

export interface NewApiTokenRow {
  name: string;
  tokenHash: string;
  prefix: string;
  role: Role;
  venueId: number | null;
  createdBy: number | null;
  createdAt: string;
}

export async function insertApiToken(db: Kysely<Database>, t: NewApiTokenRow): Promise<ApiToken> {
  return db
    .insertInto('api_tokens')
    .values({
      name: t.name,
      token_hash: t.tokenHash,
      prefix: t.prefix,
      role: t.role,
      venue_id: t.venueId,
      created_by: t.createdBy,
      created_at: t.createdAt,
      last_used_at: null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A token that exists and is not revoked. */
export function findActiveApiToken(db: Kysely<Database>, tokenHash: string): Promise<ApiToken | undefined> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export function getApiToken(db: Kysely<Database>, id: number): Promise<ApiToken | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listApiTokens(db: Kysely<Database>): Promise<ApiToken[]> {
  return db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
}

export async function revokeApiTokenRow(db: Kysely<Database>, id: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function touchApiToken(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
