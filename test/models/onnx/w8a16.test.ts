/**
 * ugsep-w8a16 on ORT vs the W8A16 reference (int8 per-channel weights, fp16 activations):
 * 256 candidates, relative error and top-10 overlap, for every int8 kernel.
 */
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../models/config.ts';
import { buildGroupGraph, buildUserGraph } from '../../../models/onnx/graphs.ts';
import type { Int8Kernel } from '../../../models/onnx/options.ts';
import { ReferenceModel } from '../../../models/reference/model.ts';
import { syntheticRequest } from '../../../models/requests.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { maxRelDiff, runGroup, runUser, session, topKOverlap } from './ort-fixtures.ts';

/** Wide enough that int8 blocks and activation quantization behave as on real sizes; quick in JS. */
const CONFIG: ModelConfig = { T: 8, Tu: 4, D: 128, L: 2, k: 4, Fu: 64, Fg: 64 };
const CANDIDATES = 256;

describe('ugsep-w8a16 on ORT vs the W8A16 reference, 256 candidates', () => {
  const weights = generateWeights(CONFIG, { seed: 5 });
  const request = syntheticRequest(CONFIG, 6, 'user', 'request', CANDIDATES);
  const reference = new ReferenceModel(weights, 'ugsep-w8a16').score(request.userFeatures, request.groupFeatures);
  const fp32 = new ReferenceModel(weights, 'ugsep').score(request.userFeatures, request.groupFeatures);

  // [kernel, max relative error, min top-10 overlap]: qdq and dynamic quantize activations to
  // 8 bits (docs/runtimes.md); strict computes the reference's own math in fp32.
  const bounds: Array<[Int8Kernel, number, number]> = [
    ['qdq', 2e-2, 0.9],
    ['dynamic', 2e-2, 0.9],
    ['strict', 1e-4, 1],
  ];

  it.each(bounds)('%s kernel: relative error <= %s, top-10 overlap >= %s', async (kernel, maxError, minOverlap) => {
    const user = await session(buildUserGraph(weights, 'ugsep-w8a16', { int8Kernel: kernel }));
    const group = await session(buildGroupGraph(weights, 'ugsep-w8a16', { int8Kernel: kernel }));
    const got = await runGroup(group, CONFIG, await runUser(user, CONFIG, request.userFeatures), request.groupFeatures);
    const error = maxRelDiff(got, reference);
    const overlap = topKOverlap(got, reference, 10);
    console.log(
      `w8a16 ${kernel}: max relative error vs W8A16 reference ${error.toExponential(2)}, top-10 overlap ${overlap.toFixed(2)}` +
        ` (W8A16 reference vs fp32 reference: ${maxRelDiff(reference, fp32).toExponential(2)})`,
    );
    expect(got.length).toBe(CANDIDATES);
    expect(error).toBeLessThanOrEqual(maxError);
    expect(overlap).toBeGreaterThanOrEqual(minOverlap);
  });

  it('the int8 graphs store the FFN weights ~4x smaller than fp32', () => {
    const fp32Bytes = buildUserGraph(weights, 'ugsep').initializerBytes + buildGroupGraph(weights, 'ugsep').initializerBytes;
    const int8Bytes = buildUserGraph(weights, 'ugsep-w8a16').initializerBytes + buildGroupGraph(weights, 'ugsep-w8a16').initializerBytes;
    console.log(`initializer bytes: fp32 ${fp32Bytes}, int8 ${int8Bytes} (ratio ${(fp32Bytes / int8Bytes).toFixed(2)})`);
    expect(fp32Bytes / int8Bytes).toBeGreaterThan(3.3);
  });
});

describe('the CUDA W8A16 graph form (fp16 activations into the int8 matmuls)', () => {
  it('computes W8A16 math: run on the CPU EP it matches the reference within 1e-2 relative', async () => {
    const weights = generateWeights(CONFIG, { seed: 5 });
    const request = syntheticRequest(CONFIG, 6, 'user', 'request', 64);
    const reference = new ReferenceModel(weights, 'ugsep-w8a16').score(request.userFeatures, request.groupFeatures);
    const options = { activations: 'fp16' as const };
    const user = await session(buildUserGraph(weights, 'ugsep-w8a16', options));
    const group = await session(buildGroupGraph(weights, 'ugsep-w8a16', options));
    const got = await runGroup(group, CONFIG, await runUser(user, CONFIG, request.userFeatures), request.groupFeatures);
    const error = maxRelDiff(got, reference);
    console.log(`fp16-activation (CUDA form) graph on CPU vs W8A16 reference: max relative error ${error.toExponential(2)}`);
    expect(error).toBeLessThanOrEqual(1e-2);
  });
});
