import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/db.js';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import { sharedDataPath } from '../../test-support/paths.js';
import { importOrdersFile } from './import-orders.js';

/**
 * Expected figures come from deliberately simple counters over the raw files written here,
 * not from the importer's own code paths.
 */
function cents(text: string): number {
  // "12.3" -> 1230, "-0.5" -> -50; no floats involved.
  const neg = text.startsWith('-');
  const [i, f = ''] = text.replace('-', '').split('.');
  const v = Number(i) * 100 + Number((f + '00').slice(0, 2)) + (Number(f[2] ?? 0) >= 5 ? 1 : 0);
  return neg ? -v : v;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const cdnowTruth = (() => {
  const lines = readFileSync(sharedDataPath('cdnow_master.txt'), 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const rows = lines.slice(1).map((l) => l.trim().split(/\s+/));
  return {
    rows: rows.length,
    customers: new Set(rows.map((r) => r[0])).size,
    totalCents: rows.reduce((s, r) => s + cents(r[3]!), 0),
    quantity: rows.reduce((s, r) => s + Number(r[2]), 0),
  };
})();

const uciTruth = (() => {
  const lines = readFileSync(sharedDataPath('online_retail_head8000.csv'), 'utf8').split(/\r?\n/).filter((l) => l);
  const rows = lines.slice(1).map(splitCsvLine);
  const invoices = new Map<string, { customer: string; totalMilli: number; qty: number; lines: number }>();
  for (const r of rows) {
    const [inv, , , q, , price, cust] = r as string[];
    const inv0 = invoices.get(inv!) ?? { customer: cust!, totalMilli: 0, qty: 0, lines: 0 };
    inv0.lines++;
    // price has at most 3 decimals in this file: work in thousandths, round each line to cents.
    const [pi, pf = ''] = price!.split('.');
    const milli = Number(pi) * 1000 + Number((pf + '000').slice(0, 3));
    const lineMilli = milli * Number(q);
    const lineCents = Math.sign(lineMilli) * Math.floor((Math.abs(lineMilli) + 5) / 10);
    inv0.totalMilli += lineCents;
    inv0.qty += Number(q);
    invoices.set(inv!, inv0);
  }
  const list = [...invoices.entries()];
  return {
    rows: rows.length,
    invoices: invoices.size,
    anonymous: list.filter(([, v]) => v.customer === '').length,
    returns: list.filter(([k, v]) => k.startsWith('C') || v.totalMilli < 0 || (v.totalMilli === 0 && v.qty < 0)).length,
    customers: new Set(rows.map((r) => r[6]).filter((c) => c !== '')).size,
    totalCents: list.reduce((s, [, v]) => s + v.totalMilli, 0),
    skus: new Set(rows.map((r) => r[1])).size,
    /** invoice -> [lines, cents], from the file alone. */
    perInvoice: new Map(list.map(([k, v]) => [k, [v.lines, v.totalMilli] as const])),
  };
})();

const groceriesTruth = (() => {
  const lines = readFileSync(sharedDataPath('groceries.csv'), 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l);
  const items = lines.flatMap((l) => l.split(','));
  return { baskets: lines.length, occurrences: items.length, distinct: new Set(items).size };
})();

async function count(db: Db, table: 'orders' | 'order_lines' | 'customers' | 'products'): Promise<number> {
  const r = await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function sumTotals(db: Db): Promise<number> {
  const r = await db.kysely.selectFrom('orders').select(sql<number>`coalesce(sum(total_minor), 0)`.as('s')).executeTakeFirstOrThrow();
  return Number(r.s);
}

describeEachDialect('order import', (dialect) => {
  let db: Db;
  const dir = mkdtempSync(join(tmpdir(), 'patron-import-'));
  beforeAll(async () => {
    db = await createTestDb(dialect);
  });
  afterAll(async () => {
    await db.close();
  });

  describe('CDNOW master (whitespace, header, no order id)', () => {
    it('imports every row as an order, exactly', async () => {
      const s = await importOrdersFile(db, sharedDataPath('cdnow_master.txt'), {});
      expect(s.read).toBe(cdnowTruth.rows);
      expect(s.imported).toBe(cdnowTruth.rows);
      expect(s.rejected).toBe(0);
      expect(s.customersCreated).toBe(cdnowTruth.customers);
      expect(await count(db, 'orders')).toBe(cdnowTruth.rows);
      expect(await count(db, 'customers')).toBe(cdnowTruth.customers);
      expect(await sumTotals(db)).toBe(cdnowTruth.totalCents);
    });

    it('is idempotent: the same file again changes nothing', async () => {
      const s = await importOrdersFile(db, sharedDataPath('cdnow_master.txt'), {});
      expect(s).toMatchObject({ imported: 0, updated: 0, unchanged: cdnowTruth.rows, customersCreated: 0 });
      expect(await count(db, 'orders')).toBe(cdnowTruth.rows);
      expect(await sumTotals(db)).toBe(cdnowTruth.totalCents);
    });
  });

  describe('UCI Online Retail head (line level, returns, anonymous)', () => {
    // Its own database: CDNOW's zero-padded ids (00001..23570) overlap UCI's 12346..18287.
    let uci: Db;
    beforeAll(async () => {
      uci = await createTestDb(dialect);
    });
    afterAll(async () => {
      await uci.close();
    });
    it('groups lines into invoices, recognises returns and anonymous sales', async () => {
      const db = uci;
      const before = await sumTotals(db);
      const s = await importOrdersFile(db, sharedDataPath('online_retail_head8000.csv'), { returnPrefix: 'C' });
      expect(s.read).toBe(uciTruth.rows);
      expect(s.lines).toBe(uciTruth.rows);
      expect(s.orders).toBe(uciTruth.invoices);
      expect(s.anonymous).toBe(uciTruth.anonymous);
      expect(s.returns).toBe(uciTruth.returns);
      expect(s.customersCreated).toBe(uciTruth.customers);
      expect(s.productsCreated).toBe(uciTruth.skus);
      expect(s.rejected).toBe(0);
      expect((await sumTotals(db)) - before).toBe(uciTruth.totalCents);
      // Every invoice's stored lines (joined through order_id) match the file: count and sum.
      const stored = await db.kysely
        .selectFrom('order_lines')
        .innerJoin('orders', 'orders.id', 'order_lines.order_id')
        .select(['orders.external_id as inv', sql<number>`count(*)`.as('n'), sql<number>`sum(order_lines.line_total_minor)`.as('cents')])
        .where('orders.import_batch_id', '=', s.batchId)
        .groupBy('orders.external_id')
        .execute();
      expect(stored).toHaveLength(uciTruth.invoices);
      const mismatched = stored.filter((r) => {
        const t = uciTruth.perInvoice.get(r.inv);
        return !t || t[0] !== Number(r.n) || t[1] !== Number(r.cents);
      });
      expect(mismatched).toEqual([]);
      const ret = await db.kysely.selectFrom('orders').select(['kind', 'total_minor']).where('external_id', 'like', 'C%').execute();
      expect(ret.length).toBeGreaterThan(0);
      expect(ret.every((r) => r.kind === 'return' && r.total_minor <= 0)).toBe(true);
      // CustomerID "17850.0" is stored as the id 17850.
      const c = await db.kysely.selectFrom('customers').select('country').where('external_id', '=', '17850').executeTakeFirst();
      expect(c?.country).toBe('United Kingdom');
    });

    it('re-import is a no-op', async () => {
      const s = await importOrdersFile(uci, sharedDataPath('online_retail_head8000.csv'), { returnPrefix: 'C' });
      expect(s).toMatchObject({ imported: 0, updated: 0, unchanged: uciTruth.invoices });
    });
  });

  describe('Groceries baskets', () => {
    it('imports one anonymous order per basket', async () => {
      const s = await importOrdersFile(db, sharedDataPath('groceries.csv'), { layout: 'baskets', defaultDate: '2000-01-01' });
      expect(s.orders).toBe(groceriesTruth.baskets);
      expect(s.lines).toBe(groceriesTruth.occurrences);
      expect(s.anonymous).toBe(groceriesTruth.baskets);
      expect(s.productsCreated).toBe(groceriesTruth.distinct);
      const cc = await db.kysely.selectFrom('products').select('sku').where('sku', '=', 'cream cheese ').executeTakeFirst();
      expect(cc?.sku).toBe('cream cheese ');
    });
  });

  describe('bad rows', () => {
    it('rejects each bad row with its line and reason, and keeps the good ones', async () => {
      const file = join(dir, `broken-${dialect}.csv`);
      const good = 'B1,cust-1,2024-03-01 10:00,SKU1,2,5.00\n';
      const content = Buffer.concat([
        Buffer.from('订单号,客户编号,下单时间,商品编号,数量,单价\n'),
        Buffer.from(good), // line 2
        Buffer.from('B2,cust-2,2024-02-30 10:00,SKU1,1,5.00\n'), // 3: impossible date
        Buffer.from('B3,cust-3,2024-03-02 10:00,SKU1,two,5.00\n'), // 4: text in a number
        Buffer.from('B4,cust-4,2024-03-02\n'), // 5: missing columns
        Buffer.from('B5,'), Buffer.from([0x63, 0x75, 0xe9, 0x74]), Buffer.from(',2024-03-03 10:00,SKU1,1,5.00\n'), // 6: latin-1 byte
        Buffer.from('B6,cust-6,2024-03-04 10:00,SKU1,1,5.00\n'), // 7: good line of order B6
        Buffer.from('B6,cust-6,2024-03-04 10:00,SKU2,1,abc\n'), // 8: bad line spoils B6
        Buffer.from(',cust-7,2024-03-04 10:00,SKU1,1,5.00\n'), // 9: no order id
        Buffer.from('B8,,2024-03-05 09:00,SKU1,1,3.50\n'), // 10: anonymous, good
      ]);
      writeFileSync(file, content);
      const rejects = join(dir, `broken-${dialect}.rejects.csv`);
      const s = await importOrdersFile(db, file, { rejectsPath: rejects });
      expect(s.read).toBe(9);
      expect(s.orders).toBe(2);
      expect(s.anonymous).toBe(1);
      expect(s.rejected).toBe(7);
      const rows = await db.kysely.selectFrom('import_rejects').select(['line', 'reason']).where('batch_id', '=', s.batchId).orderBy('line').execute();
      expect(rows.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(rows[0]!.reason).toMatch(/^date: cannot read "2024-02-30 10:00"/);
      expect(rows[1]!.reason).toMatch(/^quantity: not a number: "two"/);
      expect(rows[2]!.reason).toMatch(/^missing column\(s\): sku, quantity, unit_price/);
      expect(rows[3]!.reason).toMatch(/invalid characters/);
      expect(rows[4]!.reason).toMatch(/another line of this order was rejected/);
      expect(rows[5]!.reason).toMatch(/^unit_price: not a number: "abc"/);
      expect(rows[6]!.reason).toBe('missing order_id');
      const csv = readFileSync(rejects, 'utf8').trim().split('\n');
      expect(csv[0]).toBe('line,reason,raw');
      expect(csv).toHaveLength(8);
      const b1 = await db.kysely.selectFrom('orders').select(['total_minor', 'local_date']).where('external_id', '=', 'B1').executeTakeFirstOrThrow();
      expect(b1).toEqual({ total_minor: 1000, local_date: '2024-03-01' });
    });

    it('a corrected file updates by external id', async () => {
      const file = join(dir, `corrected-${dialect}.csv`);
      writeFileSync(file, 'order_id,customer_id,date,amount\nK1,c-k,2024-05-01,10.00\nK2,c-k,2024-05-02,20.00\n');
      const a = await importOrdersFile(db, file, {});
      expect(a).toMatchObject({ imported: 2, updated: 0 });
      writeFileSync(file, 'order_id,customer_id,date,amount\nK1,c-k,2024-05-01,10.00\nK2,c-k,2024-05-02,25.50\n');
      const b = await importOrdersFile(db, file, {});
      expect(b).toMatchObject({ imported: 0, updated: 1, unchanged: 1 });
      const k2 = await db.kysely.selectFrom('orders').select('total_minor').where('external_id', '=', 'K2').executeTakeFirstOrThrow();
      expect(k2.total_minor).toBe(2550);
      const lines = await db.kysely.selectFrom('order_lines').innerJoin('orders', 'orders.id', 'order_lines.order_id').select('line_total_minor').where('orders.external_id', '=', 'K2').execute();
      expect(lines).toEqual([{ line_total_minor: 2550 }]);
    });

    it('rows of one order apart in the file: joined within a chunk, rejected once the order was handed on', async () => {
      const file = join(dir, `apart-${dialect}.csv`);
      writeFileSync(file, [
        'order_id,customer_id,date,sku,quantity,unit_price',
        'A1,c-a,2024-05-01 10:00,S1,1,1.00', // line 2
        'A2,c-a,2024-05-01 11:00,S1,1,2.00',
        'A1,c-a,2024-05-01 10:00,S2,1,3.00', // line 4: A1 is still in the open chunk: joined
        'A3,c-a,2024-05-01 12:00,S1,1,4.00', // starts the second chunk (two orders per chunk)
        'A1,c-a,2024-05-01 10:00,S3,1,5.00', // line 6: A1 was handed on: rejected
        'A4,c-a,2024-05-01 13:00,S1,1,6.00',
      ].join('\n') + '\n');
      const s = await importOrdersFile(db, file, { chunkOrders: 2 });
      expect(s).toMatchObject({ read: 6, imported: 4, rejected: 1 });
      const rows = await db.kysely.selectFrom('import_rejects').select(['line', 'reason']).where('batch_id', '=', s.batchId).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.line).toBe(6);
      expect(rows[0]!.reason).toMatch(/^order A1: its lines are not together in the file .* sort the file by order id/);
      const a1 = await db.kysely.selectFrom('orders').select(['total_minor']).where('external_id', '=', 'A1').executeTakeFirstOrThrow();
      expect(a1.total_minor).toBe(400);
    });

    it('a failure mid-import leaves nothing behind, and the import can be re-run', async () => {
      const fresh = await createTestDb(dialect);
      try {
        await expect(
          importOrdersFile(fresh, sharedDataPath('cdnow_sample.txt'), { header: false, map: { customer_id: '1', date: '3', quantity: '4', amount: '5' } }, {
            onProgress: (p) => {
              if (p.rows > 0 && p.rows < 6919) throw new Error('simulated crash');
            },
          }),
        ).rejects.toThrow('simulated crash');
        expect(await count(fresh, 'orders')).toBe(0);
        expect(await count(fresh, 'customers')).toBe(0);
        const batch = await fresh.kysely.selectFrom('import_batches').select('status').executeTakeFirstOrThrow();
        expect(batch.status).toBe('failed');
        const ok = await importOrdersFile(fresh, sharedDataPath('cdnow_sample.txt'), { header: false, map: { customer_id: '1', date: '3', quantity: '4', amount: '5' } });
        expect(ok.imported).toBe(6919);
        expect(ok.customersCreated).toBe(2357);
      } finally {
        await fresh.close();
      }
    });
  });
  describe('large-file paths: parser thread and deferred index builds', () => {
    // A generated line-level file with the awkward cases mixed in: returns, anonymous orders,
    // a bad quantity, and one order whose lines are split apart.
    const file = join(dir, 'large-paths.csv');
    const rows: string[] = ['order_id,customer_id,date,sku,description,quantity,unit_price,store'];
    for (let o = 1; o <= 1500; o++) {
      const cust = o % 17 === 0 ? '' : `C${1 + ((o * 7919) % 400)}`;
      const day = String(1 + (o % 28)).padStart(2, '0');
      const n = 1 + (o % 4);
      for (let l = 0; l < n; l++) {
        const qty = o % 50 === 0 ? -1 : 1 + ((o + l) % 3);
        rows.push(`O${o},${cust},2024-03-${day} 10:${String(o % 60).padStart(2, '0')},SKU${(o * 31 + l) % 300},Item ${(o * 31 + l) % 300},${qty},${(o % 97) + 0.99},S${o % 5}`);
      }
      if (o === 77) rows.push('O77,C1,2024-03-05 10:00,SKU1,Item 1,two,1.00,S1'); // bad quantity
    }
    rows.push('O5,C1,2024-03-05 10:00,SKU1,Item 1,1,1.00,S1'); // O5 again, far from its other lines
    writeFileSync(file, rows.join('\n') + '\n');

    async function contents(d: Db) {
      const orders = await d.kysely.selectFrom('orders').leftJoin('customers', 'customers.id', 'orders.customer_id')
        .select(['orders.external_id', 'customers.external_id as customer', 'kind', 'total_minor', 'item_count', 'content_hash', 'local_date'])
        .orderBy('orders.external_id').execute();
      const lines = await d.kysely.selectFrom('order_lines').innerJoin('orders', 'orders.id', 'order_lines.order_id')
        .select(['orders.external_id', 'line_no', 'sku', 'quantity', 'unit_price', 'line_total_minor'])
        .orderBy('orders.external_id').orderBy('line_no').execute();
      const rejects = await d.kysely.selectFrom('import_rejects').select(['line', 'reason']).orderBy('line').execute();
      return { orders, lines, rejects };
    }
    const comparable = (s: Awaited<ReturnType<typeof importOrdersFile>>) => ({ ...s, batchId: 0, durationMs: 0 });

    it('gives the same orders, lines, rejects and counts as the plain path, and restores the indexes', async () => {
      const plain = await createTestDb(dialect);
      const fast = await createTestDb(dialect);
      try {
        const indexesOf = (d: Db) => d.sqlite?.prepare("select name, sql from sqlite_master where type = 'index' order by name").all();
        const indexesBefore = indexesOf(fast);
        const a = await importOrdersFile(plain, file, { parseInWorker: false, deferIndexes: false, chunkOrders: 200 });
        const b = await importOrdersFile(fast, file, { parseInWorker: true, deferIndexes: true, chunkOrders: 200 });
        expect(comparable(b)).toEqual(comparable(a));
        expect(a.rejected).toBe(2 + 1 + 1); // the bad quantity spoils O77's two other lines; the split O5 line
        expect(a.returns).toBe(30);
        expect(await contents(fast)).toEqual(await contents(plain));
        if (dialect === 'sqlite') {
          expect(indexesOf(fast)).toEqual(indexesBefore);
          expect(fast.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(fast.sqlite!.pragma('foreign_key_check')).toEqual([]);
        }
        const again = await importOrdersFile(fast, file, { parseInWorker: true, deferIndexes: true, chunkOrders: 200 });
        expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: a.orders });
      } finally {
        await plain.close();
        await fast.close();
      }
    });

    it('reports a file it cannot use from the parser thread as a clear error', async () => {
      const bad = join(dir, 'no-amount.csv');
      writeFileSync(bad, 'order_id,customer_id,date\nO1,C1,2024-01-01\n');
      await expect(importOrdersFile(db, bad, { parseInWorker: true })).rejects.toMatchObject({
        name: 'PatronError', code: 'VALIDATION', message: expect.stringContaining('amount or unit_price'),
      });
    });
  });
});
