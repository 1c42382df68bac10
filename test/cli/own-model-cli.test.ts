/**
 * A user's own ONNX model (issue 17) through the CLI, as a user runs it: `ugbench score --onnx`,
 * `ugbench serve --onnx-user/--onnx-group` with the user cache, and `ugbench export --onnx` into
 * a Triton repository. Scores equal onnxruntime's own on the same inputs. Triton itself is not
 * installed here: the export is checked by its layout and config.pbtxt, not by loading it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { runCli } from './run-cli.ts';
// @ts-expect-error the fixture generator is plain JavaScript (no types)
import { FG, FU, weight, writeOwnModel } from '../fixtures/own-model/generate.mjs';

const dir = mkdtempSync(join(tmpdir(), 'own-model-cli-'));
const paths = writeOwnModel(dir) as { whole: string; user: string; group: string };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = join(resolve(import.meta.dirname, '../..'), 'bin/ugbench.mjs');

const user = (k: number): number[] => Array.from(weight(10 + k, FU) as Float32Array);
const groups = (N: number): number[][] => Array.from({ length: N }, (_, n) => Array.from(weight(20 + n, FG) as Float32Array));

async function direct(u: number[], g: number[][]): Promise<number[]> {
  const s = await ort.InferenceSession.create(paths.whole);
  const r = await s.run({ user_features: new ort.Tensor('float32', Float32Array.from(u), [1, FU]), group_features: new ort.Tensor('float32', Float32Array.from(g.flat()), [g.length, FG]) });
  await s.release();
  return Array.from(r.scores!.data as Float32Array);
}

describe('ugbench with your own ONNX model', () => {
  it('score --onnx and --onnx-user/--onnx-group print onnxruntime\'s scores exactly; bad files exit 104', async () => {
    const requestPath = join(dir, 'request.json');
    writeFileSync(requestPath, JSON.stringify({ user_features: user(1), group_features: groups(5) }));
    const expected = await direct(user(1), groups(5));
    for (const args of [['--onnx', paths.whole], ['--onnx-user', paths.user, '--onnx-group', paths.group]]) {
      const r = runCli(['score', ...args, '--request', requestPath]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected);
    }
    const bad = runCli(['score', '--onnx', requestPath, '--request', requestPath]);
    expect(bad.status).toBe(104);
    expect(bad.stderr).toBe('ugbench: variant onnx: whole graph request.json: file: expected an ONNX ModelProto (protobuf), got bytes that do not start like one (first byte 0x7b)\n');
    const half = runCli(['score', '--onnx-user', paths.user, '--request', requestPath]);
    expect(half.status).toBe(104);
    expect(half.stderr).toContain('--onnx-group: expected a file (a split model needs both graphs), got none');
  });

  it('serve --onnx-user/--onnx-group --user-cache: scores equal onnxruntime, returning users hit', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--onnx-user', paths.user, '--onnx-group', paths.group, '--name', 'ours', '--user-cache', '--port', '0', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    try {
      const [first] = (await once(child.stdout, 'data')) as [Buffer];
      const url = String(first).trim().split('\n')[0]!;
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const k = i % 2;
        const g = groups(2 + i);
        const body = { parameters: { user_id: `u${k}` }, inputs: [{ name: 'user_features', datatype: 'FP32', shape: [1, FU], data: user(k) }, { name: 'group_features', datatype: 'FP32', shape: [g.length, FG], data: g.flat() }] };
        const res = await fetch(`${url}/v2/models/ours/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status).toBe(200);
        const out = (await res.json()) as { parameters: { user_cache: string }; outputs: { name: string; data: number[] }[] };
        outcomes.push(out.parameters.user_cache);
        expect(out.outputs[0]!.data).toEqual(await direct(user(k), g));
      }
      expect(outcomes).toEqual(['miss', 'miss', 'hit', 'hit', 'hit', 'hit']);
      expect(stderr).toContain('ours (split ONNX model)');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('export --onnx-user/--onnx-group writes a Triton repository with the ensemble and the files byte for byte', () => {
    const out = join(dir, 'export');
    const r = runCli(['export', '--onnx-user', paths.user, '--onnx-group', paths.group, '--name', 'ours', '--out', out]);
    expect(r.status).toBe(0);
    for (const m of ['ours_user', 'ours_group']) {
      expect(readFileSync(join(out, 'triton', m, '1', 'model.onnx'))).toEqual(readFileSync(m === 'ours_user' ? paths.user : paths.group));
      expect(readFileSync(join(out, 'triton', m, 'config.pbtxt'), 'utf8')).toMatch(new RegExp(`name: "${m}"\\nplatform: "onnxruntime_onnx"`));
    }
    const group = readFileSync(join(out, 'triton', 'ours_group', 'config.pbtxt'), 'utf8');
    expect(group).toContain('name: "user_state"\n    data_type: TYPE_FP32\n    dims: [ 1, 4 ]');
    expect(group).toContain('name: "group_features"\n    data_type: TYPE_FP32\n    dims: [ -1, 6 ]');
    const ensemble = readFileSync(join(out, 'triton', 'ours', 'config.pbtxt'), 'utf8');
    expect(ensemble).toContain('platform: "ensemble"');
    expect(ensemble).toContain('output_map { key: "user_bias" value: "user_bias" }');
    expect(existsSync(join(out, 'triton', 'ours', '1'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(manifest.files.map((f: { role: string }) => f.role)).toEqual(['user', 'group']);
    expect(manifest.cost.computed.flops).toEqual({ perRequest: 80, perCandidate: 56 });

    const whole = runCli(['export', '--onnx', paths.whole, '--out', join(dir, 'export-whole')]);
    expect(whole.status).toBe(0);
    expect(readFileSync(join(dir, 'export-whole', 'triton', 'own_model', '1', 'model.onnx'))).toEqual(readFileSync(paths.whole));
  });
});
