import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { bearer, signIn, testApp, testConfig } from '../test-helpers.js';
import type { App } from '../types.js';
import { DEFAULT_CHUNK_ORDERS } from '../../domain/import/parse-orders.js';

/** A multipart/form-data body built by the platform's own encoder. */
async function multipart(fields: Record<string, string>, file?: { name: string; content: string | Buffer }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.content]), file.name);
  const req = new Request('http://x/', { method: 'POST', body: form });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

describeEachDialect('import routes', (dialect) => {
  const LIMIT = 4096;
  let db: Db;
  let app: App;
  let cookie: string;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    app = testApp(db, { config: testConfig({ maxUploadBytes: LIMIT }) });
    ({ cookie } = await signIn(app, db, 'manager'));
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function upload(fields: Record<string, string>, file?: { name: string; content: string | Buffer }) {
    const body = await multipart(fields, file);
    return app.inject({ method: 'POST', url: '/api/imports/orders', headers: { cookie, 'content-type': body.contentType }, payload: body.payload });
  }

  it('imports an uploaded file and lists the batch and its rejects', async () => {
    const csv = [
      'order_id,customer_id,date,sku,quantity,unit_price',
      'U-1,C-1,2024-05-01 10:00,A,2,3.50',
      'U-1,C-1,2024-05-01 10:00,B,1,1.00',
      'U-2,C-2,2024-05-02 11:00,A,1,3.50',
      'U-3,C-2,not a date,A,1,3.50',
    ].join('\n');
    const res = await upload({ dateFormat: 'iso' }, { name: 'shop.csv', content: csv });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ source: 'shop.csv', read: 4, imported: 2, rejected: 1, customersCreated: 2 });

    const batches = await app.inject({ method: 'GET', url: '/api/imports', headers: { cookie } });
    expect(batches.statusCode).toBe(200);
    const b = batches.json().items[0];
    expect(b).toMatchObject({ sourceName: 'shop.csv', status: 'completed' });
    expect(b.actor).toMatch(/^user:\d+$/);
    const rejects = await app.inject({ method: 'GET', url: `/api/imports/${b.id}/rejects`, headers: { cookie } });
    expect(rejects.json().items).toHaveLength(1);
    expect(rejects.json().items[0].line).toBe(5);

    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'import_batch').execute();
    expect(audit).toHaveLength(1);
  });

  it('takes the column mapping as JSON', async () => {
    const csv = ['Invoice,Member,When,Total', 'M-1,C-9,2024-05-03,9.99'].join('\n');
    const res = await upload({ map: JSON.stringify({ order_id: 'Invoice', customer_id: 'Member', date: 'When', amount: 'Total' }) }, { name: 'm.csv', content: csv });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ imported: 1, rejected: 0 });
    const bad = await upload({ map: JSON.stringify({ nonsense: 'x' }) }, { name: 'm.csv', content: csv });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 413 to an upload over the limit, and imports nothing', async () => {
    const row = 'X-1,C-1,2024-05-01,A,1,1.00\n';
    const big = 'order_id,customer_id,date,sku,quantity,unit_price\n' + row.repeat(Math.ceil((LIMIT * 2) / row.length));
    const before = await db.kysely.selectFrom('import_batches').select('id').execute();
    // Declared size within the slack, so the stream itself has to stop at the limit.
    const streamed = await upload({}, { name: 'big.csv', content: big });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    // Declared size far over the limit: refused before reading.
    const huge = await upload({}, { name: 'huge.csv', content: Buffer.alloc(200 * 1024, 'a') });
    expect(huge.statusCode).toBe(413);
    const after = await db.kysely.selectFrom('import_batches').select('id').execute();
    expect(after).toHaveLength(before.length);
  });

  it('streams progress lines and then the summary with ?progress=ndjson, and errors as a last line', async () => {
    const rows = ['order_id,customer_id,date,sku,quantity,unit_price'];
    for (let i = 1; i <= 5000; i++) rows.push(`P-${i},C-${i % 300},2024-06-01 10:00,A,1,2.00`);
    const roomy = testApp(db, { config: testConfig({ maxUploadBytes: 1 << 20 }) });
    const { authorization } = await bearer(db, 'manager');
    const body = await multipart({ dateFormat: 'iso' }, { name: 'big.csv', content: rows.join('\n') });
    const res = await roomy.inject({ method: 'POST', url: '/api/imports/orders?progress=ndjson', headers: { authorization, 'content-type': body.contentType }, payload: body.payload });
    await roomy.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l));
    const progress = lines.filter((l) => l.type === 'progress');
    // 5,000 one-row orders in chunks of DEFAULT_CHUNK_ORDERS: a chunk is handed on when the first
    // row of the next order arrives (row k x chunk + 1), the last at the end of the file.
    const every = DEFAULT_CHUNK_ORDERS;
    const expected = Array.from({ length: Math.ceil(5000 / every) - 1 }, (_, k) => (k + 1) * every + 1);
    expect(progress.map((p) => p.rows)).toEqual([...expected, 5000]);
    expect(progress.at(-1).bytes).toBe(progress.at(-1).totalBytes);
    expect(lines.at(-1)).toMatchObject({ type: 'done', summary: { source: 'big.csv', read: 5000, imported: 5000, rejected: 0 } });

    const bad = await multipart({}, { name: 'no-amount.csv', content: 'order_id,customer_id,date\nO1,C1,2024-01-01\n' });
    const failed = await app.inject({ method: 'POST', url: '/api/imports/orders?progress=ndjson', headers: { cookie, 'content-type': bad.contentType }, payload: bad.payload });
    const last = JSON.parse(failed.body.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ type: 'error', error: { code: 'VALIDATION', message: expect.stringContaining('amount or unit_price') } });
  });

  it('needs a file, and multipart', async () => {
    expect((await upload({ layout: 'orders' })).statusCode).toBe(400);
    const json = await app.inject({ method: 'POST', url: '/api/imports/orders', headers: { cookie }, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
  });
});
