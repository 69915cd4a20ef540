import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt parameters for new hashes. N = 2^15, r = 8 uses 32 MiB and ~100 ms per hash on a small
 * server: slow enough to make offline guessing expensive, fast enough for a login form.
 * (RFC 7914 section 2; OWASP's password storage cheat sheet lists N=2^17 as its first choice,
 * which costs 128 MiB per login and is too much for a 2-core box serving staff logins.)
 * Parameters are written into every hash, so raising them later keeps old hashes valid.
 */
export const DEFAULTS = Object.freeze({
  N: 2 ** 15,
  r: 8,
  p: 1,
  keyLength: 32,
  saltBytes: 16,
  /** Length of generated passwords. */
  generatedLength: 16,
  /** Shortest password a person may choose. */
  minLength: 8,
});

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  // Node refuses to allocate more than maxmem (32 MiB by default); scrypt needs 128 * N * r bytes.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hash text: `scrypt$N$r$p$<salt base64>$<key base64>`. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULTS): Promise<string> {
  const salt = randomBytes(DEFAULTS.saltBytes);
  const key = await scryptAsync(password, salt, DEFAULTS.keyLength, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison of the derived key; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length < 16) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, used to spend the same time on unknown usernames as on known
 * ones, so response time does not reveal which usernames exist.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

// No 0/O, 1/l/I: generated passwords get read aloud and typed from paper.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function generatePassword(length: number = DEFAULTS.generatedLength): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** Returns a reason when a chosen password is not acceptable, else null. */
export function passwordProblem(password: string): string | null {
  if (password.length < DEFAULTS.minLength) return `password must have at least ${DEFAULTS.minLength} characters`;
  if (password.length > 1024) return 'password is too long';
  return null;
}
