/**
 * The shell scripts inside the Kubernetes manifests, run here with a fake `ugbench` on PATH:
 * each shard runs `bench --shard i/n` into its own results folder and passes an INVALID run (98)
 * on to the merge while failing on a crash; the merge job hands every shard's results to
 * `ugbench merge`. The pod's /scenario and /results mounts become temporary folders.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

const SHARDS = 3;
const root = mkdtempSync(join(tmpdir(), 'ugbench-e2e-k8s-'));
const manifests = join(root, 'manifests');
const generated = runCli(['k8s', 'scenarios/feed.yaml', '--shards', String(SHARDS), '--image', 'registry.example/ugbench:1', '--out', manifests]);

/** A fake ugbench: logs its argv, writes results.json under --out for bench, exits $FAKE_EXIT. */
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(
  join(bin, 'ugbench'),
  [
    '#!/bin/sh',
    'echo "$*" >> "$FAKE_LOG"',
    'out=""; prev=""',
    'for a in "$@"; do [ "$prev" = "--out" ] && out="$a"; prev="$a"; done',
    'if [ "$1" = bench ] && [ -n "$out" ]; then mkdir -p "$out" && echo "{}" > "$out/results.json"; fi',
    'exit "${FAKE_EXIT:-0}"',
    '',
  ].join('\n'),
);
chmodSync(join(bin, 'ugbench'), 0o755);

/** The `sh -c` script of the first container of the Job in `file`, with mounts relocated. */
function script(file: string, results: string, scenario: string): string {
  const job = parseAllDocuments(readFileSync(join(manifests, file), 'utf8'))
    .map((d) => d.toJS() as { kind: string; spec?: { template: { spec: { containers: Array<{ command: string[] }> } } } })
    .find((d) => d.kind === 'Job')!;
  const command = job.spec!.template.spec.containers[0]!.command;
  expect(command.slice(0, 2)).toEqual(['sh', '-c']);
  // mount paths start a word (after a space or quote); `shard-*/results.json` is a file name
  return command[2]!.replace(/(?<=[\s"'])\/results/g, results).replace(/(?<=[\s"'])\/scenario/g, scenario);
}

function runScript(text: string, env: Record<string, string>) {
  const r = spawnSync('sh', ['-c', text], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env }, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('Kubernetes shard and merge scripts with a fake ugbench', () => {
  it('the manifests were written', () => {
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
  });

  it('each shard runs bench --shard i/n into results/shard-i; then the merge gets every shard', () => {
    const results = mkdtempSync(join(root, 'results-'));
    const log = join(root, 'ok.log');
    for (let i = 0; i < SHARDS; i++) {
      const r = runScript(script('10-shards.yaml', results, '/scenario-dir'), { JOB_COMPLETION_INDEX: String(i), FAKE_LOG: log });
      expect(r.status).toBe(0);
    }
    const merge = runScript(script('20-merge-job.yaml', results, '/scenario-dir'), { FAKE_LOG: log });
    expect(merge.status).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(SHARDS + 1);
    calls.slice(0, SHARDS).forEach((call, i) => {
      expect(call).toMatch(new RegExp(`^bench /scenario-dir/scenario\\.yaml --shard ${i}/${SHARDS} --out ${results}/shard-${i}( |$)`));
    });
    const shardFiles = Array.from({ length: SHARDS }, (_, i) => `${results}/shard-${i}/results.json`).join(' ');
    expect(calls[SHARDS]).toBe(`merge ${shardFiles} --out ${results}/merged`);
  });

  it('a shard whose run is INVALID (98) exits 0 so the merge reports it; a crash (1) fails the pod', () => {
    const results = mkdtempSync(join(root, 'results-'));
    const invalid = runScript(script('10-shards.yaml', results, '/s'), { JOB_COMPLETION_INDEX: '1', FAKE_LOG: join(root, 'x.log'), FAKE_EXIT: '98' });
    expect(invalid.status).toBe(0);
    expect(invalid.stdout).toContain('INVALID');
    const crash = runScript(script('10-shards.yaml', results, '/s'), { JOB_COMPLETION_INDEX: '1', FAKE_LOG: join(root, 'x.log'), FAKE_EXIT: '1' });
    expect(crash.status).toBe(1);
  });
});
