/**
 * safetensors read/write for the weights contract (docs/model.md): little-endian
 * F32 tensors, config as decimal strings in `__metadata__` under T Tu D L k Fu Fg.
 *
 * Layout: u64 LE header length, JSON header, then the tensor bytes. Files are streamed tensor by
 * tensor (rankmixer-1b is ~4.8 GB, more than one Buffer holds) and written to a temp file that is
 * renamed at the end, so a crash never leaves a half-written weights file under the real name.
 */
import { closeSync, readSync, renameSync, writeSync } from 'node:fs';
import { InputError } from '../../harness/errors.ts';
import { openRegularFile } from '../../harness/input-file.ts';
import { abandonTemp, openTempBeside } from '../../harness/temp-file.ts';
import { nonFiniteProblem } from '../finite.ts';
import { duplicateKeyPaths } from './json-duplicates.ts';
import { CONFIG_KEYS, configProblems, parseConfig, type ModelConfig } from '../config.ts';
import { elementCount, emptyWeights, tensorSpecs, type ModelWeights } from './layout.ts';

const MAX_HEADER_BYTES = 100 * 1024 * 1024;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function writeSafetensors(path: string, weights: ModelWeights, extraMetadata: Record<string, string> = {}): void {
  const metadata: Record<string, string> = { ...extraMetadata };
  for (const key of CONFIG_KEYS) metadata[key] = String(weights.config[key]);
  const header: Record<string, unknown> = { __metadata__: metadata };
  const tensors: Float32Array[] = [];
  let offset = 0;
  for (const spec of tensorSpecs(weights.config)) {
    const data = spec.get(weights);
    if (data === undefined) {
      if (spec.compensation) continue; // a baseline file carries no compensation tensors
      throw new Error(`weights object lacks ${spec.name}`);
    }
    if (data.length !== elementCount(spec.shape)) {
      throw new Error(`${spec.name}: expected ${elementCount(spec.shape)} values for shape [${spec.shape.join(',')}], got ${data.length}`);
    }
    header[spec.name] = { dtype: 'F32', shape: spec.shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
    tensors.push(data);
  }
  // Pad the header with spaces to a multiple of 8 so tensor data starts aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((json.length + 8) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const lengthBytes = Buffer.alloc(8);
  lengthBytes.writeBigUInt64LE(BigInt(headerBytes.length));

  const { fd, tempPath: tmpPath } = openTempBeside(path);
  try {
    writeSync(fd, lengthBytes);
    writeSync(fd, headerBytes);
    const littleEndian = isLittleEndian();
    for (const data of tensors) {
      const bytes = littleEndian ? data : swapped(data);
      // writeSync may write fewer bytes than asked for large buffers: loop until done.
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let done = 0; done < view.length; ) done += writeSync(fd, view, done, Math.min(view.length - done, 1 << 30));
    }
    closeSync(fd);
    renameSync(tmpPath, path);
  } catch (error) {
    abandonTemp(fd, tmpPath);
    throw error;
  }
}

/**
 * Read a weights file. Every deviation from the contract is an InputError naming the tensor:
 * missing, extra, wrong dtype, wrong shape, duplicate header keys, offsets outside the body
 * (truncated file), gaps, overlaps or bytes no tensor covers, non-finite values. Only regular
 * files are opened (a FIFO would block the read), and nothing is allocated beyond what the
 * file's own size can back.
 */
export function readSafetensors(path: string): ModelWeights {
  const context = `weights file ${path}`;
  const { fd, bytes } = openRegularFile(path, context, 'safetensors file');
  try {
    return readOpen(fd, bytes, context);
  } finally {
    closeSync(fd);
  }
}

function readOpen(fd: number, fileBytes: number, context: string): ModelWeights {
  const { header, headerLength } = readHeader(fd, fileBytes, context);
  const config = readConfig(header.__metadata__, context);
  const present = Object.keys(header).filter((key) => key !== '__metadata__');
  // Every layer has at least 8 tensors in the header: a config with more layers than the header
  // can list is refused before the contract is enumerated (L = 99999999999 in a 2 KB file).
  const maxLayers = Math.floor(Math.max(0, present.length - 6) / 8);
  if (config.L > maxLayers) {
    throw new InputError(context, [`__metadata__.L: expected at most ${maxLayers} layers (the header lists ${present.length} tensors, at least 8 per layer), got ${config.L}`]);
  }
  const bodyStart = 8 + headerLength;
  const bodyBytes = fileBytes - bodyStart;
  const specs = tensorSpecs(config);
  const fileHasComp = specs.some((spec) => spec.compensation && present.includes(spec.name));
  const problems: string[] = [];
  for (const name of present) {
    if (!specs.some((spec) => spec.name === name)) problems.push(`${name}: unexpected tensor (not in the ugbench weights contract for this config)`);
  }
  problems.push(...coverageProblems(header, present, bodyBytes));
  const weights = emptyWeights(config);
  for (const spec of specs) {
    const entry = header[spec.name] as HeaderEntry | undefined;
    if (entry === undefined) {
      if (!spec.compensation || fileHasComp) {
        problems.push(`${spec.name}: missing tensor${spec.compensation ? ' (the file has other compensation tensors)' : ''}`);
      }
      continue;
    }
    const problem = entryProblem(spec.name, entry, spec.shape, bodyBytes);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const data = readTensor(fd, bodyStart + entry.data_offsets[0], elementCount(spec.shape));
    const nonFinite = nonFiniteProblem(spec.name, data);
    if (nonFinite) problems.push(nonFinite);
    spec.set(weights, data);
  }
  if (problems.length > 0) throw new InputError(context, problems);
  return weights;
}

/** The JSON header, its length bounded by the file and checked for duplicate keys. */
function readHeader(fd: number, fileBytes: number, context: string): { header: Record<string, unknown>; headerLength: number } {
  if (fileBytes < 8) throw new InputError(context, [`header: expected at least 8 bytes (header length), got a ${fileBytes}-byte file`]);
  const lengthBytes = Buffer.alloc(8);
  readSync(fd, lengthBytes, 0, 8, 0);
  // u64: compared as a BigInt, so a length of 2^64 - 1 (-1 written as i64) is not rounded first
  const rawLength = lengthBytes.readBigUInt64LE();
  const limit = Math.min(MAX_HEADER_BYTES, fileBytes - 8);
  if (rawLength > BigInt(limit)) {
    throw new InputError(context, [`header: expected a header length <= ${limit} bytes (the file's size), got ${rawLength} (not a safetensors file, or truncated)`]);
  }
  const headerLength = Number(rawLength);
  const headerBytes = Buffer.alloc(headerLength);
  readSync(fd, headerBytes, 0, headerLength, 8);
  const text = headerBytes.toString('utf8');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new InputError(context, [`header: expected JSON, got a parse error (${(error as Error).message})`]);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InputError(context, ['header: expected a JSON object']);
  }
  const duplicates = duplicateKeyPaths(text);
  if (duplicates.length > 0) {
    throw new InputError(context, duplicates.map((key) => `${key}: expected each header key once, got it twice (JSON would keep only the last)`));
  }
  return { header: header as Record<string, unknown>, headerLength };
}

/**
 * The tensors must tile the body exactly: sorted by offset, each starts where the previous one
 * ends, the first at 0 and the last at the end of the file. A shifted, overlapping or padded
 * layout would otherwise load as silently wrong weights.
 */
function coverageProblems(header: Record<string, unknown>, names: readonly string[], bodyBytes: number): string[] {
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const name of names) {
    const offsets: unknown = (header[name] as Partial<HeaderEntry> | null)?.data_offsets;
    if (isOffsetPair(offsets, (v) => Number.isSafeInteger(v)) && offsets[0] <= offsets[1]) {
      spans.push({ name, begin: offsets[0], end: offsets[1] });
    }
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const problems: string[] = [];
  let cursor = 0;
  let previous = 'the header';
  for (const span of spans) {
    if (span.begin > cursor) problems.push(`${span.name}: data_offsets start at ${span.begin}, expected ${cursor} (a ${span.begin - cursor}-byte gap after ${previous})`);
    else if (span.begin < cursor) problems.push(`${span.name}: data_offsets [${span.begin}, ${span.end}] overlap ${previous} (which ends at ${cursor})`);
    cursor = Math.max(cursor, span.end);
    previous = span.name;
  }
  if (spans.length > 0 && cursor < bodyBytes) problems.push(`body: expected the tensors to cover all ${bodyBytes} bytes, got ${bodyBytes - cursor} bytes after ${previous} that no tensor covers`);
  return problems;
}

function readTensor(fd: number, position: number, elements: number): Float32Array {
  const data = new Float32Array(elements);
  const view = new Uint8Array(data.buffer);
  for (let done = 0; done < view.length; ) {
    const got = readSync(fd, view, done, Math.min(view.length - done, 1 << 30), position + done);
    if (got === 0) break;
    done += got;
  }
  if (!isLittleEndian()) swapInPlace(data);
  return data;
}

function readConfig(metadata: unknown, context: string): ModelConfig {
  if (typeof metadata !== 'object' || metadata === null) {
    throw new InputError(context, [`__metadata__: expected an object with ${CONFIG_KEYS.join(', ')} as decimal strings, got ${metadata === undefined ? 'nothing' : typeof metadata}`]);
  }
  const raw = metadata as Record<string, unknown>;
  const problems: string[] = [];
  const config: Record<string, number> = {};
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
      problems.push(`__metadata__.${key}: expected a decimal string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    } else {
      config[key] = Number(value);
    }
  }
  if (problems.length === 0) problems.push(...configProblems(config).map((p) => `__metadata__.${p}`));
  if (problems.length > 0) throw new InputError(context, problems);
  return parseConfig(config);
}

/** Untyped header JSON as `[begin, end]`: two numbers, each non-negative and passing `isWhole`. */
function isOffsetPair(value: unknown, isWhole: (v: number) => boolean): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && isWhole(v) && v >= 0);
}

function entryProblem(name: string, entry: unknown, shape: number[], bodyBytes: number): string | undefined {
  if (typeof entry !== 'object' || entry === null) return `${name}: expected a tensor entry {dtype, shape, data_offsets}`;
  const e = entry as Partial<HeaderEntry>;
  if (e.dtype !== 'F32') return `${name}: expected dtype F32, got ${JSON.stringify(e.dtype)}`;
  if (!Array.isArray(e.shape) || e.shape.length !== shape.length || e.shape.some((v, i) => v !== shape[i])) {
    return `${name}: expected shape [${shape.join(', ')}], got ${JSON.stringify(e.shape)}`;
  }
  const offsets: unknown = e.data_offsets;
  if (!isOffsetPair(offsets, (v) => Number.isInteger(v))) {
    return `${name}: expected data_offsets [begin, end], got ${JSON.stringify(offsets)}`;
  }
  const [begin, end] = offsets;
  if (end - begin !== elementCount(shape) * 4) {
    return `${name}: expected ${elementCount(shape) * 4} bytes for shape [${shape.join(', ')}], data_offsets give ${end - begin}`;
  }
  if (end > bodyBytes) return `${name}: data ends at byte ${end} but the file body has ${bodyBytes} bytes (truncated file)`;
  return undefined;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

function swapped(data: Float32Array): Float32Array {
  const copy = new Float32Array(data);
  swapInPlace(copy);
  return copy;
}

function swapInPlace(data: Float32Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, view.getFloat32(i * 4, true), false);
}
