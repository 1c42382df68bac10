/**
 * `bench` in process on ort-cpu with the user-state cache and parity sampling: every completed
 * request is a cache hit or a miss, the parity sample is non-empty and capped, and the sampled
 * scores equal the reference within 1e-5 (the baseline comparison shows the model difference).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_PARITY_REQUESTS } from '../../cli/bench/parity.ts';
import { runBench } from '../../cli/bench/run-bench.ts';
import { decodeHistogram } from '../../harness/loadgen/histogram.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import { TEST_MACHINE } from '../fixtures/machine.ts';
import { writeTinyScenario } from './tiny-scenario.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('bench in process on ort-cpu, user cache and parity', () => {
  it('hits + misses = completed; parity drift vs reference < 1e-5 on a non-empty, capped sample', async () => {
    const path = writeTinyScenario(mkdtempSync(join(tmpdir(), 'ugbench-e2e-bench-')), { paritySampleFraction: 1, users: 20 });
    const results = await runBench({ scenario: loadScenarioFile(path), scenarioPath: path, root: ROOT, machine: TEST_MACHINE });
    expect(results.runs.map((r) => r.id)).toEqual(['baseline@ort-cpu', 'ugsep@ort-cpu']);
    const [baseline, ugsep] = results.runs;
    expect(baseline!.runtime.provider).toBe('cpu');
    expect(ugsep!.userCache.used).toBe(true);
    const hits = decodeHistogram(ugsep!.histograms.cacheHit!).totalCount;
    const misses = decodeHistogram(ugsep!.histograms.cacheMiss!).totalCount;
    console.log(`ugsep: ${ugsep!.counts.completed} completed = ${hits} hits + ${misses} misses; parity ${JSON.stringify(ugsep!.parity)}`);
    expect(ugsep!.counts.completed).toBeGreaterThan(0);
    expect(hits + misses).toBe(ugsep!.counts.completed);
    // 20 users, dozens of requests: some return (hits), some are new (misses)
    expect(hits).toBeGreaterThan(0);
    expect(misses).toBeGreaterThan(0);
    for (const run of results.runs) {
      const parity = run.parity!;
      expect(parity.sampledRequests).toBeGreaterThanOrEqual(1);
      expect(parity.sampledRequests).toBeLessThanOrEqual(MAX_PARITY_REQUESTS);
      expect(parity.sampledCandidates).toBe(8 * parity.sampledRequests);
      expect(parity.vsReference!.maxAbsDrift).toBeLessThan(1e-5);
      expect(parity.vsReference!.topkOverlap).toBe(1);
    }
    expect(baseline!.parity!.vsBaseline).toBeNull();
    expect(ugsep!.parity!.vsBaseline!.maxAbsDrift).toBeGreaterThan(1e-5); // a different model, seen
  });
});
