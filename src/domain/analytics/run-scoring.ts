import { Worker } from 'node:worker_threads';
import { ValueInputError, type ValueInputErrorCode } from '../../analytics/metrics.js';
import type { AnalysisParameters } from './options.js';
import { rowsOf, scoreCustomers, type ScoreColumns, type ScoreInput, type ScoreSummary } from './score.js';

/**
 * Where scoring runs. Small snapshots score in-thread. Large ones score in a worker thread with
 * a bounded heap: V8 otherwise lets garbage from the methods' million-object passes grow the
 * heap to about twice the live size, and a server would stop answering for the whole scoring.
 */
export const DEFAULTS = Object.freeze({
  /** Customers from which scoring moves to a worker thread. */
  workerThreshold: 50_000,
  /**
   * Old-generation limit of the worker in MB. The live peak at 1,000,000 customers is about
   * 500 MB (the row objects plus the largest method's working set, RFM's): room for GC to work.
   */
  workerHeapMb: 1024,
});

export interface ScoringResult {
  columns: ScoreColumns;
  summary: ScoreSummary;
}

export async function runScoring(
  input: ScoreInput,
  asOfDay: number,
  params: AnalysisParameters,
  opts: { worker?: boolean; heapMb?: number; onStep?: (done: number) => void } = {},
): Promise<ScoringResult> {
  const useWorker = opts.worker ?? input.n >= DEFAULTS.workerThreshold;
  if (!useWorker) return scoreCustomers(rowsOf(input), asOfDay, params, opts.onStep);
  // From source (tsx, vitest) the worker needs the TypeScript loader registered; built code loads the .js entry.
  const entry = import.meta.url.endsWith('.ts') ? './score-worker.dev.mjs' : './score-worker.js';
  const worker = new Worker(new URL(entry, import.meta.url), {
    workerData: { input, asOfDay, params },
    resourceLimits: { maxOldGenerationSizeMb: opts.heapMb ?? DEFAULTS.workerHeapMb },
  });
  try {
    return await new Promise<ScoringResult>((resolve, reject) => {
      worker.on('message', (m: { type: string; done?: number; columns?: ScoreColumns; summary?: ScoreSummary; error?: { name: string; message: string; code?: ValueInputErrorCode } }) => {
        if (m.type === 'step') opts.onStep?.(m.done!);
        else if (m.type === 'done') resolve({ columns: m.columns!, summary: m.summary! });
        else if (m.type === 'error') {
          reject(m.error!.code ? new ValueInputError(m.error!.code, m.error!.message) : new Error(`scoring failed: ${m.error!.message}`));
        }
      });
      worker.on('error', (e: Error & { code?: string }) => {
        reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`scoring ran out of memory (worker heap limit ${opts.heapMb ?? DEFAULTS.workerHeapMb} MB)`) : e);
      });
      worker.on('exit', (code) => reject(new Error(`scoring worker stopped (exit code ${code})`)));
    });
  } finally {
    await worker.terminate();
  }
}
