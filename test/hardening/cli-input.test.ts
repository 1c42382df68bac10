/**
 * Hostile input at the CLI edge (issue 21, items 4 and 8): request values beyond float32, long
 * problem lists, control characters in what is printed, and onnxruntime's telemetry files.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, MAX_PRINTED_PROBLEMS, printable } from '../../harness/errors.ts';
import { writeJsonAtomic } from '../../harness/results/io.ts';
import { presetConfig } from '../../models/presets.ts';
import { parseScoreRequest } from '../../models/request-file.ts';
import { runtimeUnavailableReason } from '../../models/runtimes/registry.ts';
import { generateWeights } from '../../models/weights/generate.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';
import { runCli } from '../cli/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/ugbench.mjs', import.meta.url));
const config = presetConfig('tiny'); // Fu = 8, Fg = 8
const dir = mkdtempSync(join(tmpdir(), 'ugbench-cli-input-'));
const weightsPath = join(dir, 'tiny.safetensors');
writeSafetensors(weightsPath, generateWeights(config, { seed: 1 }));
const row = (n: number, v = 0.5): number[] => Array.from({ length: n }, () => v);

describe('request values are checked as float32', () => {
  it('names 1e39 (a finite double, Infinity as float32) with its index', () => {
    const user = row(8);
    user[3] = 1e39;
    expect(() => parseScoreRequest({ user_features: user, group_features: [row(8)] }, config)).toThrow(
      new InputError('request', ['user_features[3]: expected a finite float32 number (|x| <= 3.4028234663852886e+38), got 1e+39']),
    );
    expect(parseScoreRequest({ user_features: row(8, 3.4e38), group_features: [row(8, -3.4e38)] }, config).candidates).toBe(1);
  });

  it('`ugbench score` refuses it with exit 104 instead of printing null scores', () => {
    const request = join(dir, 'big.json');
    writeFileSync(request, `{"user_features": [${row(8).join(',')}], "group_features": [[1e39${',0'.repeat(7)}]]}`);
    const r = runCli(['score', '--weights', weightsPath, '--request', request]);
    expect(r.stderr).toBe(`ugbench: request file ${request}: group_features[0][0]: expected a finite float32 number (|x| <= 3.4028234663852886e+38), got 1e+39\n`);
    expect(r.status).toBe(104);
    expect(r.stdout).toBe('');
  });
});

describe('non-finite weights', () => {
  it('`ugbench bench` with a NaN weight exits 104 naming the tensor and index', () => {
    const w = generateWeights(config, { seed: 1 });
    w.layers[1]!.w2[7] = Number.NaN;
    const nanWeights = join(dir, 'nan.safetensors');
    writeSafetensors(nanWeights, w);
    const scenario = join(dir, 'nan.yaml');
    writeFileSync(scenario, `name: nan\nmodel: {weights: nan.safetensors}\nvariants: [ugsep]\nruntimes: [{name: reference}]\ntraffic: {arrivals: {process: offline, queries: 10}}\nrun: {warmupS: 0, minQueries: 1}\n`);
    const r = runCli(['bench', scenario, '--no-progress', '--no-report', '--no-limits', '--out', join(dir, 'nan-out')]);
    expect(r.stderr).toContain(`ugbench: weights file ${nanWeights}: layers.1.ffn.w2[7]: expected a finite float32, got NaN\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(104);
    expect(existsSync(join(dir, 'nan-out', 'results.json'))).toBe(false);
  });
});

describe('printed problem lists and text', () => {
  it('caps a long problem list with "... and N more", keeping every problem on the error', () => {
    const problems = Array.from({ length: 25 }, (_, i) => `group_features[${i}]: expected an array of 8 numbers, got "x"`);
    const error = new InputError('request', problems);
    expect(error.problems).toHaveLength(25);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(1 + MAX_PRINTED_PROBLEMS + 1);
    expect(lines[lines.length - 1]).toBe('  ... and 5 more');
  });

  it('escapes terminal control characters and leaves ordinary text alone', () => {
    expect(printable('name \u001b[31mred\u001b[0m\r\u0007 \u009b\u202e ok\n\tµs')).toBe('name \\u{1b}[31mred\\u{1b}[0m\\u{d}\\u{7} \\u{9b}\\u{202e} ok\n\tµs');
  });

  it('the CLI prints a path with escape codes escaped', () => {
    const path = join(dir, 'x\u001b[2Jy.yaml');
    const r = runCli(['bench', path, '--no-progress']);
    expect(r.stderr).toBe(`ugbench: scenario ${join(dir, 'x\\u{1b}[2Jy.yaml')}: file: expected a readable YAML file, got ENOENT\n`);
    expect(r.status).toBe(104);
  });
});

describe('temp files for atomic writes', () => {
  it('do not follow a symlink planted under the old predictable name, and leave none behind', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const target = join(dir, 'planted.safetensors');
    symlinkSync(victim, `${target}.${process.pid}.tmp`); // the name the writer used to use
    writeSafetensors(target, generateWeights(config, { seed: 2 }));
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    writeJsonAtomic(join(dir, 'r', 'results.json'), { ok: true });
    expect(readdirSync(join(dir, 'r'))).toEqual(['results.json']);
  });
});

describe('onnxruntime telemetry', async () => {
  const reason = await runtimeUnavailableReason('ort-cpu');
  const request = join(dir, 'ok.json');
  writeFileSync(request, JSON.stringify({ user_features: row(8), group_features: [row(8), row(8)] }));
  const debugLog = (pid: number | undefined): string => `/tmp/mat-debug-${pid}.log`;
  // spawned here, not with runCli: the variable must be absent, and loading ORT in this process set it
  const score = (telemetry: string | undefined) => {
    const env = { ...process.env };
    delete env.ORT_DISABLE_TELEMETRY;
    if (telemetry !== undefined) env.ORT_DISABLE_TELEMETRY = telemetry;
    return spawnSync(process.execPath, [BIN, 'score', '--runtime', 'ort-cpu', '--weights', weightsPath, '--request', request], { encoding: 'utf8', env, timeout: 120_000 });
  };

  it.skipIf(reason !== undefined)(`is off by default: no /tmp/mat-debug-<pid>.log${reason ? ` (skipped: ${reason})` : ''}`, () => {
    const r = score(undefined);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    expect(existsSync(debugLog(r.pid))).toBe(false);
  });

  it.skipIf(reason !== undefined)('negative control: a user who turns it on (ORT_DISABLE_TELEMETRY=0) gets the file, so the check above can fail', (ctx) => {
    const r = score('0');
    expect(r.status).toBe(0);
    // ORT writes this log only on some hosts and environments (seen absent in a CI-like clean
    // clone): where it never appears, the control cannot run, and the test says so instead of passing
    if (!existsSync(debugLog(r.pid))) ctx.skip('onnxruntime wrote no /tmp/mat-debug log even with telemetry on: the control cannot run on this host');
    expect(existsSync(debugLog(r.pid))).toBe(true);
    rmSync(debugLog(r.pid), { force: true });
  });
});
