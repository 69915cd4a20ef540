import { postgresAvailable } from './databases.js';

/** Probes PostgreSQL once for the whole run; test files read the answer from the environment. */
export default async function setup(): Promise<void> {
  const ok = await postgresAvailable();
  process.env.PATRON_TEST_PG_AVAILABLE = ok ? '1' : '0';
}
