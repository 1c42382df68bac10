/**
 * `ugbench report` on a results file: exactly one PNG per chart spec (6 for a file with cache
 * splits, candidate-bucket tags, a paired phase and machine limits: latency spectrum, latency and
 * speedup vs candidates, roofline, cache hit/miss, hit-rate what-if; throughput vs load at one
 * rate is a table), each a real PNG; and the numbers the charts plot are the results file's own
 * (kept to values derivable from the file, to 3 significant digits as the specs round them).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../harness/loadgen/histogram.ts';
import type { BenchResults } from '../../harness/results/contract.ts';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import { runCli } from '../cli/run-cli.ts';
import { pairedResults } from '../reports/paired-fixture.ts';

const results: BenchResults = pairedResults();
const dir = mkdtempSync(join(tmpdir(), 'ugbench-e2e-report-'));
const out = join(dir, 'report');
type Point = Record<string, number | string>;

/** Every inline data array of a Vega-Lite spec, flattened. */
function plotted(name: string): Point[] {
  const points: Point[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const values = (node as { values?: unknown }).values;
      if (Array.isArray(values) && values.every((v) => v && typeof v === 'object')) points.push(...(values as Point[]));
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(readFileSync(join(out, `${name}.vl.json`), 'utf8')));
  return points;
}

const near = (got: unknown, want: number) => expect(Math.abs(Number(got) - want)).toBeLessThanOrEqual(0.005 * Math.abs(want) + 1e-9);

/** Machine limits for the fixture's machine (stated, not measured: the roofline needs some). */
const LIMITS: MachineLimits = {
  schemaVersion: 1,
  fingerprint: 'e2e-fixture',
  measuredAt: results.createdAt,
  machine: { cpuBrand: `${results.machine.cpu.manufacturer} ${results.machine.cpu.brand}`, cores: results.machine.cpu.cores, physicalCores: results.machine.cpu.physicalCores, memoryTotalBytes: results.machine.memory.totalBytes, platform: 'linux', arch: 'x64', node: results.machine.node, gpus: [] },
  gemm: { runtime: 'onnxruntime-node cpu', version: '1.30.0', threads: 2, measurements: [{ n: 1024, gflopPerS: 100, medianMs: 21.5, repetitions: 5 }], peakGflopPerS: 100, unavailableReason: null },
  bandwidth: { method: 'stated for the test', measurements: [{ kernel: 'ort-matvec', bufferBytes: 2 ** 28, gbPerS: 15 }], peakGBPerS: 15 },
  gpuMemoryUtilisation: null,
  loadAverage1m: 0,
  measurementS: 0,
};

beforeAll(() => {
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
  writeFileSync(join(dir, 'limits-given.json'), JSON.stringify(LIMITS));
  const r = runCli(['report', join(dir, 'results.json'), '--out', out, '--limits', join(dir, 'limits-given.json')]);
  expect(r.stderr).not.toContain('crashed');
  expect(r.status).toBe(0);
});

describe('ugbench report: charts', () => {
  it('one PNG per chart spec, 6 for this file, each a PNG', () => {
    const files = readdirSync(out).filter((f) => !f.startsWith('limits'));
    const specs = files.filter((f) => f.endsWith('.vl.json')).map((f) => f.replace('.vl.json', '')).sort();
    const pngs = files.filter((f) => f.endsWith('.png')).map((f) => f.replace('.png', '')).sort();
    expect(pngs).toEqual(specs);
    expect(pngs).toHaveLength(6);
    for (const png of pngs) expect(readFileSync(join(out, `${png}.png`)).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('latency spectrum: the 0th percentile of each run is its minimum latency', () => {
    const points = plotted('latency-spectrum');
    for (const run of results.runs) {
      const first = points.find((p) => p.series === run.id && p.percentile === 0);
      near(first?.latencyMs, run.latencyUs.overall.minUs / 1000);
    }
  });

  it('throughput vs load at one rate is a table in report.html, not a lone point per run', () => {
    expect(readdirSync(out)).not.toContain('throughput-vs-load.png');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="table-throughput-vs-load"');
    for (const run of results.runs) expect(html).toContain(`<td class="num">${run.throughput.requestsPerS.toFixed(2)}</td>`);
  });

  it('cache hit/miss: counts are the histograms\' totals, p50 the file\'s summaries', () => {
    const points = plotted('cache-hit-miss');
    const cached = results.runs.filter((r) => r.histograms.cacheHit && r.histograms.cacheMiss);
    expect(cached.length).toBeGreaterThan(0);
    for (const run of cached) {
      for (const [outcome, histogram, summary] of [
        ['hit', run.histograms.cacheHit!, run.latencyUs.cacheHit!],
        ['miss', run.histograms.cacheMiss!, run.latencyUs.cacheMiss!],
      ] as const) {
        const p50 = points.find((p) => p.series === run.id && p.outcome === outcome);
        expect(p50?.count).toBe(decodeHistogram(histogram).totalCount);
        near(p50?.latencyMs, summary.p50Us / 1000);
      }
    }
  });
});
