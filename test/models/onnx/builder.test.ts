/** The ONNX builder: what it encodes decodes back as ONNX, and ORT runs it. */
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../harness/errors.ts';
import { GraphBuilder, float } from '../../../models/onnx/builder.ts';
import { ModelProto } from '../../../models/onnx/onnx-proto.ts';
import { OPSETS } from '../../../models/onnx/options.ts';
import { ort, session } from './ort-fixtures.ts';

function smallGraph(): GraphBuilder {
  const g = new GraphBuilder('small');
  const x = g.input('x', 'float', ['N', 4]);
  const w = g.floats('w', [4, 2], [1, 0, 0, 1, 1, 0, 0, 1]);
  const y = g.op1('LayerNormalization', [g.op1('MatMul', [x, w]), g.floats('gain', [2], [1, 1]), g.floats('shift', [2], [0, 0])], { axis: -1, epsilon: float(1e-5) });
  g.output(y, 'y', 'float', ['N', 2]);
  return g;
}

describe('GraphBuilder', () => {
  it('encodes a ModelProto that decodes with the right nodes, typed attributes, initializers and opsets', () => {
    const bytes = smallGraph().encode(OPSETS, { 'ugbench.test': 'yes' });
    const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array, defaults: false }) as {
      ir_version: number;
      opset_import: Array<{ domain?: string; version: number }>;
      metadata_props: Array<{ key: string; value: string }>;
      graph: {
        node: Array<{ op_type: string; attribute?: Array<{ name: string; type: number; i?: number; f?: number }> }>;
        initializer: Array<{ name: string; dims: number[]; data_type: number; raw_data: number[] }>;
        input: Array<{ name: string; type: { tensor_type: { shape: { dim: Array<{ dim_value?: number; dim_param?: string }> } } } }>;
      };
    };
    expect(model.ir_version).toBe(10);
    expect(model.opset_import.map((o) => `${o.domain ?? ''}:${o.version}`)).toEqual([':21', 'com.microsoft:1']);
    expect(model.metadata_props).toEqual([{ key: 'ugbench.test', value: 'yes' }]);
    expect(model.graph.node.map((n) => n.op_type)).toEqual(['MatMul', 'LayerNormalization', 'Identity']);
    const ln = model.graph.node[1]!.attribute!;
    expect(ln.find((a) => a.name === 'axis')).toMatchObject({ type: 2, i: -1 }); // INT
    expect(ln.find((a) => a.name === 'epsilon')!.type).toBe(1); // FLOAT
    expect(ln.find((a) => a.name === 'epsilon')!.f).toBeCloseTo(1e-5, 10);
    const w = model.graph.initializer[0]!;
    expect(w.dims).toEqual([4, 2]);
    expect(w.data_type).toBe(1);
    expect(Array.from(new Float32Array(Uint8Array.from(w.raw_data).buffer))).toEqual([1, 0, 0, 1, 1, 0, 0, 1]);
    expect(model.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 4 }]);
  });

  it('ORT runs what it builds', async () => {
    const s = await session(smallGraph().encode(OPSETS));
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 5]), [1, 4]) });
    // x @ w = [1 + 3, 2 + 5] = [4, 7]; LayerNorm over 2 values -> [-1, 1] (up to eps)
    const y = out.y!.data as Float32Array;
    expect(y[0]).toBeCloseTo(-1, 4);
    expect(y[1]).toBeCloseTo(1, 4);
  });

  it('rejects plain non-integer attributes, reused names and mis-sized initializers', () => {
    const g = new GraphBuilder('bad');
    const x = g.input('x', 'float', [1]);
    expect(() => g.op1('LeakyRelu', [x], { alpha: 0.1 })).toThrow(/wrap floats/);
    expect(() => g.input('x', 'float', [1])).toThrow(/used twice/);
    expect(() => g.floats('w', [2, 2], [1, 2, 3])).toThrow(/expected 4 values/);
  });

  it('reports graphs beyond the 2 GiB protobuf limit as unavailable, not a crash', () => {
    const g = smallGraph();
    g.initializerBytes = 2 ** 31;
    expect(() => g.encode(OPSETS)).toThrow(UnavailableError);
  });
});
