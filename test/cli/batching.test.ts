/**
 * Dynamic batching from the command line: bad settings in a scenario or in `serve` flags exit 104
 * with one line per problem naming the field or flag; a bench run with batching records what ran
 * (runtime.batching) and the `batch` tag per batch size.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../../harness/results/contract.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-batching-'));
const scenario = (batching: string): string => {
  const path = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    `name: batching\nvariants: [ugsep]\nmodel: {preset: tiny}\nruntimes: [{name: reference, batching: ${batching}}]\n` +
      'traffic:\n  arrivals: {process: closed, concurrency: 6}\n  candidates: {distribution: uniform, min: 1, max: 8}\nrun: {warmupS: 0.2, durationS: 1, minQueries: 5}\n',
  );
  return path;
};

describe('batching settings', () => {
  it('a scenario with bad batching exits 104 naming each field', () => {
    const path = scenario('{maxBatch: 0, preferredBatch: [2, 3.5], maxQueueDelayUs: -1}');
    const r = runCli(['bench', path, '--no-limits']);
    expect(r.status).toBe(104);
    expect(r.stderr).toContain('runtimes[0].batching.maxBatch: expected integer >= 1, got 0');
    expect(r.stderr).toContain('runtimes[0].batching.preferredBatch[1]: expected integer >= 1, got 3.5');
    expect(r.stderr).toContain('runtimes[0].batching.maxQueueDelayUs: expected integer >= 0, got -1');
    const over = runCli(['bench', scenario('{maxBatch: 4, preferredBatch: [2, 8]}'), '--no-limits']);
    expect(over.status).toBe(104);
    expect(over.stderr).toContain('runtimes[0].batching.preferredBatch[1]: expected a batch size <= maxBatch (4), got 8');
    expect(over.stderr).not.toContain('    at '); // no stack trace
  });

  it('serve flags: bad values and a delay without --max-batch exit 104 naming the flag', () => {
    const zero = runCli(['serve', '--runtime', 'reference', '--preset', 'tiny', '--max-batch', '0', '--port', '0']);
    expect(zero.status).toBe(104);
    expect(zero.stderr).toContain('--max-batch: expected integer >= 1, got 0');
    const over = runCli(['serve', '--runtime', 'reference', '--preset', 'tiny', '--max-batch', '4', '--preferred-batch', '2,16', '--port', '0']);
    expect(over.status).toBe(104);
    expect(over.stderr).toContain('--preferred-batch[1]: expected a batch size <= maxBatch (4), got 16');
    const word = runCli(['serve', '--runtime', 'reference', '--preset', 'tiny', '--max-batch', '4', '--max-queue-delay-us', 'soon', '--port', '0']);
    expect(word.status).toBe(104);
    expect(word.stderr).toBe('ugbench: serve: --max-queue-delay-us: expected integer >= 0, got "soon"\n');
    const alone = runCli(['serve', '--runtime', 'reference', '--preset', 'tiny', '--max-queue-delay-us', '500', '--port', '0']);
    expect(alone.status).toBe(104);
    expect(alone.stderr).toContain('--max-batch: expected an integer >= 1 (dynamic batching needs it with --max-queue-delay-us), got nothing');
  });

  it('a bench run with batching records the policy and the batch-size tag', () => {
    const out = join(dir, 'run');
    const r = runCli(['bench', scenario('{maxBatch: 4, maxQueueDelayUs: 2000}'), '--out', out, '--no-limits', '--no-report']);
    expect(r.stderr).not.toContain('crashed');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    const run = results.runs[0]!;
    expect(run.runtime.batching).toEqual({ maxBatch: 4, preferredBatch: [], maxQueueDelayUs: 2000, batchedForm: false });
    const sizes = Object.keys(run.tags?.batch ?? {});
    console.log(`batch sizes seen (6 closed-loop clients, maxBatch 4): ${sizes.join(', ')}`);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.every((s) => Number(s) >= 1 && Number(s) <= 4)).toBe(true);
  }, 120_000);
});
