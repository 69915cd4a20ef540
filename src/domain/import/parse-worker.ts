import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PatronError } from '../errors.js';
import { packedTransferList } from '../orders/packed.js';
import { parseOrders, type ParseInput } from './parse-orders.js';

/**
 * Worker-thread entry of the import parser (see importOrdersFile): reads and parses the file and
 * posts chunks of built orders, at most PARSE_AHEAD ahead of the writer, which acknowledges each
 * one. So parsing and SQL writing use both cores, and memory stays bounded by a few chunks.
 */
const PARSE_AHEAD = 2;

const { path, input } = workerData as { path: string; input: ParseInput };
const port = parentPort!;
let credits = PARSE_AHEAD;
let wake: (() => void) | null = null;
port.on('message', (m: unknown) => {
  if (m === 'ack') {
    credits++;
    const w = wake;
    wake = null;
    w?.();
  }
});
try {
  for await (const chunk of parseOrders(createReadStream(path), input)) {
    while (credits === 0) await new Promise<void>((r) => (wake = r));
    credits--;
    port.postMessage({ type: 'chunk', chunk }, packedTransferList(chunk.orders));
  }
} catch (e) {
  port.postMessage({ type: 'error', code: e instanceof PatronError ? e.code : null, message: String((e as Error)?.message ?? e) });
}
