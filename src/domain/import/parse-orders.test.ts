import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../storage/settings.repo.js';
import { parseOrders, READ_AHEAD_CHARS } from './parse-orders.js';

/** A CSV of `rows` order lines produced on demand, counting what the parser has pulled. */
function generated(rows: number) {
  let i = 0;
  const pulled = { bytes: 0 };
  /** Byte offset of the end of data row r (header included). */
  const endOf = new Float64Array(rows + 1);
  const stream = new Readable({
    read() {
      if (i === 0) {
        const header = 'order_id,customer_id,date,sku,quantity,unit_price\n';
        this.push(header);
        pulled.bytes = endOf[0] = header.length;
        i = 1;
        return;
      }
      let s = '';
      for (let k = 0; k < 500 && i <= rows; k++, i++) {
        s += `O${i},C${i % 977},2024-03-01 10:00,SKU${i % 50},1,9.90\n`;
        endOf[i] = pulled.bytes + s.length;
      }
      pulled.bytes += s.length;
      this.push(s.length ? s : null);
    },
  });
  return { stream, pulled, endOf };
}

describe('parseOrders', () => {
  it('reads the file only a little ahead of what it has parsed, however slow the writer', async () => {
    const { stream, pulled, endOf } = generated(600_000); // ~27 MB
    const chunks = parseOrders(stream, { encoding: 'utf-8', delimiter: ',', options: { sourceName: 'gen.csv' }, settings: DEFAULT_SETTINGS });
    let orders = 0;
    let worstAhead = 0;
    let n = 0;
    for await (const c of chunks) {
      orders += c.orders.n;
      // A slow writer: give the reader every chance to run ahead.
      if (n++ < 20) await new Promise((r) => setTimeout(r, 5));
      worstAhead = Math.max(worstAhead, pulled.bytes - endOf[c.read]!);
    }
    expect(orders).toBe(600_000);
    // What was pulled but not yet parsed stays within the allowed backlog plus the stream's own
    // buffer and the open chunk of orders, not the file.
    expect(worstAhead).toBeLessThan(READ_AHEAD_CHARS + 256 * 1024);
    expect(pulled.bytes).toBeGreaterThan(25_000_000);
  });
});
