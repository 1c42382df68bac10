/**
 * `ugbench bench --json --label k=v`: stdout is exactly the results JSON (the table and messages
 * moved to stderr), identical to the file written, labels included; a malformed label is bad input.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultScenarioWithP50, runCli } from './run-cli.ts';

describe('bench --json and --label', () => {
  it('prints only the results JSON on stdout, with the labels, and the table on stderr', () => {
    const out = mkdtempSync(join(tmpdir(), 'ugbench-json-'));
    const scenario = defaultScenarioWithP50(out); // ~10 requests support p50, not the default's p95
    const r = runCli(['bench', scenario, '--runtime', 'reference', '--variants', 'ugsep', '--duration', '1', '--warmup', '0', '--min-queries', '1', '--no-report', '--no-limits', '--out', out, '--json', '--label', 'branch=main', '--label', 'pool=ci'], { timeoutMs: 180_000 });
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as { labels?: Record<string, string>; runs: unknown[] };
    expect(printed.labels).toEqual({ branch: 'main', pool: 'ci' });
    expect(printed).toEqual(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
    expect(r.stderr).toContain('labels: branch=main, pool=ci');
    expect(r.stderr).toContain('results written to');
  }, 180_000);

  it('refuses a label without =, exit 104', () => {
    const r = runCli(['bench', '--label', 'nokey', '--duration', '1']);
    expect(r.status).toBe(104);
    expect(r.stderr).toMatch(/--label.*expected key=value/);
  });
});
