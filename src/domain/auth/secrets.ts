import { createHash, randomBytes } from 'node:crypto';

/**
 * Random secrets handed to clients (session cookies, API tokens). Only their SHA-256 is
 * stored: the secrets are 256-bit random, so a fast hash is enough (no guessing to slow down),
 * and a database leak does not hand out working credentials.
 */
export const TOKEN_PREFIX = 'ptk_';
/** Characters of an API token kept in clear for display ("ptk_AbCd1234..."). */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function newSessionSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: sha256Hex(secret) };
}

export function newApiTokenSecret(): { token: string; prefix: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, prefix: token.slice(0, DISPLAY_PREFIX_LENGTH), hash: sha256Hex(token) };
}

export function looksLikeApiToken(s: string): boolean {
  return s.startsWith(TOKEN_PREFIX) && s.length > DISPLAY_PREFIX_LENGTH && s.length < 200;
}
