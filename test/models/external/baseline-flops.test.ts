/**
 * The built-in baseline, exported as an ONNX file and read back as a user's own model: the FLOPs
 * the graph-cost path counts (shape propagation at two N) equal the cost model's exactly, for
 * every FFN layout the builder writes. The negative control is ugsep's graph, whose FLOPs differ.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { costCoefficients } from '../../../models/cost.ts';
import { loadExternalModel } from '../../../models/external/model.ts';
import { buildWholeGraph } from '../../../models/onnx/graphs.ts';
import { FFN_LAYOUTS } from '../../../models/onnx/options.ts';
import { presetConfig } from '../../../models/presets.ts';
import { generateWeights } from '../../../models/weights/generate.ts';

const dir = mkdtempSync(join(tmpdir(), 'baseline-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('built-in baseline exported as ONNX: graph FLOPs equal the cost model', () => {
  const config = presetConfig('tiny');
  const weights = generateWeights(config, { seed: 2 });
  for (const ffnLayout of FFN_LAYOUTS) {
    it(`ffn layout ${ffnLayout}`, () => {
      const path = join(dir, `baseline-${ffnLayout}.onnx`);
      writeFileSync(path, buildWholeGraph(weights, 'baseline', { ffnLayout }).model);
      const read = loadExternalModel({ name: 'baseline-onnx', whole: path });
      const expected = costCoefficients(config, 'baseline').computed.flops;
      console.log(`${ffnLayout}: graph ${JSON.stringify(read.cost.computed.flops)}, cost model ${JSON.stringify(expected)}, partial ${JSON.stringify(read.costPartial)}`);
      expect(read.costPartial).toEqual([]);
      expect(read.cost.computed.flops).toEqual(expected);
    });
  }
  it('negative control: the masked ugsep monolith counts more FLOPs (compensation), so the match is not vacuous', () => {
    const path = join(dir, 'ugsep-whole.onnx');
    writeFileSync(path, buildWholeGraph(weights, 'ugsep').model);
    const read = loadExternalModel({ name: 'ugsep-onnx', whole: path });
    const baseline = costCoefficients(config, 'baseline').computed.flops;
    console.log(`ugsep monolith: graph ${JSON.stringify(read.cost.computed.flops)} vs baseline ${JSON.stringify(baseline)}`);
    expect(read.cost.computed.flops.perCandidate).toBeGreaterThan(baseline.perCandidate);
  });
});
