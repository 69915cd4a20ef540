import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../test-support/databases.js';
import type { Db } from '../storage/db.js';
import { startServer } from './start.js';
import { testConfig } from './test-helpers.js';

describe('startServer', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
  });
  afterAll(() => db.close());

  it('listens, reports its URL, and names a busy port plainly', async () => {
    const config = testConfig();
    const { app, url } = await startServer(db, config, { port: 0, host: '127.0.0.1' });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      const port = Number(new URL(url).port);
      await expect(startServer(db, config, { port, host: '127.0.0.1' })).rejects.toThrow(/already in use/);
    } finally {
      await app.close();
    }
  });
});
