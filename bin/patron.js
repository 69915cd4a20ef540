#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/. Run `npm run build` first
// (the README's first command does it), or use `npm run patron -- ...` in development.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('patron: not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(entry);
