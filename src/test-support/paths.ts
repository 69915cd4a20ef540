import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is src/test-support/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared data sets live beside the clone: ../shared/data (overridable for odd layouts). */
export function sharedDataPath(file: string): string {
  const base = process.env.PATRON_SHARED_DATA ?? join(repoRoot, '..', 'shared', 'data');
  const p = join(base, file);
  if (!existsSync(p)) throw new Error(`shared data file not found: ${p} (set PATRON_SHARED_DATA)`);
  return p;
}
