/**
 * `ugbench export-results`: CSV rows (one per run and per tag bucket) read back by an
 * independent RFC 4180 parser; the Markdown summary puts the verdict first and flips to FAIL
 * when a run misses its SLO; labels reach both; quantile intervals bound the true quantile and
 * leave an end open when the sample cannot bound it. Both exports carry each percentile's n and
 * the console's too-few mark for a 99% upper bound (reports/percentiles.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../harness/results/contract.ts';
import { fromValues } from '../../harness/results/compare/sample.ts';
import { resultsToCsv, csvField } from '../../cli/export/csv.ts';
import { resultsToMarkdown } from '../../cli/export/markdown.ts';
import { quantileInterval } from '../../cli/export/quantile-interval.ts';
import { latencyBuckets } from '../../cli/export/buckets.ts';
import { parseCsv } from '../support/csv.mjs';
import { makeResults } from '../fixtures/make-results.ts';
import { unsupportedNote } from '../../harness/results/percentile-bound.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/results-small.json', import.meta.url));
const load = (): BenchResults => JSON.parse(readFileSync(FIXTURE, 'utf8')) as BenchResults;


describe('CSV', () => {
  it('has one row per run and per tag bucket, every row as wide as the header', () => {
    const results = load();
    results.labels = { branch: 'feat,"x"', pool: 'ci' };
    const rows = parseCsv(resultsToCsv([{ source: 'r.json', results }]));
    const [header, ...body] = rows;
    const expected = results.runs.reduce((n, run) => n + latencyBuckets(run).length, 0);
    expect(body.length).toBe(expected);
    expect(expected).toBe(3 + 2 * 2); // baseline: all; ugsep and w8a16: all, cache=hit, cache=miss
    for (const row of body) expect(row.length).toBe(header!.length);
    const col = (name: string) => header!.indexOf(name);
    const ugsepHit = body.find((r) => r[col('run')] === 'ugsep@ort-cpu' && r[col('bucket')] === 'cache=hit')!;
    expect(Number(ugsepHit[col('p99_ms')])).toBeCloseTo(results.runs[1]!.latencyUs.cacheHit!.p99Us / 1000, 3);
    expect(ugsepHit[col('requests_per_s')]).toBe(''); // run-level figures only on the 'all' row
    expect(ugsepHit[col('label.branch')]).toBe('feat,"x"');
  });

  it('carries n (`count`) and the percentiles that n is too few for, in the console’s words', () => {
    const csv = (results: BenchResults) => {
      const [header, ...body] = parseCsv(resultsToCsv([{ source: 'r.json', results }]));
      return body.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
    };
    // 200 requests a run: p99 and p99.9 are too few (459 and 4603 needed), p50 and p90 are not
    const small = load();
    for (const row of csv(small)) {
      const run = small.runs.find((r) => r.id === row['run'])!;
      const bucket = latencyBuckets(run).find((b) => b.name === row['bucket'])!;
      expect(Number(row['count'])).toBe(bucket.summary.count);
      expect(row['percentiles_too_few']).toBe([unsupportedNote(99, bucket.summary.count), unsupportedNote(99.9, bucket.summary.count)].join('; '));
    }
    expect(csv(small)[0]!['percentiles_too_few']).toBe('p99 n=200: too few, needs 459; p99.9 n=200: too few, needs 4603');
    // 5000 requests a run (negative control): every percentile of the whole run is supported,
    // its cache=hit bucket (1500) still too few for p99.9 only
    const large = csv(makeResults({ targetQps: 500 }));
    const all = large.find((r) => r['run'] === 'ugsep@ort-cpu' && r['bucket'] === 'all')!;
    expect(all['count']).toBe('5000');
    expect(all['percentiles_too_few']).toBe('');
    expect(large.find((r) => r['run'] === 'ugsep@ort-cpu' && r['bucket'] === 'cache=hit')!['percentiles_too_few']).toBe('p99.9 n=1500: too few, needs 4603');
  });

  it('quotes only what needs it', () => {
    expect(csvField('a')).toBe('a');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });
});

describe('Markdown', () => {
  it('puts the verdict first, then a table row per run with intervals', () => {
    const results = load();
    results.labels = { pr: '42' };
    const md = resultsToMarkdown([{ source: 'r.json', results }]);
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^### PASS: /);
    expect(md).toContain('- labels: pr=42');
    const table = lines.filter((l) => l.startsWith('| `'));
    expect(table.length).toBe(results.runs.length);
    expect(table[0]).toMatch(/\| \d+(\.\d+)? \[\d+(\.\d+)?, \d+(\.\d+)?\] \|/);
  });

  it('gives each run’s n, marks a percentile n is too few for and notes it under the table', () => {
    const md = resultsToMarkdown([{ source: 'r.json', results: load() }]);
    const lines = md.split('\n');
    expect(lines).toContain('| run | ran on | n | p50 ms [95% CI] | p99 ms [95% CI] | req/s | hit | SLO | validity |');
    const table = lines.filter((l) => l.startsWith('| `'));
    // n = 200: p50 is supported, p99 is not (needs 459); the mark is a literal * in Markdown
    for (const row of table) expect(row).toMatch(/^\| `[^`]+` \| [^|]+ \| 200 \| \d+(\.\d+)? \[[^\]]+\] \| \d+(\.\d+)?\\\* \[[^\]]+\] \|/);
    expect(lines).toContain('- \\* p99 n=200: too few, needs 459 for a 99% upper bound (every run)');
    // 5000 requests (negative control): no mark, no too-few note, and the p99's 99% upper bound
    const large = resultsToMarkdown([{ source: 'r.json', results: makeResults({ targetQps: 500 }) }]);
    const largeTable = large.split('\n').filter((l) => l.startsWith('| `'));
    expect(largeTable).toHaveLength(3);
    for (const row of largeTable) expect(row).toMatch(/ \| 5000 \| /);
    expect(largeTable.join('\n')).not.toContain('*');
    expect(large).not.toContain('too few, needs');
    expect(large).toMatch(/^- p99 <= \d+(\.\d+)? ms at 99% confidence \(n=5000, \d+ above it\): ugsep@ort-cpu$/m);
  });

  it('says FAIL when a run missed its SLO (negative control)', () => {
    const results = load();
    results.runs[1]!.slo = { p99Ms: 1, p50Ms: null, met: false };
    const md = resultsToMarkdown([{ source: 'r.json', results }]);
    expect(md.split('\n')[0]).toMatch(/^### FAIL: /);
    expect(md).toContain('missed by ugsep@ort-cpu');
  });
});

describe('quantile interval', () => {
  const values = Array.from({ length: 1000 }, (_, i) => i + 1); // the q-quantile is 1000 q
  it('brackets the quantile with the order-statistic ranks n q -/+ 1.96 sqrt(n q (1 - q))', () => {
    const p50 = quantileInterval(fromValues(values), 0.5);
    // 500 -/+ 1.96 * sqrt(250) = 500 -/+ 31.0 -> ranks 469 and 532
    expect([p50.lowUs, p50.estimateUs, p50.highUs]).toEqual([469, 500, 532]);
    const p99 = quantileInterval(fromValues(values), 0.99);
    expect(p99.lowUs! < 990 && 990 < p99.highUs!).toBe(true);
  });
  it('leaves the upper end open when too few requests lie beyond the quantile', () => {
    const p99 = quantileInterval(fromValues(values.slice(0, 50)), 0.99);
    expect(p99.highUs).toBeNull();
    expect(p99.lowUs).not.toBeNull();
    expect(quantileInterval(fromValues([]), 0.5).count).toBe(0);
  });
});
