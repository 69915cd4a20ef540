import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { getOrCreateSecret, LINK_SECRET_KEY } from '../../storage/voice.repo.js';

/**
 * Signed survey links. A token is `<invitation id>.<expiry>.<mac>` (ids and expiry seconds in
 * base 36), the MAC being HMAC-SHA256 (RFC 2104) under a server secret, truncated to 144 bits.
 * The token is derived, not stored: the server can show an invitation's link again at any time,
 * and a forged or altered token fails the MAC before any database lookup. The expiry is signed,
 * and must also equal the invitation's stored expiry, so re-issuing a link (new expiry) retires
 * the old one. The secret is 256 random bits generated on first use and kept in the settings
 * table (key `voice.linkSecret`); the settings API never returns it.
 */
const PREFIX = 'patron-survey-v1.';
const MAC_BYTES = 18;
const TOKEN = /^([0-9a-z]{1,11})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{24})$/;

export async function linkSecret(db: Kysely<Database>): Promise<Buffer> {
  const hex = await getOrCreateSecret(db, LINK_SECRET_KEY, randomBytes(32).toString('hex'));
  return Buffer.from(hex, 'hex');
}

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(PREFIX + payload, 'utf8').digest().subarray(0, MAC_BYTES);
}

/** Expiry instants are whole seconds so the token can carry them exactly. */
export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function signLinkToken(secret: Buffer, invitationId: number, expiresAtMs: number): string {
  const payload = `${invitationId.toString(36)}.${Math.floor(expiresAtMs / 1000).toString(36)}`;
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The invitation id and expiry of an authentic token, or null (malformed, forged, altered). Expiry is not checked here. */
export function verifyLinkToken(secret: Buffer, token: string): { invitationId: number; expiresAtMs: number } | null {
  if (typeof token !== 'string' || token.length > 64) return null;
  const m = TOKEN.exec(token);
  if (!m) return null;
  const payload = `${m[1]}.${m[2]}`;
  const given = Buffer.from(m[3]!, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const invitationId = parseInt(m[1]!, 36);
  const expiresAtMs = parseInt(m[2]!, 36) * 1000;
  if (!Number.isSafeInteger(invitationId) || !Number.isSafeInteger(expiresAtMs)) return null;
  return { invitationId, expiresAtMs };
}

/** The public page path of a token; callers prefix their own origin. */
export function linkPath(token: string): string {
  return `/s/${token}`;
}
