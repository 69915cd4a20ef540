import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../test-support/databases.js';
import type { Db } from '../storage/db.js';
import { requirePermission } from './auth.js';
import { bearer, testApp } from './test-helpers.js';

// Not storage behaviour: these run on SQLite only.
describe('web app serving and error shapes', () => {
  let db: Db;
  let web: string;
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDb('sqlite');
    authorization = (await bearer(db, 'admin')).authorization;
    web = mkdtempSync(join(tmpdir(), 'patron-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Patron</title>');
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  });
  afterAll(async () => {
    rmSync(web, { recursive: true, force: true });
    await db.close();
  });

  it('serves the built app with a fallback to index.html for client routes', async () => {
    const app = testApp(db, { webRoot: web });
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>Patron</title>');
    const asset = await app.inject({ method: 'GET', url: '/assets/app.js' });
    expect(asset.body).toBe('console.log(1)');
    const deep = await app.inject({ method: 'GET', url: '/customers/42/360?tab=orders' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toMatch(/text\/html/);
    // The API never falls back to the page.
    const api = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: { authorization } });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/nothing-here' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await app.close();
  });

  it('works without a web build', async () => {
    const app = testApp(db, { webRoot: join(web, 'missing') });
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(404);
    expect(root.json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/api/customers', headers: { authorization } })).statusCode).toBe(200);
    await app.close();
  });

  it('answers malformed JSON with 400 and unexpected failures with a generic 500', async () => {
    const app = testApp(db);
    app.get('/api/boom', { onRequest: requirePermission('customers:read') }, async () => {
      throw new Error('secret internals: connection string postgres://u:p@h/db');
    });
    const bad = await app.inject({ method: 'POST', url: '/api/customers', headers: { authorization, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION');
    const boom = await app.inject({ method: 'GET', url: '/api/boom', headers: { authorization } });
    expect(boom.statusCode).toBe(500);
    expect(boom.json().error.code).toBe('INTERNAL');
    expect(boom.body).not.toContain('secret');
    await app.close();
  });
});
