import type { Migration } from './types.js';
import { foundation } from './0001-foundation.js';

/** The one ordered list of migrations for both engines. Append only; never reorder or edit a released one. */
export const MIGRATIONS: readonly Migration[] = [foundation];
