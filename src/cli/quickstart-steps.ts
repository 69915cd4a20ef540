import type { Db } from '../storage/db.js';

/**
 * Work the quick start does after loading the demo, so the first screens have something to show
 * (value analytics snapshot, model fits, ...). Each step is added here as its module lands.
 */
export async function postDemoSteps(_db: Db, _say: (line: string) => void): Promise<void> {}
