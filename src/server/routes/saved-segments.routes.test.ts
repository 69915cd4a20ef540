import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { bearer, signIn, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

describeEachDialect('saved segment routes', (dialect) => {
  let db: Db;
  let app: App;
  let mia: string; // marketing: may share
  let max: string; // manager: may share
  let sue: string; // service: own segments only
  let sam: string; // staff: read only

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    mia = (await signIn(app, db, 'marketing', 'mia')).cookie;
    max = (await signIn(app, db, 'manager', 'max')).cookie;
    sue = (await signIn(app, db, 'service', 'sue')).cookie;
    sam = (await bearer(db, 'staff')).authorization;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: string, payload?: object) =>
    app.inject({ method, url, headers: who.startsWith('Bearer') ? { authorization: who } : { cookie: who }, payload });

  it('creates, lists, reads, renames, re-filters and deletes a segment', async () => {
    const created = await req('POST', '/api/saved-segments', mia, {
      name: ' Champions in the north ',
      filters: { rfmSegment: ['champions', 'champions'], venue: 1, tag: ['vip'], q: '' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json();
    // Names are trimmed; filters are stored in one form (duplicates and empty values dropped).
    expect(s).toMatchObject({ name: 'Champions in the north', mine: true, shared: false, ownerName: 'mia', filters: { rfmSegment: ['champions'], venue: 1, tag: ['vip'] } });
    expect(s.filters).not.toHaveProperty('q');

    expect((await req('GET', '/api/saved-segments', mia)).json().map((x: { id: number }) => x.id)).toContain(s.id);
    expect((await req('GET', `/api/saved-segments/${s.id}`, mia)).json().name).toBe('Champions in the north');

    const renamed = await req('PATCH', `/api/saved-segments/${s.id}`, mia, { name: 'North champions', filters: { abc: ['A'], churn: 'at-risk' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'North champions', filters: { abc: ['A'], churn: 'at-risk' } });
    expect(renamed.json().filters).not.toHaveProperty('rfmSegment');

    const dup = await req('POST', '/api/saved-segments', mia, { name: 'North champions', filters: {} });
    expect(dup.statusCode).toBe(409);
    // Another owner may use the same name.
    expect((await req('POST', '/api/saved-segments', max, { name: 'North champions', filters: {} })).statusCode).toBe(201);

    expect((await req('DELETE', `/api/saved-segments/${s.id}`, mia)).json()).toEqual({ deleted: true });
    expect((await req('GET', `/api/saved-segments/${s.id}`, mia)).statusCode).toBe(404);
    const audit = await db.kysely.selectFrom('audit_log').select(['action']).where('entity', '=', 'saved_segment').where('entity_id', '=', String(s.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
  });

  it('validates the filter set like the list does', async () => {
    for (const filters of [{ rfmSegment: ['nope'] }, { decile: [0] }, { unknown: 1 }, { tag: [] }]) {
      const res = await req('POST', '/api/saved-segments', mia, { name: 'bad', filters });
      expect(res.statusCode, JSON.stringify(filters)).toBe(400);
    }
    expect((await req('POST', '/api/saved-segments', mia, { name: '', filters: {} })).statusCode).toBe(400);
  });

  it('keeps private segments private and shares with segments:share only', async () => {
    const priv = (await req('POST', '/api/saved-segments', sue, { name: 'My desk list', filters: { tag: ['vip'] } })).json();
    expect((await req('GET', `/api/saved-segments/${priv.id}`, mia)).statusCode).toBe(404);
    expect((await req('GET', '/api/saved-segments', mia)).json().map((x: { id: number }) => x.id)).not.toContain(priv.id);
    expect((await req('PATCH', `/api/saved-segments/${priv.id}`, max, { name: 'taken over' })).statusCode).toBe(404);

    // service may save its own but not share.
    const share = await req('POST', '/api/saved-segments', sue, { name: 'For all', shared: true, filters: {} });
    expect(share.statusCode).toBe(403);
    expect((await req('PATCH', `/api/saved-segments/${priv.id}`, sue, { shared: true })).statusCode).toBe(403);

    const shared = (await req('POST', '/api/saved-segments', mia, { name: 'Lapsing VIPs', shared: true, filters: { tag: ['vip'], churn: 'at-risk' } })).json();
    expect(shared.shared).toBe(true);
    // Everyone who may read customers sees it, as not theirs.
    for (const who of [sue, sam, max]) {
      const list = (await req('GET', '/api/saved-segments', who)).json() as { id: number; mine: boolean; ownerName: string }[];
      expect(list.find((x) => x.id === shared.id), who).toMatchObject({ mine: false, ownerName: 'mia' });
    }
    // Someone else's shared segment: only segments:share may change or delete it.
    expect((await req('PATCH', `/api/saved-segments/${shared.id}`, sue, { name: 'mine now' })).statusCode).toBe(403);
    expect((await req('DELETE', `/api/saved-segments/${shared.id}`, sue)).statusCode).toBe(403);
    expect((await req('PATCH', `/api/saved-segments/${shared.id}`, max, { name: 'Lapsing VIPs (team)' })).json().name).toBe('Lapsing VIPs (team)');
    expect((await req('PATCH', `/api/saved-segments/${shared.id}`, mia, { shared: false })).json().shared).toBe(false);
    expect((await req('GET', `/api/saved-segments/${shared.id}`, sue)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/saved-segments/${shared.id}`, mia)).statusCode).toBe(200);
  });

  it('refuses writes without segments:write', async () => {
    expect((await req('GET', '/api/saved-segments', sam)).statusCode).toBe(200);
    for (const [method, url] of [['POST', '/api/saved-segments'], ['PATCH', '/api/saved-segments/1'], ['DELETE', '/api/saved-segments/1']] as const) {
      const res = await req(method, url, sam, { name: 'x', filters: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
    expect((await req('GET', '/api/saved-segments', '')).statusCode).toBe(401);
  });
});
