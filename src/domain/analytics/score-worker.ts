import { parentPort, workerData } from 'node:worker_threads';
import { ValueInputError } from '../../analytics/metrics.js';
import type { AnalysisParameters } from './options.js';
import { rowsOf, scoreCustomers, type ScoreInput } from './score.js';

/**
 * Worker-thread entry of the scoring (run-scoring.ts): builds the per-customer objects from the
 * columns it was given, scores them, and sends back the code columns (transferred, not copied)
 * and the summaries. Its heap is bounded by the parent's resourceLimits.
 */
const { input, asOfDay, params } = workerData as { input: ScoreInput; asOfDay: number; params: AnalysisParameters };
const port = parentPort!;
try {
  const { columns, summary } = scoreCustomers(rowsOf(input), asOfDay, params, (done) => port.postMessage({ type: 'step', done }));
  const buffers = Object.values(columns).map((c: { buffer: ArrayBuffer }) => c.buffer);
  port.postMessage({ type: 'done', columns, summary }, buffers);
} catch (e) {
  const err = e as Error;
  port.postMessage({
    type: 'error',
    error: { name: err?.name, message: String(err?.message ?? e), code: e instanceof ValueInputError ? e.code : undefined },
  });
}
