/**
 * Progress while a run is measured: a bar on a terminal (cli-progress), plain lines otherwise
 * (CI logs), at most every 5 s or 25%. Writes to stderr so stdout stays clean for pipes.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(label: string, planned: number): void;
  update(done: number, planned: number): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{label} [{bar}] {value}/{total} requests | {duration}s', stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    let active = false;
    return {
      start(label, planned) {
        bar.start(Math.max(planned, 1), 0, { label });
        active = true;
      },
      update(done, planned) {
        if (!active) return;
        if (planned !== bar.getTotal()) bar.setTotal(Math.max(planned, 1));
        bar.update(done);
      },
      stop() {
        if (active) bar.stop();
        active = false;
      },
    };
  }
  let label = '';
  let lastLineMs = 0;
  let lastFraction = 0;
  return {
    start(l, planned) {
      label = l;
      lastLineMs = Date.now();
      lastFraction = 0;
      stream.write(`${label}: started, ${planned} measured requests planned\n`);
    },
    update(done, planned) {
      const fraction = planned > 0 ? done / planned : 0;
      const nowMs = Date.now();
      if (nowMs - lastLineMs >= 5000 || fraction - lastFraction >= 0.25) {
        stream.write(`${label}: ${done}/${planned} requests\n`);
        lastLineMs = nowMs;
        lastFraction = fraction;
      }
    },
    stop() {},
  };
}
