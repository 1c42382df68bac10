import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateWeights } from '../../../models/weights/generate.ts';
import { readSafetensors, writeSafetensors } from '../../../models/weights/safetensors.ts';
import { tensorSpecs } from '../../../models/weights/layout.ts';
import { InputError } from '../../../harness/errors.ts';
import { MID } from '../reference/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-weights-'));
const goodPath = join(dir, 'good.safetensors');

/** Parse a file into its header object and body, to forge malformed variants of it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed header each test mutates freely; the expect()s are its type check
function split(path: string): { header: Record<string, any>; body: Buffer } {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  return { header: JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')), body: bytes.subarray(8 + length) };
}

function forge(name: string, header: Record<string, unknown>, body: Buffer): string {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, `${name}.safetensors`);
  writeFileSync(path, Buffer.concat([length, json, body]));
  return path;
}

function errorOf(path: string): string {
  try {
    readSafetensors(path);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the read to fail');
}

describe('safetensors weights', () => {
  const weights = generateWeights(MID, { seed: 9 });
  beforeAll(() => writeSafetensors(goodPath, weights));

  it('round trips every tensor bit for bit, with the contract names, shapes and metadata', () => {
    const back = readSafetensors(goodPath);
    expect(back.config).toEqual(MID);
    for (const spec of tensorSpecs(MID)) expect(Array.from(spec.get(back)!)).toEqual(Array.from(spec.get(weights)!));
    const { header } = split(goodPath);
    expect(header.__metadata__).toMatchObject({ T: '8', Tu: '4', D: '32', L: '3', k: '2', Fu: '16', Fg: '12' });
    expect(header['layers.2.ffn.w1']).toMatchObject({ dtype: 'F32', shape: [8, 32, 64] });
    expect(header['tokenizer.group.weight']).toMatchObject({ dtype: 'F32', shape: [4, 3, 32] });
    expect(header['layers.0.comp.weight']).toMatchObject({ dtype: 'F32', shape: [4, 32, 32] });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // temp file renamed away
  });

  it('a baseline file has no compensation tensors and shares every other tensor with the ugsep file', () => {
    const base = generateWeights(MID, { seed: 9, compensation: false });
    const path = join(dir, 'baseline.safetensors');
    writeSafetensors(path, base);
    const { header } = split(path);
    expect(Object.keys(header).some((k) => k.includes('comp'))).toBe(false);
    expect(Array.from(readSafetensors(path).layers[1]!.w2)).toEqual(Array.from(weights.layers[1]!.w2));
  });

  it('names a missing tensor', () => {
    const { header, body } = split(goodPath);
    delete header['layers.1.ffn.b1'];
    expect(errorOf(forge('missing', header, body))).toMatch(/layers\.1\.ffn\.b1: missing tensor/);
  });

  it('names a missing compensation tensor when the others are present', () => {
    const { header, body } = split(goodPath);
    delete header['layers.2.comp.bias'];
    expect(errorOf(forge('missing-comp', header, body))).toMatch(/layers\.2\.comp\.bias: missing tensor/);
  });

  it('names an extra tensor', () => {
    const { header, body } = split(goodPath);
    header['layers.9.ffn.w1'] = { ...header['layers.0.ln1.bias'] };
    expect(errorOf(forge('extra', header, body))).toMatch(/layers\.9\.ffn\.w1: unexpected tensor/);
  });

  it('names a mis-shaped tensor', () => {
    const { header, body } = split(goodPath);
    header['layers.0.ffn.w2'].shape = [8, 32, 64];
    expect(errorOf(forge('shape', header, body))).toMatch(/layers\.0\.ffn\.w2: expected shape \[8, 64, 32\], got \[8,32,64\]/);
  });

  it('names a wrong dtype', () => {
    const { header, body } = split(goodPath);
    header['head.weight'].dtype = 'F16';
    expect(errorOf(forge('dtype', header, body))).toMatch(/head\.weight: expected dtype F32, got "F16"/);
  });

  it('names the tensor cut off by a truncated body', () => {
    const { header, body } = split(goodPath);
    expect(errorOf(forge('truncated', header, body.subarray(0, body.length - 10)))).toMatch(/head\.bias: data ends at byte \d+ but the file body has \d+ bytes \(truncated file\)/);
  });

  it('rejects bad metadata, garbage and missing files clearly', () => {
    const { header, body } = split(goodPath);
    header.__metadata__.D = '30';
    expect(errorOf(forge('meta', header, body))).toMatch(/__metadata__\.D: expected a multiple of T=8, got 30/);
    delete header.__metadata__.k;
    expect(errorOf(forge('meta2', header, body))).toMatch(/__metadata__\.k: expected a decimal string, got nothing/);
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, 'this is not a weights file at all');
    expect(errorOf(garbage)).toMatch(/header: expected a header length/);
    expect(errorOf(join(dir, 'absent.safetensors'))).toMatch(/file: expected a readable safetensors file, got ENOENT/);
  });
});
