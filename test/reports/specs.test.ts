/**
 * Every emitted spec validates against the Vega-Lite JSON Schema shipped in the vega-lite package
 * (draft-07, checked with ajv), for one run, a comparison of two commits, a sweep of candidate
 * counts and rates, and without machine limits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allCharts } from '../../reports/charts/index.ts';
import { runRows } from '../../reports/runs.ts';
import { makeResults } from '../fixtures/make-results.ts';
import { pairedResults } from './paired-fixture.ts';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8')) as object;
// Vega-Lite's schema uses union types and keywords ajv's strict mode rejects; validation is unaffected.
const validate = new Ajv({ strict: false, allErrors: true, formats: { uri: true, 'uri-reference': true, 'color-hex': true } }).compile(schema);

const fixture = JSON.parse(readFileSync(new URL('../fixtures/results-small.json', import.meta.url), 'utf8'));
const LIMITS: MachineLimits = {
  schemaVersion: 1,
  fingerprint: 'test',
  measuredAt: '2026-01-01T00:00:00.000Z',
  machine: { cpuBrand: 'AMD EPYC', cores: 2, physicalCores: 2, memoryTotalBytes: 1, platform: 'linux', arch: 'x64', node: 'v20', gpus: [] },
  gemm: { runtime: 'ort', version: '1.30.0', threads: 2, measurements: [], peakGflopPerS: 300, unavailableReason: null },
  bandwidth: { method: 'test', measurements: [], peakGBPerS: 15 },
  gpuMemoryUtilisation: null,
  loadAverage1m: 0,
  measurementS: 1,
};

const cases = {
  'one run (fixture file)': runRows([{ path: 'a', results: fixture }]),
  'two commits': runRows([
    { path: 'a', results: makeResults({ commit: 'aaaaaaa1' }) },
    { path: 'b', results: makeResults({ commit: 'bbbbbbb2', latencyScale: 0.8 }) },
  ]),
  'a sweep of candidates and rates': runRows([16, 64, 256].map((n, i) => ({ path: String(i), results: makeResults({ candidates: n, targetQps: 10 * (i + 1) }) }))),
  'paired phase and candidate buckets': runRows([{ path: 'p', results: pairedResults() }]),
};

const EXPECTED: Record<string, string[]> = {
  'one run (fixture file)': ['latency-spectrum', 'roofline', 'cache-hit-miss', 'what-if-p99'],
  'two commits': ['latency-spectrum', 'roofline', 'cache-hit-miss', 'what-if-p99'],
  'a sweep of candidates and rates': ['latency-spectrum', 'latency-vs-candidates', 'throughput-vs-load', 'roofline', 'cache-hit-miss', 'what-if-p99'],
  'paired phase and candidate buckets': ['latency-spectrum', 'latency-vs-candidates', 'speedup-vs-candidates', 'roofline', 'cache-hit-miss', 'what-if-p99'],
};

describe('Vega-Lite specs', () => {
  for (const [name, rows] of Object.entries(cases)) {
    for (const limits of [LIMITS, undefined]) {
      it(`${name}, ${limits ? 'with' : 'without'} limits: every chart validates against the shipped schema`, () => {
        const charts = allCharts(rows, limits);
        // lone points become tables (one rate, one candidate mix, no paired phase)
        expect(charts.map((c) => c.name)).toEqual(EXPECTED[name]);
        for (const chart of charts) {
          const ok = validate(chart.spec);
          expect(ok ? [] : (validate.errors ?? []).slice(0, 3).map((e) => `${chart.name} ${e.instancePath} ${e.message}`)).toEqual([]);
          expect(JSON.stringify(chart.spec)).toContain('"font":"DejaVu Sans"');
        }
      });
    }
  }

  it('a sweep connects one line per run id across files; a comparison keeps commits apart', () => {
    const sweep = allCharts(cases['a sweep of candidates and rates'], LIMITS).find((c) => c.name === 'latency-vs-candidates')!;
    const values = (sweep.spec.data as { values: { group: string; candidates: number }[] }).values;
    expect(new Set(values.map((v) => v.group))).toEqual(new Set(['baseline@ort-cpu', 'ugsep@ort-cpu', 'ugsep-w8a16@ort-cpu']));
    expect(new Set(values.map((v) => v.candidates))).toEqual(new Set([16, 64, 256]));
    const series = cases['two commits'].map((r) => r.series);
    expect(series).toContain('aaaaaaa ugsep@ort-cpu');
    expect(series).toContain('bbbbbbb ugsep@ort-cpu');
  });
});
