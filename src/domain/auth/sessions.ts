import type { Kysely } from 'kysely';
import type { Database, User } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import {
  deleteExpiredSessions,
  deleteSession,
  findActiveApiToken,
  findSessionUser,
  getUserByUsername,
  insertSession,
  touchApiToken,
} from '../../storage/users.repo.js';
import { PatronError } from '../errors.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { looksLikeApiToken, newSessionSecret, sha256Hex } from './secrets.js';

export const DEFAULTS = Object.freeze({
  /** last_used_at of a token is written at most this often, so a busy point-of-sale does not write on every request. */
  tokenTouchIntervalMs: 60_000,
});

export function userPrincipal(u: User): Principal {
  return { kind: 'user', id: u.id, username: u.username, displayName: u.display_name, role: u.role, venueId: u.venue_id };
}

export interface LoginResult {
  /** The cookie value; only its SHA-256 is stored. */
  secret: string;
  expiresAt: string;
  principal: Principal;
}

/** One message for unknown user, inactive user and wrong password: the answer must not reveal which. */
const WRONG = 'wrong username or password';

export async function login(
  db: Kysely<Database>,
  creds: { username: string; password: string },
  now: Date,
  sessionHours: number,
): Promise<LoginResult> {
  const user = await getUserByUsername(db, creds.username.trim().toLowerCase());
  if (!user || user.active !== 1) {
    await verifyPassword(creds.password, await dummyPasswordHash()); // same time as a real check
    throw new PatronError('UNAUTHENTICATED', WRONG);
  }
  if (!(await verifyPassword(creds.password, user.password_hash))) throw new PatronError('UNAUTHENTICATED', WRONG);
  const { secret, hash } = newSessionSecret();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await deleteExpiredSessions(trx, at);
    await insertSession(trx, { tokenHash: hash, userId: user.id, createdAt: at, expiresAt });
    await appendAudit(trx, { at, actor: `user:${user.id}`, action: 'login', entity: 'session', entityId: user.id });
  });
  return { secret, expiresAt, principal: userPrincipal(user) };
}

export async function logout(db: Kysely<Database>, secret: string, principal: Principal, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, sha256Hex(secret));
    await appendAudit(trx, { at: now.toISOString(), actor: `user:${principal.id}`, action: 'logout', entity: 'session', entityId: principal.id });
  });
}

export async function principalFromSession(db: Kysely<Database>, secret: string, now: Date): Promise<Principal | null> {
  if (!secret || secret.length > 200) return null;
  const user = await findSessionUser(db, sha256Hex(secret), now.toISOString());
  return user ? userPrincipal(user) : null;
}

export async function principalFromApiToken(db: Kysely<Database>, token: string, now: Date): Promise<Principal | null> {
  if (!looksLikeApiToken(token)) return null;
  const t = await findActiveApiToken(db, sha256Hex(token));
  if (!t) return null;
  const last = t.last_used_at ? Date.parse(t.last_used_at) : 0;
  if (now.getTime() - last > DEFAULTS.tokenTouchIntervalMs) await touchApiToken(db, t.id, now.toISOString());
  return { kind: 'token', id: t.id, name: t.name, role: t.role, venueId: t.venue_id };
}
