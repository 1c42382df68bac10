/**
 * The own-model I/O contract on load (issue 17): ten malformed or mismatched models, each with
 * its exact message, and exit code 104 through the CLI (`ugbench score --onnx`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { loadCheckedModel, type ExternalModelSpec } from '../../../models/external/contract.ts';
// @ts-expect-error the fixture generator is plain JavaScript (no types)
import { encodeModel, groupGraph, userGraph, value, wholeGraph, writeOwnModel } from '../../fixtures/own-model/generate.mjs';

const dir = mkdtempSync(join(tmpdir(), 'own-model-bad-'));
const good = writeOwnModel(dir) as { whole: string; user: string; group: string };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Graph = { input: unknown[]; output: unknown[] };
const write = (name: string, graph: Graph): string => {
  const path = join(dir, name);
  writeFileSync(path, encodeModel(graph));
  return path;
};
const edited = (base: () => Graph, edit: (g: Graph) => void): Graph => {
  const g = base();
  edit(g);
  return g;
};

const CASES: { what: string; spec: () => ExternalModelSpec; message: string }[] = [
  {
    what: 'wrong input name',
    spec: () => ({ name: 'm', whole: write('w1.onnx', edited(wholeGraph, (g) => (g.input[0] = value('user', [1, 8])))) }),
    message: 'variant m:\n  whole graph w1.onnx: input user_features: missing (a whole model takes the user and the candidates; the graph\'s inputs are user, group_features)\n  whole graph w1.onnx: input user: not in the contract (expected only user_features, group_features)',
  },
  {
    what: 'wrong rank',
    spec: () => ({ name: 'm', whole: write('w2.onnx', edited(wholeGraph, (g) => (g.input[1] = value('group_features', ['N', 6, 1])))) }),
    message: 'variant m: whole graph w2.onnx: input group_features: rank: expected 2 ([N, Fg]), got 3 ([N, 6, 1])',
  },
  {
    what: 'wrong dtype',
    spec: () => ({ name: 'm', whole: write('w3.onnx', edited(wholeGraph, (g) => (g.input[0] = value('user_features', [1, 8], 7)))) }),
    message: 'variant m: whole graph w3.onnx: input user_features: dtype: expected float32, got int64',
  },
  {
    what: 'static dim against the scenario\'s Fu',
    spec: () => ({ name: 'm', whole: good.whole, Fu: 10 }),
    message: 'variant m: whole graph whole.onnx: input user_features: dim 1: expected Fu = 10, got 8',
  },
  {
    what: 'missing state input in the group graph',
    spec: () => ({ name: 'm', user: good.user, group: write('g5.onnx', edited(groupGraph, (g) => g.input.pop())) }),
    message: 'variant m: group graph g5.onnx: input user_bias: missing (the user graph outputs it as state; the graph\'s inputs are group_features, user_state)',
  },
  {
    what: 'extra input',
    spec: () => ({ name: 'm', whole: write('w6.onnx', edited(wholeGraph, (g) => g.input.push(value('mask', ['N', 1])))) }),
    message: 'variant m: whole graph w6.onnx: input mask: not in the contract (expected only user_features, group_features)',
  },
  {
    what: 'not ONNX at all',
    spec: () => {
      writeFileSync(join(dir, 'notes.onnx'), 'these are my notes, not a model\n');
      return { name: 'm', whole: join(dir, 'notes.onnx') };
    },
    message: 'variant m: whole graph notes.onnx: file: expected an ONNX ModelProto (protobuf), got bytes that do not start like one (first byte 0x74)',
  },
  {
    what: 'truncated file',
    spec: () => {
      const bytes = readFileSync(good.whole);
      writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, Math.floor(bytes.byteLength / 2)));
      return { name: 'm', whole: join(dir, 'cut.onnx') };
    },
    message: 'variant m: whole graph cut.onnx: file: expected a complete ONNX ModelProto, got a file that ends mid-message after 508 bytes (truncated?)',
  },
  {
    what: 'state dim that differs between the graphs',
    spec: () => ({ name: 'm', user: good.user, group: write('g9.onnx', edited(groupGraph, (g) => (g.input[1] = value('user_state', [1, 5])))) }),
    message: 'variant m: group graph g9.onnx: input user_state: dim 1: expected 4 (the user graph\'s output user_state), got 5',
  },
  {
    what: 'scores of the wrong rank',
    spec: () => ({ name: 'm', whole: write('w10.onnx', edited(wholeGraph, (g) => (g.output[0] = value('scores', ['N', 1])))) }),
    message: 'variant m: whole graph w10.onnx: output scores: rank: expected 1 ([N]), got 2 ([N, 1])',
  },
  {
    what: "a state tensor of the wrong dtype",
    spec: () => ({ name: 'm', user: write('u11.onnx', edited(userGraph, (g) => (g.output[1] = value('user_bias', ['R', 1], 10)))), group: good.group }),
    message: 'variant m: user graph u11.onnx: output user_bias: dtype: expected float32, got float16',
  },
];

describe('own-model contract: each malformed or mismatched model has its exact message', () => {
  for (const c of CASES) {
    it(c.what, () => {
      let error: unknown;
      try {
        loadCheckedModel(c.spec());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe(c.message);
    });
  }

  it('the unmodified fixture passes (so the cases above fail for their edit alone)', () => {
    expect(loadCheckedModel({ name: 'm', whole: good.whole }).form).toBe('whole');
    expect(loadCheckedModel({ name: 'm', user: good.user, group: good.group }).stateNames).toEqual(['user_state', 'user_bias']);
  });
});
