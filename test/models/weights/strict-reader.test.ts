/**
 * The strict safetensors reader (issue 21, item 5) and the finiteness check of weights (item 4):
 * files that used to load with silently wrong scores, exhaust the heap, crash or hang are each
 * refused with one message naming the tensor or the header field.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/errors.ts';
import { checkFiniteWeights, nonFiniteProblem } from '../../../models/finite.ts';
import { generateWeights } from '../../../models/weights/generate.ts';
import { duplicateKeyPaths } from '../../../models/weights/json-duplicates.ts';
import { readSafetensors, writeSafetensors } from '../../../models/weights/safetensors.ts';
import { presetConfig } from '../../../models/presets.ts';

const TINY = presetConfig('tiny');

const dir = mkdtempSync(join(tmpdir(), 'ugbench-strict-'));
const goodPath = join(dir, 'good.safetensors');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed header each test mutates freely; the expect()s are its type check
function split(path: string): { header: Record<string, any>; body: Buffer } {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')), body: Buffer.from(bytes.subarray(8 + length)) };
}

function forgeText(name: string, json: string, body: Buffer, length: bigint = BigInt(Buffer.byteLength(json))): string {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length);
  const path = join(dir, `${name}.safetensors`);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(json), body]));
  return path;
}

function problemsOf(path: string): readonly string[] {
  try {
    readSafetensors(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error('expected the read to fail');
}

describe('strict safetensors reader', () => {
  beforeAll(() => writeSafetensors(goodPath, generateWeights(TINY, { seed: 3 })));

  it('still reads a good file', () => {
    expect(readSafetensors(goodPath).config).toEqual(TINY);
  });

  it('refuses offsets shifted by 4 bytes (a gap at the start, the last tensor past the end)', () => {
    const { header, body } = split(goodPath);
    for (const [key, entry] of Object.entries(header)) if (key !== '__metadata__') entry.data_offsets = entry.data_offsets.map((v: number) => v + 4);
    const problems = problemsOf(forgeText('shifted', JSON.stringify(header), body));
    expect(problems).toContain('tokenizer.user.weight: data_offsets start at 4, expected 0 (a 4-byte gap after the header)');
    expect(problems.some((p) => p.startsWith('head.bias: data ends at byte'))).toBe(true);
  });

  it('refuses a shifted layout padded to the same length (would have loaded wrong weights)', () => {
    const { header, body } = split(goodPath);
    for (const [key, entry] of Object.entries(header)) if (key !== '__metadata__') entry.data_offsets = entry.data_offsets.map((v: number) => v + 4);
    expect(problemsOf(forgeText('shifted-padded', JSON.stringify(header), Buffer.concat([Buffer.alloc(4), body])))).toEqual(['tokenizer.user.weight: data_offsets start at 4, expected 0 (a 4-byte gap after the header)']);
  });

  it('refuses two tensors reading the same bytes', () => {
    const { header, body } = split(goodPath);
    header['tokenizer.user.bias'].data_offsets = [...header['layers.0.ln1.weight'].data_offsets];
    const problems = problemsOf(forgeText('overlap', JSON.stringify(header), body));
    expect(problems.some((p) => /^(tokenizer\.user\.bias|layers\.0\.ln1\.weight): data_offsets \[\d+, \d+\] overlap (tokenizer\.user\.bias|layers\.0\.ln1\.weight) \(which ends at \d+\)$/.test(p))).toBe(true);
  });

  it('refuses bytes after the last tensor', () => {
    const { header, body } = split(goodPath);
    expect(problemsOf(forgeText('trailing', JSON.stringify(header), Buffer.concat([body, Buffer.alloc(12)])))).toEqual([
      `body: expected the tensors to cover all ${body.length + 12} bytes, got 12 bytes after head.bias that no tensor covers`,
    ]);
  });

  it('refuses header length -1 (2^64 - 1 as u64) without reading it', () => {
    const { header, body } = split(goodPath);
    const json = JSON.stringify(header);
    const path = forgeText('minus-one', json, body, 0xffff_ffff_ffff_ffffn);
    const limit = Buffer.byteLength(json) + body.length;
    expect(problemsOf(path)).toEqual([`header: expected a header length <= ${limit} bytes (the file's size), got 18446744073709551615 (not a safetensors file, or truncated)`]);
  });

  it('refuses duplicate header keys (JSON.parse would keep the last silently)', () => {
    const { header, body } = split(goodPath);
    const json = JSON.stringify(header);
    const twice = `${json.slice(0, -1)},"head.bias":${JSON.stringify(header['head.bias'])}}`;
    expect(problemsOf(forgeText('duplicate', twice, body))).toEqual(['head.bias: expected each header key once, got it twice (JSON would keep only the last)']);
    const metaTwice = json.replace('"L":"2"', '"L":"2","L":"1"');
    expect(problemsOf(forgeText('duplicate-meta', metaTwice, body))).toEqual(['__metadata__.L: expected each header key once, got it twice (JSON would keep only the last)']);
  });

  it('refuses metadata L = 99999999999 in a 2 KB file from the header size, before enumerating layers', () => {
    const { header } = split(goodPath);
    header.__metadata__.L = '99999999999';
    const entries = Object.keys(header).length - 1;
    expect(problemsOf(forgeText('huge-L', JSON.stringify(header), Buffer.alloc(2048)))).toEqual([
      `__metadata__.L: expected at most ${Math.floor((entries - 6) / 8)} layers (the header lists ${entries} tensors, at least 8 per layer), got 99999999999`,
    ]);
  });

  it('refuses a directory and a FIFO as regular-file problems (the FIFO is never opened for reading)', () => {
    const sub = join(dir, 'a-directory.safetensors');
    mkdirSync(sub);
    expect(problemsOf(sub)).toEqual(['file: expected a regular file (safetensors file), got a directory']);
    const fifo = join(dir, 'a-fifo.safetensors');
    execFileSync('mkfifo', [fifo]);
    expect(problemsOf(fifo)).toEqual(['file: expected a regular file (safetensors file), got a FIFO (named pipe)']);
  });

  it('refuses NaN and Inf weights, naming the tensor and the first index', () => {
    const { header, body } = split(goodPath);
    const w1 = header['layers.1.ffn.w1'].data_offsets[0] as number;
    body.writeFloatLE(Number.NaN, w1 + 4 * 5);
    body.writeFloatLE(Number.POSITIVE_INFINITY, w1 + 4 * 9);
    const head = header['head.weight'].data_offsets[0] as number;
    body.writeFloatLE(Number.NEGATIVE_INFINITY, head);
    expect(problemsOf(forgeText('nan', JSON.stringify(header), body))).toEqual([
      'layers.1.ffn.w1[5]: expected a finite float32, got NaN (2 non-finite values in all)',
      'head.weight[0]: expected a finite float32, got -Infinity',
    ]);
  });
});

describe('checkFiniteWeights (the one check the CLI and the server call)', () => {
  it('passes generated weights and names each bad tensor of a corrupted copy', () => {
    const weights = generateWeights(TINY, { seed: 4 });
    expect(() => checkFiniteWeights(weights)).not.toThrow();
    weights.layers[0]!.b2[3] = Number.NaN;
    weights.tokGroupBias[0] = Number.POSITIVE_INFINITY;
    expect(() => checkFiniteWeights(weights, 'weights of model ugsep')).toThrow(
      new InputError('weights of model ugsep', ['tokenizer.group.bias[0]: expected a finite float32, got Infinity', 'layers.0.ffn.b2[3]: expected a finite float32, got NaN']),
    );
  });

  it('nonFiniteProblem is silent on finite data, including the float32 extremes', () => {
    expect(nonFiniteProblem('x', new Float32Array([3.4028234663852886e38, -3.4028234663852886e38, 0, -0, 1e-45]))).toBeUndefined();
    expect(nonFiniteProblem('x', new Float32Array([1e39]))).toBe('x[0]: expected a finite float32, got Infinity');
  });
});

describe('duplicateKeyPaths', () => {
  it('finds keys repeated in the same object at any depth, not equal keys in different objects', () => {
    expect(duplicateKeyPaths('{"a":1,"b":{"a":2,"c":[{"a":1,"a":2}]},"a":3}')).toEqual(['b.c[].a', 'a']);
    expect(duplicateKeyPaths('{"a":{"x":1},"b":{"x":1},"s":"\\"a\\": 1, \\"a\\""}')).toEqual([]);
  });
});
