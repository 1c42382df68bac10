import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { readSafetensors } from '../../models/weights/safetensors.ts';
import { ReferenceModel } from '../../models/reference/model.ts';
import { syntheticRequest } from '../../models/requests.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-cli-'));

describe('ugbench weights + score', () => {
  it('writes a weights file and scores a request file with it, matching the reference', () => {
    const weightsPath = join(dir, 'tiny.safetensors');
    const written = runCli(['weights', '--preset', 'tiny', '--variant', 'ugsep', '--seed', '5', '--out', weightsPath]);
    expect(written.status).toBe(0);
    const weights = readSafetensors(weightsPath);
    const request = syntheticRequest(weights.config, 1, 'u', 'r', 3);
    const requestPath = join(dir, 'request.json');
    const rows = Array.from({ length: 3 }, (_, n) => Array.from(request.groupFeatures.subarray(n * 8, n * 8 + 8)));
    writeFileSync(requestPath, JSON.stringify({ user_features: Array.from(request.userFeatures), group_features: rows }));
    for (const variant of ['baseline', 'ugsep', 'ugsep-nocomp', 'ugsep-w8a16'] as const) {
      const scored = runCli(['score', '--weights', weightsPath, '--request', requestPath, '--variant', variant]);
      expect(scored.stderr).toBe('');
      expect(scored.status).toBe(0);
      const scores = JSON.parse(scored.stdout) as number[];
      const expected = new ReferenceModel(weights, variant).score(request.userFeatures, request.groupFeatures);
      expect(scores).toEqual(Array.from(expected));
    }
  });

  it('bad requests and options exit 104 with one clear message, no stack trace', () => {
    const weightsPath = join(dir, 'tiny-base.safetensors');
    expect(runCli(['weights', '--preset', 'tiny', '--variant', 'baseline', '--out', weightsPath]).status).toBe(0);
    const badPath = join(dir, 'bad.json');
    writeFileSync(badPath, JSON.stringify({ user_features: [1, 2, 3], group_features: [[1, 2, 3, 4, 5, 6, 7, 'x']] }));
    const bad = runCli(['score', '--weights', weightsPath, '--request', badPath, '--variant', 'baseline']);
    expect(bad.status).toBe(104);
    expect(bad.stderr).toContain('user_features: expected an array of 8 numbers, got an array of 3');
    expect(bad.stderr).toContain('group_features[0][7]: expected a finite float32 number (|x| <= 3.4028234663852886e+38), got "x"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"user_features": [1,');
    const parse = runCli(['score', '--weights', weightsPath, '--request', notJson]);
    expect(parse.status).toBe(104);
    expect(parse.stderr).toMatch(/json: expected valid JSON/);

    // ugsep on a baseline file: the compensation tensors are named as missing
    writeFileSync(badPath, JSON.stringify({ user_features: Array(8).fill(0), group_features: [Array(8).fill(0)] }));
    const noComp = runCli(['score', '--weights', weightsPath, '--request', badPath, '--variant', 'ugsep']);
    expect(noComp.status).toBe(104);
    expect(noComp.stderr).toMatch(/layers\.0\.comp\.weight/);

    const badVariant = runCli(['weights', '--preset', 'tiny', '--variant', 'fast', '--out', weightsPath]);
    expect(badVariant.status).toBe(104);
    expect(badVariant.stderr).toMatch(/--variant.*expected one of baseline, ugsep, ugsep-nocomp, ugsep-w8a16, got "fast"/);
  });

  it('every command has --help', () => {
    for (const command of ['weights', 'score', 'presets']) {
      const help = runCli([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/Usage: ugbench/);
    }
  });
});
