import type { Kysely } from 'kysely';
import type { ApiToken, Database, Role, User } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getVenueByCode, getVenueById } from '../../storage/customers.repo.js';
import {
  countActiveAdmins,
  deleteSessionsOfUser,
  getApiToken,
  getUserById,
  getUserByUsername,
  insertApiToken,
  insertUser,
  listApiTokens as listApiTokenRows,
  listUsers as listUserRows,
  revokeApiTokenRow,
  updateUserRow,
  type UserPatchRow,
} from '../../storage/users.repo.js';
import { PatronError } from '../errors.js';
import { generatePassword, hashPassword, passwordProblem } from './passwords.js';
import { isRole, ROLES } from './permissions.js';
import { newApiTokenSecret } from './secrets.js';

/** People and API tokens: used by the HTTP API (admins) and the CLI (`patron user`, `patron token`). */

export interface WriteContext {
  actor: string;
  now: string;
}

export interface UserView {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  venueId: number | null;
  active: boolean;
  createdAt: string;
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    venueId: u.venue_id,
    active: u.active === 1,
    createdAt: u.created_at,
  };
}

export interface ApiTokenView {
  id: number;
  name: string;
  /** First characters of the token, to recognise it; the token itself is shown once. */
  prefix: string;
  role: Role;
  venueId: number | null;
  createdBy: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function toApiTokenView(t: ApiToken): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    venueId: t.venue_id,
    createdBy: t.created_by,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  };
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

function checkRole(role: string): Role {
  if (!isRole(role)) throw new PatronError('VALIDATION', `unknown role ${role}; roles: ${ROLES.join(', ')}`);
  return role;
}

/** A venue given by id (HTTP) or code (CLI) to its id. */
export async function resolveVenue(db: Kysely<Database>, v: { venueId?: number | null; venueCode?: string | null }): Promise<number | null> {
  if (v.venueCode) {
    const venue = await getVenueByCode(db, v.venueCode);
    if (!venue) throw new PatronError('NOT_FOUND', `venue ${v.venueCode} not found`);
    return venue.id;
  }
  if (v.venueId !== undefined && v.venueId !== null) {
    if (!(await getVenueById(db, v.venueId))) throw new PatronError('NOT_FOUND', `venue ${v.venueId} not found`);
    return v.venueId;
  }
  return null;
}

export interface NewUser {
  username: string;
  role: string;
  /** Generated (and returned once) when absent. */
  password?: string;
  displayName?: string | null;
  venueId?: number | null;
  venueCode?: string | null;
}

export async function createUser(
  db: Kysely<Database>,
  input: NewUser,
  w: WriteContext,
): Promise<{ user: UserView; generatedPassword: string | null }> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new PatronError('VALIDATION', 'username must be 2-64 characters: letters, digits, and . _ @ - (not first)');
  }
  const role = checkRole(input.role);
  const generated = input.password === undefined ? generatePassword() : null;
  const password = input.password ?? generated!;
  const problem = passwordProblem(password);
  if (problem) throw new PatronError('VALIDATION', problem);
  const passwordHash = await hashPassword(password);
  const user = await db.transaction().execute(async (trx) => {
    if (await getUserByUsername(trx, username)) throw new PatronError('CONFLICT', `user ${username} already exists`);
    const venueId = await resolveVenue(trx, input);
    const u = await insertUser(trx, {
      username,
      displayName: input.displayName?.trim() || null,
      passwordHash,
      role,
      venueId,
      createdAt: w.now,
    });
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'create', entity: 'user', entityId: u.id, detail: { username, role, venueId } });
    return u;
  });
  return { user: toUserView(user), generatedPassword: generated };
}

export async function listUsers(db: Kysely<Database>): Promise<UserView[]> {
  return (await listUserRows(db)).map(toUserView);
}

export interface UserPatch {
  displayName?: string | null;
  role?: string;
  password?: string;
  active?: boolean;
  venueId?: number | null;
}

export async function updateUser(db: Kysely<Database>, id: number, patch: UserPatch, w: WriteContext): Promise<UserView> {
  const row: UserPatchRow = {};
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password);
    if (problem) throw new PatronError('VALIDATION', problem);
    row.passwordHash = await hashPassword(patch.password);
  }
  return db.transaction().execute(async (trx) => {
    const before = await getUserById(trx, id);
    if (!before) throw new PatronError('NOT_FOUND', `user ${id} not found`);
    if (patch.displayName !== undefined) row.displayName = patch.displayName?.trim() || null;
    if (patch.role !== undefined) row.role = checkRole(patch.role);
    if (patch.active !== undefined) row.active = patch.active;
    if (patch.venueId !== undefined) row.venueId = await resolveVenue(trx, { venueId: patch.venueId });
    const losesAdmin =
      before.role === 'admin' && before.active === 1 && ((row.role !== undefined && row.role !== 'admin') || row.active === false);
    if (losesAdmin && (await countActiveAdmins(trx)) <= 1) {
      throw new PatronError('CONFLICT', 'this is the last active admin; make another admin first');
    }
    const after = await updateUserRow(trx, id, row);
    // A new password, a lost role or a deactivation ends the user's sessions everywhere.
    if (row.passwordHash || row.active === false || (row.role !== undefined && row.role !== before.role)) {
      await deleteSessionsOfUser(trx, id);
    }
    const fields = Object.keys(patch).filter((k) => patch[k as keyof UserPatch] !== undefined).sort();
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'update',
      entity: 'user',
      entityId: id,
      detail: { fields, role: row.role, active: row.active },
    });
    return toUserView(after!);
  });
}

/** For the CLI: set a password by username (recovery when an admin forgot theirs). */
export async function setPasswordByUsername(
  db: Kysely<Database>,
  username: string,
  password: string | undefined,
  w: WriteContext,
): Promise<{ user: UserView; generatedPassword: string | null }> {
  const u = await getUserByUsername(db, username.trim().toLowerCase());
  if (!u) throw new PatronError('NOT_FOUND', `user ${username} not found`);
  const generated = password === undefined ? generatePassword() : null;
  const user = await updateUser(db, u.id, { password: password ?? generated! }, w);
  return { user, generatedPassword: generated };
}

export interface NewApiToken {
  name: string;
  role: string;
  venueId?: number | null;
  venueCode?: string | null;
  /** The user creating it (null from the CLI). */
  createdBy: number | null;
}

/** Creates a token and returns it in clear, the only time it is ever visible. */
export async function createApiToken(
  db: Kysely<Database>,
  input: NewApiToken,
  w: WriteContext,
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw new PatronError('VALIDATION', 'token name must be 1-100 characters');
  const role = checkRole(input.role);
  const secret = newApiTokenSecret();
  const row = await db.transaction().execute(async (trx) => {
    const venueId = await resolveVenue(trx, input);
    const t = await insertApiToken(trx, {
      name,
      tokenHash: secret.hash,
      prefix: secret.prefix,
      role,
      venueId,
      createdBy: input.createdBy,
      createdAt: w.now,
    });
    await appendAudit(trx, {
      at: w.now,
      actor: w.actor,
      action: 'create',
      entity: 'api_token',
      entityId: t.id,
      detail: { name, role, venueId, prefix: secret.prefix },
    });
    return t;
  });
  return { token: secret.token, apiToken: toApiTokenView(row) };
}

export async function listApiTokens(db: Kysely<Database>): Promise<ApiTokenView[]> {
  return (await listApiTokenRows(db)).map(toApiTokenView);
}

export async function revokeApiToken(db: Kysely<Database>, id: number, w: WriteContext): Promise<ApiTokenView> {
  return db.transaction().execute(async (trx) => {
    const t = await getApiToken(trx, id);
    if (!t) throw new PatronError('NOT_FOUND', `token ${id} not found`);
    if (t.revoked_at) return toApiTokenView(t); // revoking twice is a no-op
    await revokeApiTokenRow(trx, id, w.now);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'revoke', entity: 'api_token', entityId: id, detail: { name: t.name } });
    return toApiTokenView((await getApiToken(trx, id))!);
  });
}
