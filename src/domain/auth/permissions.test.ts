import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test-support/paths.js';
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS } from './permissions.js';

describe('the roles table in docs/api.md', () => {
  it('matches ROLE_PERMISSIONS exactly', () => {
    const md = readFileSync(join(repoRoot, 'docs', 'api.md'), 'utf8');
    const header = md.split('\n').findIndex((l) => l.startsWith('| permission |'));
    expect(header).toBeGreaterThan(0);
    const lines = md.split('\n');
    expect(lines[header]).toBe(`| permission | ${ROLES.join(' | ')} |`);
    const rows = new Map<string, string[]>();
    for (let i = header + 2; lines[i]?.startsWith('| `'); i++) {
      const cells = lines[i]!.split('|').slice(1, -1).map((c) => c.trim());
      rows.set(cells[0]!.replace(/`/g, ''), cells.slice(1));
    }
    expect([...rows.keys()]).toEqual([...PERMISSIONS]);
    for (const p of PERMISSIONS) {
      expect(rows.get(p), p).toEqual(ROLES.map((r) => (ROLE_PERMISSIONS[r].has(p) ? '✓' : '')));
    }
  });
});
