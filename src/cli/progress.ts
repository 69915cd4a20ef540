import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number | null, label?: string): void;
  stop(): void;
}

/**
 * A bar on a terminal; plain lines (at most one every 2 s) when output is a pipe or a CI log,
 * so logs stay readable. Silent with --json, where stdout must stay machine-readable.
 */
export function createProgress(title: string, opts: { silent?: boolean; unit?: string } = {}): Progress {
  if (opts.silent) return { update() {}, stop() {} };
  const unit = opts.unit ?? '';
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${title} [{bar}] {percentage}% | {value}/{total} ${unit} | {label}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, label = '') {
        if (!started) {
          bar.start(total ?? done, done, { label });
          started = true;
        }
        if (total !== null) bar.setTotal(total);
        bar.update(done, { label });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(done, total, label = '') {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      const pct = total ? ` (${Math.floor((100 * done) / total)}%)` : '';
      process.stderr.write(`${title}: ${done}${total ? `/${total}` : ''} ${unit}${pct} ${label}\n`);
    },
    stop() {},
  };
}
