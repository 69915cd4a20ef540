import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { newApiTokenSecret, newSessionSecret, sha256Hex } from './secrets.js';

describe('password hashing', () => {
  // Small parameters keep the test fast; the format and the comparison are what is under test.
  const fast = { N: 1024, r: 8, p: 1 };

  it('round-trips and rejects a wrong password', async () => {
    const h = await hashPassword('correct horse', fast);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horsE', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const a = await hashPassword('same', fast);
    const b = await hashPassword('same', fast);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('uses the parameters stored in the hash (defaults can change later)', async () => {
    const h = await hashPassword('pw', { N: 2048, r: 4, p: 2 });
    expect(h.startsWith('scrypt$2048$4$2$')).toBe(true);
    expect(await verifyPassword('pw', h)).toBe(true);
  });

  it('hashes with the default (production) parameters', async () => {
    const h = await hashPassword('default params');
    expect(h.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('default params', h)).toBe(true);
  });

  it('never matches a malformed or hostile stored hash', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$2$3', 'bcrypt$10$8$1$AAAA$BBBB', 'scrypt$4194304$8$1$AAAA$' + 'B'.repeat(44), 'scrypt$1024$8$1$AAAA$AA==']) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('normalises Unicode so the same visible password matches', async () => {
    const h = await hashPassword('caf\u00e9', fast);
    expect(await verifyPassword('cafe\u0301', h)).toBe(true);
  });

  it('generates readable passwords and checks chosen ones', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
    expect(passwordProblem('short')).toMatch(/at least 8/);
    expect(passwordProblem('long enough')).toBeNull();
  });
});

describe('secrets', () => {
  it('stores only a SHA-256 of session and API token secrets', () => {
    const s = newSessionSecret();
    expect(Buffer.from(s.secret, 'base64url')).toHaveLength(32);
    expect(s.hash).toBe(sha256Hex(s.secret));
    const t = newApiTokenSecret();
    expect(t.token).toMatch(/^ptk_[A-Za-z0-9_-]{43}$/);
    expect(t.prefix).toBe(t.token.slice(0, 12));
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.hash).not.toContain(t.token.slice(4));
  });
});
