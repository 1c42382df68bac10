/**
 * OIP infer request bodies for the plan, built from the sample library before timing as far as
 * memory allows: every user's feature JSON and every candidate row's JSON are encoded once; a
 * request body is then one Buffer.concat of ready pieces (a memcpy, no number formatting in the
 * timed path).
 */
import type { SampleLibrary } from '../harness/loadgen/sample-library.ts';
import { GROUP_INPUT, USER_INPUT } from '../oip/protocol.ts';

export interface RequestTensorsView {
  userFeatures: Float32Array; // [Fu]
  groupFeatures: Float32Array; // [N, Fg]
}

export interface BodyBuilder {
  /** the request body for plan query `index` */
  body(index: number, userId: number | undefined): Buffer;
  /** encode query `index`'s user and rows now (untimed), without building the body */
  prepare(index: number): void;
}

export function createBodyBuilder(samples: SampleLibrary<RequestTensorsView>, Fg: number): BodyBuilder {
  const userJson = new WeakMap<Float32Array, Buffer>();
  // Rows are views into a few pooled buffers: key the encoded rows by the underlying buffer.
  const rowJson = new WeakMap<ArrayBufferLike, Map<number, Buffer>>();
  const comma = Buffer.from(',');
  const encodeRow = (values: Float32Array): Buffer => Buffer.from(`[${Array.from(values).join(',')}]`);

  const rowsOf = (group: Float32Array, n: number): Buffer[] => {
    let cache = rowJson.get(group.buffer);
    if (!cache) rowJson.set(group.buffer, (cache = new Map<number, Buffer>()));
    const firstRow = group.byteOffset / 4 / Fg;
    const out: Buffer[] = [];
    for (let r = 0; r < n; r++) {
      let row = cache.get(firstRow + r);
      if (!row) cache.set(firstRow + r, (row = encodeRow(group.subarray(r * Fg, (r + 1) * Fg))));
      if (r > 0) out.push(comma);
      out.push(row);
    }
    return out;
  };

  const userOf = (userFeatures: Float32Array): Buffer => {
    let user = userJson.get(userFeatures);
    if (!user) userJson.set(userFeatures, (user = encodeRow(userFeatures)));
    return user;
  };

  return {
    prepare(index) {
      const { userFeatures, groupFeatures } = samples.get(index);
      userOf(userFeatures);
      rowsOf(groupFeatures, groupFeatures.length / Fg);
    },
    body(index, userId) {
      const { userFeatures, groupFeatures } = samples.get(index);
      const user = userOf(userFeatures);
      const n = groupFeatures.length / Fg;
      const head =
        `{${userId === undefined ? '' : `"parameters":{"user_id":"${userId}"},`}"inputs":[` +
        `{"name":"${USER_INPUT}","shape":[1,${userFeatures.length}],"datatype":"FP32","data":`;
      const middle = `},{"name":"${GROUP_INPUT}","shape":[${n},${Fg}],"datatype":"FP32","data":[`;
      return Buffer.concat([Buffer.from(head), user, Buffer.from(middle), ...rowsOf(groupFeatures, n), Buffer.from(']}]}')]);
    },
  };
}

