import { Worker } from 'node:worker_threads';
import { fitBgNbd, fitParetoNbd, groupSummaries, type FitResult, type ModelName, type SummaryRow } from '../../analytics/clv/index.js';
import { DEFAULTS } from './defaults.js';

const LABEL = { 'bg-nbd': 'BG/NBD', 'pareto-nbd': 'Pareto/NBD' } as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFit = FitResult<ModelName, any>;

/**
 * Fits with a wall-clock limit. Pareto/NBD fits once ran without end on data whose customers drop
 * out at nearly the same rate (the s, β → ∞ ridge; docs/predictions.md §7). The likelihood is now
 * bounded in cost and the ridge is reported, but models in DEFAULTS.fitInWorker still run in a
 * worker thread stopped after timeoutMs, as a backstop that keeps a server answering whatever the
 * data. The rows are grouped here first (exact), so only the distinct summaries cross to the worker.
 */
export async function fitRepeatGuarded(
  model: 'bg-nbd' | 'pareto-nbd',
  rows: readonly SummaryRow[],
  o: { timeoutMs?: number } = {},
): Promise<AnyFit> {
  if (!(DEFAULTS.fitInWorker as readonly string[]).includes(model)) return model === 'bg-nbd' ? fitBgNbd(rows) : fitParetoNbd(rows);
  const timeoutMs = o.timeoutMs ?? DEFAULTS.fitTimeoutMs;
  const grouped = groupSummaries(rows);
  const n = grouped.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = grouped[i]!;
    x[i] = g.x;
    tx[i] = g.tx;
    T[i] = g.T;
    w[i] = g.weight;
  }
  // From source (tsx, vitest) the worker needs the TypeScript loader registered; built code loads the .js entry.
  const entry = import.meta.url.endsWith('.ts') ? './fit-worker.dev.mjs' : './fit-worker.js';
  const worker = new Worker(new URL(entry, import.meta.url), {
    workerData: { model, x, tx, T, w },
    transferList: [x.buffer, tx.buffer, T.buffer, w.buffer],
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<AnyFit>((resolve, reject) => {
      timer = setTimeout(() => {
        resolve({
          ok: false,
          model,
          code: 'optimiser-failed',
          reason:
            `the ${LABEL[model]} fit did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped: ` +
            'the time limit is DEFAULTS.fitTimeoutMs; BG/NBD is usually much faster on the same data',
        });
      }, timeoutMs);
      worker.on('message', (m: { type: string; fit?: AnyFit; message?: string }) => {
        if (m.type === 'done') resolve(m.fit!);
        else reject(new Error(`${LABEL[model]} fit failed: ${m.message}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`${LABEL[model]} fit worker stopped (exit code ${code})`)));
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
