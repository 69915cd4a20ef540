import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/** Column types that differ by engine, so one migration serves both. */
export interface DialectTypes {
  name: DialectName;
  /** Auto-increment primary key type. */
  id: 'integer' | 'bigint';
  /** Foreign keys and integer money (64-bit in PostgreSQL). */
  bigint: 'integer' | 'bigint';
  real: 'real' | 'double precision';
}

export function dialectTypes(name: DialectName): DialectTypes {
  return name === 'sqlite'
    ? { name, id: 'integer', bigint: 'integer', real: 'real' }
    : { name, id: 'bigint', bigint: 'bigint', real: 'double precision' };
}

export interface Migration {
  name: string;
  // The schema type is unknown while migrating (tables are being made), hence `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, t: DialectTypes): Promise<void>;
}
