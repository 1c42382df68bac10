/**
 * `npm run bench:kernels:tfjs`: forward latency of every variant on TF.js (wasm backend by
 * default) beside the plain-TypeScript reference, at a few candidate counts. A table, not a
 * test: numbers on a shared 2-core machine are noisy, so compare ratios within one run.
 *
 * Options: --presets small  --candidates 16,64  --time-ms 1500 (per cell)  --backend tfjs-wasm|tfjs-cpu|tfjs-node|tfjs-node-gpu
 *          --no-reference (skip the slow reference column)
 */
import { parseArgs } from 'node:util';
import { predictedSpeedup } from '../models/cost.ts';
import { presetConfig } from '../models/presets.ts';
import { syntheticRequest, type ScoringRequest } from '../models/requests.ts';
import { createReferenceRuntime } from '../models/runtimes/reference.ts';
import type { ScoringRuntime } from '../models/runtimes/runtime.ts';
import { createTfjsRuntime } from '../models/runtimes/tfjs.ts';
import { TFJS_RUNTIMES, type TfjsRuntimeName } from '../models/tfjs/backends.ts';
import { VARIANTS, type Variant } from '../models/variants.ts';
import { generateWeights } from '../models/weights/generate.ts';

export interface TfjsKernelCell {
  preset: string;
  variant: Variant;
  N: number;
  tfjsP50Ms: number;
  /** undefined with --no-reference */
  referenceP50Ms: number | undefined;
}

export interface TfjsKernelOptions {
  presets: string[];
  candidates: number[];
  timeMs: number;
  backend: TfjsRuntimeName;
  reference: boolean;
}

/** p50 of back-to-back calls within a time budget (at least 3 calls, after 2 warm-up calls). */
async function p50Ms(runtime: ScoringRuntime, request: ScoringRequest, budgetMs: number): Promise<number> {
  for (let i = 0; i < 2; i++) await runtime.score(request.userFeatures, request.groupFeatures);
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    await runtime.score(request.userFeatures, request.groupFeatures);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

export async function benchTfjsKernels(options: TfjsKernelOptions): Promise<TfjsKernelCell[]> {
  const cells: TfjsKernelCell[] = [];
  for (const preset of options.presets) {
    const config = presetConfig(preset);
    const weights = generateWeights(config, { seed: 1 });
    for (const variant of VARIANTS) {
      const tfjs = await createTfjsRuntime(options.backend, weights, variant);
      const reference = options.reference ? createReferenceRuntime(weights, variant) : undefined;
      for (const N of options.candidates) {
        const request = syntheticRequest(config, 7, 'user-1', `request-${N}`, N);
        const tfjsP50Ms = await p50Ms(tfjs, request, options.timeMs);
        const referenceP50Ms = reference ? await p50Ms(reference, request, options.timeMs) : undefined;
        cells.push({ preset, variant, N, tfjsP50Ms, referenceP50Ms });
        process.stderr.write(`  ${preset} ${variant} N=${N}: ${options.backend} ${tfjsP50Ms.toFixed(2)} ms, reference ${referenceP50Ms?.toFixed(1) ?? '-'} ms\n`);
      }
      await tfjs.dispose();
      await reference?.dispose();
    }
  }
  return cells;
}

export function printTfjsTable(cells: TfjsKernelCell[], backend: string): void {
  const header = ['preset', 'variant', 'N', `${backend} p50 ms`, 'reference p50 ms', 'reference/tfjs x', 'vs baseline x', 'predicted x'];
  const rows = cells.map((cell) => {
    const base = cells.find((c) => c.preset === cell.preset && c.N === cell.N && c.variant === 'baseline');
    return [
      cell.preset,
      cell.variant,
      String(cell.N),
      cell.tfjsP50Ms.toFixed(2),
      cell.referenceP50Ms?.toFixed(1) ?? '-',
      cell.referenceP50Ms !== undefined ? (cell.referenceP50Ms / cell.tfjsP50Ms).toFixed(1) : '-',
      base ? (base.tfjsP50Ms / cell.tfjsP50Ms).toFixed(2) : '-',
      predictedSpeedup(presetConfig(cell.preset), cell.variant, cell.N).toFixed(2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(
    `\n${backend}: per-token 2-D fused matmuls, fp32. ugsep-w8a16 on TF.js is int8 storage dequantized to fp32 at load (not W8A16): its time says nothing about int8 kernels.\n` +
      'predicted x: cost-model FLOP ratio vs baseline (models/cost.ts predictedSpeedup). Single run, p50 of back-to-back calls.\n',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: args } = parseArgs({
    options: {
      presets: { type: 'string', default: 'small' },
      candidates: { type: 'string', default: '16,64' },
      'time-ms': { type: 'string', default: '1500' },
      backend: { type: 'string', default: 'tfjs-wasm' },
      'no-reference': { type: 'boolean', default: false },
    },
  });
  const backend = args.backend;
  if (!(TFJS_RUNTIMES as readonly string[]).includes(backend)) throw new Error(`--backend: expected one of ${TFJS_RUNTIMES.join(', ')}, got ${backend}`);
  const cells = await benchTfjsKernels({
    presets: args.presets.split(','),
    candidates: args.candidates.split(',').map(Number),
    timeMs: Number(args['time-ms']),
    backend: backend as TfjsRuntimeName,
    reference: !args['no-reference'],
  });
  printTfjsTable(cells, backend);
}
