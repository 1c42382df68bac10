/**
 * `ugbench export`'s Triton repository: every config.pbtxt parsed as an inference.ModelConfig
 * with Triton's schema (the subset in fixtures/model_config.proto, loaded by protobufjs), not by
 * a regex shaped after the writer; its inputs and outputs are the ONNX model's, and the ensemble
 * feeds the group model every tensor it needs. A field Triton does not know fails the parse.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { runCli } from '../cli/run-cli.ts';
import { parseTextFormat } from './pbtxt.ts';

// keepCase: text format names fields as the .proto does (max_batch_size, not max_batch_size)
const root = new protobuf.Root().loadSync(join(import.meta.dirname, 'fixtures', 'model_config.proto'), { keepCase: true });
const DTYPES = root.lookupEnum('inference.DataType').values;

interface Tensor {
  name: string;
  data_type: string;
  dims: number[];
}
interface Config {
  name: string;
  platform: string;
  max_batch_size: number;
  input: Tensor[];
  output: Tensor[];
  instance_group: Array<{ kind: string; count: number }>;
  ensemble_scheduling?: { step: Array<{ model_name: string; input_map: Record<string, string>; output_map: Record<string, string> }> };
}

function readConfig(file: string): Config {
  const message = parseTextFormat(root, 'inference.ModelConfig', readFileSync(file, 'utf8'));
  const object = root.lookupType('inference.ModelConfig').toObject(message, { enums: String, longs: Number, defaults: true, arrays: true, objects: true });
  return object as unknown as Config;
}

const out = mkdtempSync(join(tmpdir(), 'ugbench-e2e-triton-'));
const exported = runCli(['export', '--preset', 'tiny', '--variant', 'ugsep', '--out', out]);
const repo = join(out, 'triton');

describe('Triton config.pbtxt against model_config.proto', () => {
  it('export exits 0 and writes one model per graph plus the ensemble', () => {
    expect(exported.stderr).not.toContain('crashed');
    expect(exported.status).toBe(0);
    expect(readdirSync(repo).sort()).toEqual(['ugsep', 'ugsep_group', 'ugsep_monolithic', 'ugsep_user']);
  });

  it.each(['ugsep_user', 'ugsep_group', 'ugsep_monolithic'])('%s: an onnxruntime model whose inputs and outputs are the ONNX file\'s', async (model) => {
    const config = readConfig(join(repo, model, 'config.pbtxt'));
    expect(config).toMatchObject({ name: model, platform: 'onnxruntime_onnx', max_batch_size: 0 });
    expect(config.instance_group).toEqual([expect.objectContaining({ kind: 'KIND_CPU', count: 1 })]);
    const session = await ort.InferenceSession.create(join(repo, model, '1', 'model.onnx'));
    try {
      expect(config.input.map((t) => t.name)).toEqual([...session.inputNames]);
      expect(config.output.map((t) => t.name)).toEqual([...session.outputNames]);
      for (const t of [...config.input, ...config.output]) {
        expect(t.data_type).toBe('TYPE_FP32');
        expect(t.dims.every((d) => d === -1 || d > 0)).toBe(true);
      }
    } finally {
      await session.release();
    }
  });

  it('the ensemble runs user then group, and every group input is fed by the request or the user model', () => {
    const ensemble = readConfig(join(repo, 'ugsep', 'config.pbtxt'));
    const user = readConfig(join(repo, 'ugsep_user', 'config.pbtxt'));
    const group = readConfig(join(repo, 'ugsep_group', 'config.pbtxt'));
    expect(ensemble.platform).toBe('ensemble');
    const [first, second] = ensemble.ensemble_scheduling!.step;
    expect([first!.model_name, second!.model_name]).toEqual(['ugsep_user', 'ugsep_group']);
    const available = new Set([...ensemble.input.map((t) => t.name), ...Object.values(first!.output_map)]);
    expect(Object.keys(second!.input_map).sort()).toEqual(group.input.map((t) => t.name).sort());
    for (const source of Object.values(second!.input_map)) expect(available.has(source)).toBe(true);
    expect(Object.keys(first!.output_map).sort()).toEqual(user.output.map((t) => t.name).sort());
    expect(ensemble.output.map((t) => t.name)).toEqual(['scores']);
  });

  it('negative control: a field or enum value Triton does not know fails the parse', () => {
    expect(() => parseTextFormat(root, 'inference.ModelConfig', 'name: "x"\nmax_batch: 0\n')).toThrow(/max_batch: not a field of ModelConfig/);
    expect(() => parseTextFormat(root, 'inference.ModelConfig', 'input [ { name: "a" data_type: TYPE_FLOAT32 dims: [ 1 ] } ]')).toThrow(/TYPE_FLOAT32/);
    expect(DTYPES.TYPE_FP32).toBe(11);
  });
});
