/** One measured figure, written to BENCHMARKS.md by bench/run.ts. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
