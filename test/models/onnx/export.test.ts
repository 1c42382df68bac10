/**
 * Exported models: the ONNX files load back into ORT and give the runtime's scores; the Triton
 * configs name exactly the inputs, outputs, dtypes and shapes of the models beside them.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel } from '../../../models/onnx/export.ts';
import { DEFAULT_INT8_KERNEL } from '../../../models/onnx/options.ts';
import { createOrtRuntime } from '../../../models/runtimes/ort.ts';
import { readSafetensors } from '../../../models/weights/safetensors.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { UNEVEN } from '../reference/fixtures.ts';
import { ort, runGroup, runUser, runWhole, session } from './ort-fixtures.ts';
import { main } from '../../../cli/main.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'ugbench-export-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface PbtxtTensor {
  name: string;
  dataType: string;
  dims: number[];
}

/** The input/output blocks of a config.pbtxt as written by models/onnx/triton.ts. */
function parseIo(text: string, kind: 'input' | 'output'): PbtxtTensor[] {
  const block = new RegExp(`^${kind} \\[\\n([\\s\\S]*?)\\n\\]`, 'm').exec(text)?.[1] ?? '';
  return [...block.matchAll(/name: "([^"]+)"\s+data_type: (\w+)\s+dims: \[ ([^\]]*) \]/g)].map((m) => ({
    name: m[1]!,
    dataType: m[2]!,
    dims: m[3]!.split(',').map((d) => Number(d.trim())),
  }));
}

/** What ORT itself says about a model file, in Triton's vocabulary. */
async function ortIo(modelPath: string): Promise<{ inputs: PbtxtTensor[]; outputs: PbtxtTensor[] }> {
  const s = await ort.InferenceSession.create(modelPath, { logSeverityLevel: 3 });
  const convert = (m: ort.InferenceSession.ValueMetadata): PbtxtTensor => {
    if (!m.isTensor) throw new Error(`${m.name} is not a tensor`);
    expect(m.type).toBe('float32');
    return { name: m.name, dataType: 'TYPE_FP32', dims: m.shape.map((d) => (typeof d === 'number' ? d : -1)) };
  };
  const io = { inputs: s.inputMetadata.map(convert), outputs: s.outputMetadata.map(convert) };
  await s.release();
  return io;
}

describe('export', () => {
  const weights = generateWeights(UNEVEN, { seed: 17 });
  const request = syntheticRequest(UNEVEN, 18, 'u', 'r', 6);

  it.each(['ugsep', 'ugsep-w8a16'] as const)('%s: files load back into ORT and give the runtime scores', async (variant) => {
    const out = tempDir();
    const manifest = exportModel({ weights, variant, outDir: out });
    // The kernel export bakes in by default (auto calibrates at load, and may pick another).
    const runtime = await createOrtRuntime(weights, variant, { int8Kernel: DEFAULT_INT8_KERNEL });
    const expected = await runtime.score(request.userFeatures, request.groupFeatures);
    await runtime.dispose();
    const byKey = Object.fromEntries(manifest.graphs.map((g) => [g.key, g.onnxPath]));
    const user = await session(readFileSync(byKey.user!));
    const group = await session(readFileSync(byKey.group!));
    const split = await runGroup(group, UNEVEN, await runUser(user, UNEVEN, request.userFeatures), request.groupFeatures);
    expect(Array.from(split)).toEqual(Array.from(expected));
    const mono = await runWhole(await session(readFileSync(byKey.monolithic!)), UNEVEN, request.userFeatures, request.groupFeatures);
    for (let i = 0; i < mono.length; i++) expect(Math.abs(mono[i]! - expected[i]!)).toBeLessThanOrEqual(1e-6);
    // The weights file is the contract's, and round-trips.
    expect(readSafetensors(manifest.weightsPath).layers[0]!.w1).toEqual(weights.layers[0]!.w1);
  });

  it('ugsep Triton repository: one model per graph, configs match the ONNX files, ensemble user -> group', async () => {
    const out = tempDir();
    const manifest = exportModel({ weights, variant: 'ugsep', outDir: out });
    const repo = manifest.tritonRepository;
    expect(readdirSync(repo).sort()).toEqual(['ugsep', 'ugsep_group', 'ugsep_monolithic', 'ugsep_user']);
    for (const model of ['ugsep_user', 'ugsep_group', 'ugsep_monolithic']) {
      const config = readFileSync(join(repo, model, 'config.pbtxt'), 'utf8');
      expect(config).toContain(`name: "${model}"`);
      expect(config).toContain('platform: "onnxruntime_onnx"');
      const io = await ortIo(join(repo, model, '1', 'model.onnx'));
      expect(parseIo(config, 'input')).toEqual(io.inputs);
      expect(parseIo(config, 'output')).toEqual(io.outputs);
    }
    // The shapes spelled out: T=6, Tu=2, Tg=4, D=24, d=4, L=2, Fu=10, Fg=8.
    const user = readFileSync(join(repo, 'ugsep_user', 'config.pbtxt'), 'utf8');
    expect(parseIo(user, 'input')).toEqual([{ name: 'user_features', dataType: 'TYPE_FP32', dims: [-1, 10] }]);
    expect(parseIo(user, 'output').map((t) => `${t.name}:${t.dims.join(',')}`)).toEqual([
      'user_slices_0:-1,2,16', 'user_comp_0:-1,4,24', 'user_slices_1:-1,2,16', 'user_comp_1:-1,4,24', 'user_sum:-1,24',
    ]);
    const ensemble = readFileSync(join(repo, 'ugsep', 'config.pbtxt'), 'utf8');
    expect(ensemble).toContain('platform: "ensemble"');
    expect(parseIo(ensemble, 'input')).toEqual([
      { name: 'user_features', dataType: 'TYPE_FP32', dims: [1, 10] },
      { name: 'group_features', dataType: 'TYPE_FP32', dims: [-1, 8] },
    ]);
    expect(parseIo(ensemble, 'output')).toEqual([{ name: 'scores', dataType: 'TYPE_FP32', dims: [-1] }]);
    const steps = [...ensemble.matchAll(/model_name: "([^"]+)"/g)].map((m) => m[1]);
    expect(steps).toEqual(['ugsep_user', 'ugsep_group']);
    // Every group-graph input is fed: by the ensemble input or by a user-graph output.
    const groupInputs = parseIo(readFileSync(join(repo, 'ugsep_group', 'config.pbtxt'), 'utf8'), 'input').map((t) => t.name);
    const fed = new Set(['group_features', ...parseIo(user, 'output').map((t) => t.name)]);
    expect(groupInputs.every((name) => fed.has(name))).toBe(true);
    expect(existsSync(join(repo, 'ugsep', '1'))).toBe(true);
  });

  it('`ugbench export` writes a baseline repository from the CLI', async () => {
    const out = tempDir();
    const code = await main(['node', 'ugbench', 'export', '--preset', 'tiny', '--variant', 'baseline', '--seed', '4', '--out', out]);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8')) as { graphs: Array<{ tritonModel: string }> };
    expect(summary.graphs.map((g) => g.tritonModel)).toEqual(['baseline']);
    const config = readFileSync(join(out, 'triton', 'baseline', 'config.pbtxt'), 'utf8');
    const io = await ortIo(join(out, 'triton', 'baseline', '1', 'model.onnx'));
    expect(parseIo(config, 'input')).toEqual(io.inputs);
    expect(io.inputs.map((t) => `${t.name}:${t.dims.join(',')}`)).toEqual(['user_features:1,8', 'group_features:-1,8']);
  });
});
