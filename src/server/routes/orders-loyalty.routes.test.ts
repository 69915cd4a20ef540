import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { getMemberView } from '../../domain/loyalty/members.js';
import { newMember, setupProgramme, type Fixture } from '../../domain/loyalty/test-fixtures.js';
import { bearer, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

describeEachDialect('orders posted through the API earn loyalty points', (dialect) => {
  let db: Db;
  let app: App;
  let f: Fixture;
  let pos: string;
  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db);
    f = await setupProgramme(db); // 5% back (earnRateBp 500), 1 point = 1 fen
    pos = (await bearer(db, 'staff')).authorization;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('accrues once for a sale at a programme venue, and a retried POST earns nothing twice', async () => {
    const m = await newMember(db, f);
    const body = {
      externalId: 'HOTEL-A-1',
      customer: { externalId: m.customer.externalId },
      venue: 'HA',
      orderedAt: '2024-06-01T10:00:00+08:00',
      lines: [{ sku: 'ROOM', quantity: 1, amount: '800.00' }],
    };
    const first = await app.inject({ method: 'POST', url: '/api/orders', headers: { authorization: pos }, payload: body });
    expect(first.statusCode).toBe(201);
    const again = await app.inject({ method: 'POST', url: '/api/orders', headers: { authorization: pos }, payload: body });
    expect(again.json().status).toBe('unchanged');
    const view = await getMemberView(db, m.id, null);
    // 5% of 800.00 yuan = 40.00 yuan = 4,000 points at 1 fen per point.
    expect(view.balance.points).toBe(4000);
  });

  it('stores an order of a non-member without any loyalty effect', async () => {
    const r = await app.inject({
      method: 'POST', url: '/api/orders', headers: { authorization: pos },
      payload: { externalId: 'WALKIN-1', orderedAt: '2024-06-01T10:00:00+08:00', venue: 'HA', lines: [{ amount: '50.00' }] },
    });
    expect(r.statusCode).toBe(201);
  });
});
