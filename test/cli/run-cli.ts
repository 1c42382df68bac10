/** Run the real `ugbench` binary as a user would, capturing output and the exit code. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/ugbench.mjs', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The default scenario written into `dir` with a p50 objective instead of its p95: a run of a
 * second or two has too few requests to support a p95 bound (90 needed) and would be INVALID
 * (exit 98), while tests of other features want the run to pass.
 */
export function defaultScenarioWithP50(dir: string): string {
  const file = join(dir, 'default-p50.yaml');
  const text = readFileSync(new URL('../../scenarios/default.yaml', import.meta.url), 'utf8');
  const changed = text.replace(/^slo:\n( {2}.*\n)+/m, 'slo:\n  p50Ms: 60000\n');
  if (!changed.includes('p50Ms: 60000')) throw new Error('scenarios/default.yaml: no slo block to replace');
  writeFileSync(file, changed);
  return file;
}
