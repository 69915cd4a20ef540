import { parentPort, workerData } from 'node:worker_threads';
import { fitBgNbd, fitParetoNbd, type SummaryRow } from '../../analytics/clv/index.js';

/**
 * Worker-thread entry of a repeat-model fit (fit-runner.ts): rebuilds the grouped rows from the
 * columns it was given, fits, and sends the plain result back. Running here lets the caller put a
 * wall-clock limit on a fit and keeps a server answering meanwhile.
 */
const { model, x, tx, T, w } = workerData as { model: 'bg-nbd' | 'pareto-nbd'; x: Float64Array; tx: Float64Array; T: Float64Array; w: Float64Array };
const rows: SummaryRow[] = new Array(x.length);
for (let i = 0; i < x.length; i++) rows[i] = { x: x[i]!, tx: tx[i]!, T: T[i]!, weight: w[i]! };
try {
  const fit = model === 'bg-nbd' ? fitBgNbd(rows, { group: false }) : fitParetoNbd(rows, { group: false });
  parentPort!.postMessage({ type: 'done', fit });
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: String((e as Error)?.message ?? e) });
}
