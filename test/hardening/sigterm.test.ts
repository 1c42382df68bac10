/**
 * SIGTERM (Kubernetes, CI timeouts, `timeout`) during `bench` is handled like Ctrl-C: requests
 * stop being issued, what was measured is written marked aborted, and the exit code is 98.
 * Before, the process died with no results and no message.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { claimResultsDir } from '../../harness/results/io.ts';

const BIN = fileURLToPath(new URL('../../bin/ugbench.mjs', import.meta.url));

const SCENARIO = `name: sigterm
model: {preset: tiny}
variants: [baseline]
runtimes: [{name: reference}]
traffic:
  arrivals: {process: closed, concurrency: 1}
run: {warmupS: 0, durationS: 120, minQueries: 1}
`;

describe('bench under SIGTERM', () => {
  it('writes results marked aborted and exits 98', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-sigterm-'));
    const scenario = join(dir, 'sigterm.yaml');
    writeFileSync(scenario, SCENARIO);
    const out = join(dir, 'out');
    const child = spawn(process.execPath, [BIN, 'bench', scenario, '--no-progress', '--no-report', '--no-limits', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // signal once the measured phase has started (the bench logs it), not at a guessed time
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('then measured')) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 1500)); // let some requests complete
    child.kill('SIGTERM');
    const code = await exited;
    expect(stderr).toContain('ugbench: SIGTERM: finishing in-flight requests and writing what was measured, marked aborted');
    expect(code).toBe(98);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.status).toBe('aborted');
    expect(results.runs).toHaveLength(1);
    expect(results.runs[0].validity.status).toBe('aborted');
    expect(results.runs[0].counts.completed).toBeGreaterThan(0);
    expect(stdout).toContain('ABORTED');
  }, 180_000);
});

describe('default results directories', () => {
  it('two benches started in the same second get two directories', () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'ugbench-outdir-'));
    process.chdir(dir);
    try {
      const now = new Date('2026-12-01T20:42:05.123Z');
      const first = claimResultsDir(now);
      const second = claimResultsDir(now);
      expect(first).toBe(join('results', '2026-12-01T20-42-05Z'));
      expect(second).toBe(join('results', '2026-12-01T20-42-05Z-2'));
      expect(existsSync(join(dir, second))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
