/**
 * `ugbench sweep` and `ugbench capacity` through the CLI on the tiny model. The sweep's
 * sustainability rule is checked against each run's own recorded facts (valid, p99 <= SLO,
 * achieved >= 90% of target, <= 0.1% lost), and a rate's verdict against a strict majority of its
 * repeats; capacity's refusal of the RankMixer estimates (the tiny model is overhead-bound), its
 * re-judging of the runs under another SLO, and one Markdown row per measured series are checked
 * against the sweep file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../harness/results/contract.ts';
import type { SweepResults } from '../../harness/results/sweep/results.ts';
import { runCli } from '../cli/run-cli.ts';
import { writeTinyScenario } from './tiny-scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-e2e-sweep-'));
const SLO_MS = 1000;
let sweep: SweepResults;
let tightSweep: SweepResults;

/** The highest rate a strict majority of whose repeats met the rule, on >= 459 requests together (a p99's 99% bound); -Infinity when none. */
function majorityPeak(steps: SweepResults['series'][number]['steps'], sloMs: number): number {
  const rates = [...new Set(steps.map((s) => s.targetQps))];
  const held = rates.filter((rate) => {
    const at = steps.filter((s) => s.targetQps === rate);
    const owed = at.reduce((n, s) => n + s.run.counts.completed + s.run.counts.dropped + s.run.counts.errored, 0);
    return at.filter((s) => sustained(s.run, rate, sloMs)).length * 2 > at.length && owed >= 459;
  });
  return Math.max(...held);
}

/** The rule as documented, from the step's recorded facts only. */
function sustained(run: RunResult, targetQps: number, sloMs: number): boolean {
  const lost = run.counts.dropped + run.counts.errored;
  return (
    run.validity.status === 'valid' &&
    run.latencyUs.overall.count > 0 &&
    run.latencyUs.overall.p99Us / 1000 <= sloMs &&
    run.throughput.requestsPerS >= 0.9 * targetQps &&
    lost <= 0.001 * run.counts.planned
  );
}

function runSweep(name: string, sloMs: number, maxSteps: number): SweepResults {
  const scenario = writeTinyScenario(dir, { name, variants: ['baseline', 'ugsep'], arrivals: 'constant', durationS: 1.5 });
  const out = join(dir, `${name}.json`);
  const args = ['sweep', scenario, '--slo-p99-ms', String(sloMs), '--start-qps', '30', '--max-qps', '45', '--max-steps', String(maxSteps), '--warmup', '0.2', '--out', out];
  const r = runCli(args, { timeoutMs: 170_000 });
  expect(r.stderr).not.toContain('crashed');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as SweepResults;
}

/** Cells of the Markdown table row that starts with `| id |`, keyed by the table's header. */
function markdownRows(md: string, id: string): Record<string, string>[] {
  const lines = md.split('\n');
  const rows: Record<string, string>[] = [];
  let header: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) {
      header = [];
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (header.length === 0) header = cells;
    else if (cells[0] === id) rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}

beforeAll(() => {
  sweep = runSweep('sweep-loose', SLO_MS, 2);
  tightSweep = runSweep('sweep-tight', 0.001, 2); // no run meets a 1 µs p99
}, 340_000);

describe('ugbench sweep: the sustainability rule', () => {
  it('every run is sustainable exactly when its own facts meet the rule; the peak is the best rate a majority of repeats sustained', () => {
    for (const s of [...sweep.series, ...tightSweep.series]) {
      const slo = s === tightSweep.series.find((x) => x.id === s.id) ? tightSweep.sloP99Ms : sweep.sloP99Ms;
      expect(s.steps.length).toBeGreaterThan(0);
      for (const step of s.steps) {
        expect(step.sustainable).toBe(sustained(step.run, step.targetQps, slo));
        expect(step.reasons.length === 0).toBe(step.sustainable);
      }
      const best = majorityPeak(s.steps, slo);
      expect(s.peakQps).toBe(Number.isFinite(best) ? best : null);
      // every rate was run --repeats 3 times, and its verdict is the majority's
      for (const rate of s.rates!) expect(s.steps.filter((x) => x.targetQps === rate.targetQps)).toHaveLength(3);
    }
    expect(sweep.series.map((s) => s.id)).toEqual(['baseline@ort-cpu', 'ugsep@ort-cpu']);
    expect(sweep.series.some((s) => s.peakQps !== null)).toBe(true); // 30-45 req/s on tiny: sustained, so capacity has a peak
  });

  it('carries the paired, interleaved service-time comparison the peak ratios are checked against, run before any load', () => {
    const paired = sweep.paired!;
    expect(paired.cache).toBe('bypassed');
    expect([...paired.variants].sort()).toEqual(['baseline', 'ugsep']);
    const all = paired.buckets.find((b) => b.bucket === 'all')!;
    expect(all.n).toBeGreaterThan(0);
    expect(all.speedups.find((x) => x.variant === 'ugsep' && x.over === 'baseline')!.ratio).toBeGreaterThan(0);
  });

  it('a p99 objective no run can meet: nothing sustained, and the reason names the SLO', () => {
    for (const s of tightSweep.series) {
      expect(s.peakQps).toBeNull();
      expect(s.steps.every((x) => !x.sustainable && x.reasons.some((r) => /p99.* > (SLO )?0\.001 ms/.test(r)))).toBe(true);
    }
  });
});

describe('ugbench capacity', () => {
  const PEAK = 100;
  it('one row per measured series; replicas from the peak under the SLO and the headroom', () => {
    const md = join(dir, 'capacity.md');
    const r = runCli(['capacity', join(dir, 'sweep-loose.json'), '--peak-qps', String(PEAK), '--slo-p99-ms', String(SLO_MS), '--headroom', '0.5', '--md', md]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = readFileSync(md, 'utf8');
    for (const s of sweep.series) {
      const [row, ...more] = markdownRows(text, s.id).filter((x) => 'replicas' in x && 'model' in x);
      expect(more.filter((x) => 'utilisation' in x)).toEqual([]); // exactly one plan row
      expect(row).toBeDefined();
      const peak = majorityPeak(s.steps, SLO_MS);
      expect(row!.replicas).toBe(Number.isFinite(peak) ? String(Math.max(1, Math.ceil(PEAK / (peak * 0.5) - 1e-9))) : '-');
    }
    // the RankMixer sizes were not measured, and the tiny model is overhead-bound: no estimates, a reason
    expect(text).toMatch(/rankmixer-100m baseline.*: refused\. (baseline@ort-cpu is overhead-bound|no roofline|no GEMM peak)/);
    expect(text).not.toContain('(estimate)');
  });

  it('re-judges the measured steps under its own SLO: a 1 µs p99 leaves no replica count', () => {
    const md = join(dir, 'capacity-tight.md');
    const r = runCli(['capacity', join(dir, 'sweep-loose.json'), '--peak-qps', String(PEAK), '--slo-p99-ms', '0.001', '--md', md]);
    expect(r.status).toBe(0);
    const text = readFileSync(md, 'utf8');
    for (const s of sweep.series) {
      const [row] = markdownRows(text, s.id).filter((x) => 'replicas' in x && 'model' in x);
      expect(row!.replicas).toBe('-');
    }
  });

  it('a file that is not a sweep is bad input: exit 104, one line', () => {
    const r = runCli(['capacity', join(dir, 'sweep-loose.yaml'), '--peak-qps', '1', '--slo-p99-ms', '1']);
    expect(r.status).toBe(104);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
