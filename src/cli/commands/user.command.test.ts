import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

/** Runs the CLI in-process and captures what it prints. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'patron', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('patron user / token', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patron-cli-'));
    db = join(dir, 'p.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds users, printing a generated password once', async () => {
    const add = await run('--db', db, 'user', 'add', 'Boss', '--role', 'admin');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/added boss \(admin\)/);
    expect(add.out).toMatch(/password: \S{16}/);
    const given = await run('--db', db, 'user', 'add', 'clerk', '--role', 'staff', '--password', 'long enough pw', '--json');
    expect(JSON.parse(given.out)).toMatchObject({ user: { username: 'clerk', role: 'staff' }, generatedPassword: null });
    const list = await run('--db', db, 'user', 'list');
    expect(list.out).toMatch(/boss\s+admin\s+active/);
    expect(list.out).toMatch(/clerk\s+staff/);
  });

  it('reports user mistakes in one line with a non-zero exit', async () => {
    const role = await run('--db', db, 'user', 'add', 'x1', '--role', 'owner');
    expect(role.code).toBe(2);
    expect(role.err).toBe('patron: unknown role owner; roles: admin, manager, marketing, service, staff\n');
    const dup = await run('--db', db, 'user', 'add', 'boss', '--role', 'admin');
    expect(dup.code).toBe(3);
    expect(dup.err.trim().split('\n')).toHaveLength(1);
    const venue = await run('--db', db, 'user', 'add', 'x2', '--role', 'staff', '--venue', 'NOWHERE');
    expect(venue.code).toBe(3);
    expect(venue.err).toMatch(/venue NOWHERE not found/);
    const revoke = await run('--db', db, 'token', 'revoke', 'abc');
    expect(revoke.code).toBe(2);
  });

  it('creates, lists and revokes tokens, printing the secret only at creation', async () => {
    const made = await run('--db', db, 'token', 'create', '--name', 'till 1', '--role', 'staff');
    expect(made.code).toBe(0);
    const token = /ptk_[A-Za-z0-9_-]{43}/.exec(made.out)![0];
    const list = await run('--db', db, 'token', 'list');
    expect(list.out).toContain(token.slice(0, 12));
    expect(list.out).not.toContain(token);
    expect(list.out).toMatch(/never used/);
    const id = /token (\d+)/.exec(made.out)![1]!;
    expect((await run('--db', db, 'token', 'revoke', id)).out).toMatch(/revoked/);
    expect((await run('--db', db, 'token', 'list')).out).toMatch(/revoked 20/);
    expect((await run('--db', db, 'token', 'revoke', '999')).code).toBe(3);
  });

  it('resets a password', async () => {
    const r = await run('--db', db, 'user', 'password', 'clerk');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/password: \S{16}/);
  });
});
