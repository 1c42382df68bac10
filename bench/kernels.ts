/**
 * `npm run bench:kernels`: forward latency of every variant on onnxruntime-node (CPU) at a few
 * candidate counts, with the measured speedup beside the cost model's prediction. A table, not
 * a test: numbers on a shared 2-core machine are noisy, so compare ratios within one run.
 *
 * Options: --presets small,wide  --time-ms 2000 (per cell: half tinybench, half paired)  --threads n  --strict-wide (also time
 * the slow strict kernel on `wide`)  --only REGEX (setups whose label matches).
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { predictedSpeedup, requestCost } from '../models/cost.ts';
import { presetConfig } from '../models/presets.ts';
import { syntheticRequest, type ScoringRequest } from '../models/requests.ts';
import { createOrtRuntime, type OrtRuntimeOptions } from '../models/runtimes/ort.ts';
import type { ScoringRuntime } from '../models/runtimes/runtime.ts';
import type { Variant } from '../models/variants.ts';
import { generateWeights } from '../models/weights/generate.ts';
import { benchTfjsKernels, printTfjsTable } from './kernels-tfjs.ts';
import type { ModelWeights } from '../models/weights/layout.ts';

const CANDIDATES: Record<string, number[]> = { small: [1, 16, 64, 256], wide: [1, 4, 16] };

interface Setup {
  label: string;
  variant: Variant;
  options: OrtRuntimeOptions;
  /** label of the setup this one's measured speedup is taken against */
  against: string;
  /** skip on these presets (slow kernels) */
  skip?: string[];
}

const { values: args } = parseArgs({
  options: {
    presets: { type: 'string', default: 'small,wide' },
    'time-ms': { type: 'string', default: '2000' },
    threads: { type: 'string' },
    'strict-wide': { type: 'boolean', default: false },
    only: { type: 'string' },
    // presets also timed on TF.js wasm (bench/kernels-tfjs.ts); 'none' skips. Not `wide`: 1 GB of fp32 weights in the wasm heap.
    tfjs: { type: 'string', default: 'small' },
  },
});
const timeMs = Number(args['time-ms']);
const threads = args.threads !== undefined ? { threads: Number(args.threads) } : {};

const SETUPS: Setup[] = [
  { label: 'baseline', variant: 'baseline', options: {}, against: 'baseline' },
  { label: 'ugsep monolithic', variant: 'ugsep', options: { execution: 'monolithic' }, against: 'baseline' },
  { label: 'ugsep', variant: 'ugsep', options: {}, against: 'baseline' },
  { label: 'ugsep-nocomp', variant: 'ugsep-nocomp', options: {}, against: 'baseline' },
  { label: 'ugsep-w8a16 qdq', variant: 'ugsep-w8a16', options: { int8Kernel: 'qdq' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 dynamic', variant: 'ugsep-w8a16', options: { int8Kernel: 'dynamic' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 strict', variant: 'ugsep-w8a16', options: { int8Kernel: 'strict' }, against: 'ugsep', skip: args['strict-wide'] ? [] : ['wide'] },
  // The FFN layout alternative (3-D weights are repacked by ORT at every run): small only.
  { label: 'baseline batched', variant: 'baseline', options: { ffnLayout: 'batched' }, against: 'baseline', skip: ['wide'] },
  { label: 'ugsep batched', variant: 'ugsep', options: { ffnLayout: 'batched' }, against: 'baseline batched', skip: ['wide'] },
];

interface Cell {
  preset: string;
  setup: Setup;
  N: number;
  /** tinybench p50 latency of the forward */
  p50Ms: number;
  /** median over back-to-back pairs of (reference latency / this latency) */
  measured: number;
}

/** tinybench p50 latency of `runtime` on `request` over about `budgetMs`. */
async function p50Ms(runtime: ScoringRuntime, request: ScoringRequest, budgetMs: number): Promise<number> {
  const bench = new Bench({ time: budgetMs, iterations: 3, warmupTime: Math.min(100, budgetMs / 4), warmupIterations: 1 });
  bench.add('forward', async () => {
    await runtime.score(request.userFeatures, request.groupFeatures);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') throw new Error(`benchmark did not complete: ${result?.state}`);
  return result.latency.p50;
}

/**
 * Speedup of `runtime` over `reference` from back-to-back pairs (alternating which goes first):
 * on a machine shared with other jobs, load drifts over seconds, and only latencies taken
 * milliseconds apart see the same load. Median of the per-pair ratios.
 */
async function pairedSpeedup(reference: ScoringRuntime, runtime: ScoringRuntime, request: ScoringRequest, budgetMs: number): Promise<number> {
  const time = async (r: ScoringRuntime): Promise<number> => {
    const start = performance.now();
    await r.score(request.userFeatures, request.groupFeatures);
    return performance.now() - start;
  };
  const ratios: number[] = [];
  const deadline = performance.now() + budgetMs;
  for (let pair = 0; pair < 5 || (performance.now() < deadline && pair < 2000); pair++) {
    let refMs: number;
    let mineMs: number;
    if (pair % 2 === 0) {
      refMs = await time(reference);
      mineMs = await time(runtime);
    } else {
      mineMs = await time(runtime);
      refMs = await time(reference);
    }
    ratios.push(refMs / mineMs);
  }
  return median(ratios);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Every setup of a preset stays loaded. Per N: each setup's p50 from tinybench, then its
 * speedup over its reference setup from back-to-back pairs (see pairedSpeedup).
 */
async function benchPreset(preset: string): Promise<Cell[]> {
  const config = presetConfig(preset);
  const weights: ModelWeights = generateWeights(config, { seed: 1 });
  const wanted = (setup: Setup): boolean => args.only === undefined || new RegExp(args.only).test(setup.label);
  const setups = SETUPS.filter((setup) => !setup.skip?.includes(preset) && (wanted(setup) || SETUPS.some((o) => wanted(o) && o.against === setup.label)));
  const runtimes = new Map<string, ScoringRuntime>();
  for (const setup of setups) runtimes.set(setup.label, await createOrtRuntime(weights, setup.variant, { ...setup.options, ...threads }));
  const cells: Cell[] = [];
  for (const N of CANDIDATES[preset] ?? []) {
    const request = syntheticRequest(config, 7, 'user-1', `request-${N}`, N);
    for (const setup of setups) {
      const runtime = runtimes.get(setup.label)!;
      const latency = await p50Ms(runtime, request, timeMs / 2);
      const reference = runtimes.get(setup.against)!;
      const measured = reference === runtime ? 1 : await pairedSpeedup(reference, runtime, request, timeMs / 2);
      const cell = { preset, setup, N, p50Ms: latency, measured };
      cells.push(cell);
      process.stderr.write(`  ${preset} ${setup.label} N=${N}: ${latency.toFixed(3)} ms (p50), ${measured.toFixed(2)}x vs ${setup.against}\n`);
    }
  }
  for (const runtime of runtimes.values()) await runtime.dispose();
  return cells.filter((c) => wanted(c.setup) || c.setup.label === c.setup.against);
}

/**
 * The cost model's prediction for a row: vs baseline, the FLOP ratio (predictedSpeedup; the
 * monolith's own FLOP ratio for the no-reuse control); w8a16 vs fp32 ugsep, the weight-bytes
 * ratio (what int8 weights can buy where the GEMMs are memory-bound).
 */
function predictedFor(cell: Cell): number {
  const config = presetConfig(cell.preset);
  const { variant, against, options } = cell.setup;
  if (variant === 'baseline') return 1;
  if (!against.startsWith('baseline')) {
    return requestCost({ config, variant: 'ugsep', candidates: cell.N }).weightBytes / requestCost({ config, variant, candidates: cell.N }).weightBytes;
  }
  if (options.execution === 'monolithic') {
    return requestCost({ config, variant: 'baseline', candidates: cell.N }).flops.total / requestCost({ config, variant, candidates: cell.N, monolithic: true }).flops.total;
  }
  return predictedSpeedup(config, variant, cell.N);
}

function printTable(cells: Cell[]): void {
  const header = ['preset', 'variant', 'N', 'p50 ms', 'vs', 'measured x', 'predicted x', 'realized/pred'];
  const rows: string[][] = [];
  for (const cell of cells) {
    const measured = cell.measured;
    const predicted = predictedFor(cell);
    rows.push([
      cell.preset,
      cell.setup.label,
      String(cell.N),
      cell.p50Ms.toFixed(3),
      cell.setup.against,
      measured.toFixed(2),
      predicted.toFixed(2),
      (measured / predicted).toFixed(2),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(
    '\npredicted x: vs baseline = cost-model FLOP ratio (models/cost.ts predictedSpeedup); vs ugsep (w8a16) = fp32/int8 weight-bytes ratio.\n' +
      'p50 ms: tinybench. measured x: median of (latency of "vs" / latency of the row) over back-to-back pairs. ORT CPU, session.intra_op.spin_duration_us=50.\n',
  );
}

const cells: Cell[] = [];
for (const preset of String(args.presets).split(',')) {
  process.stderr.write(`bench:kernels ${preset}\n`);
  cells.push(...(await benchPreset(preset)));
}
printTable(cells);

if (args.tfjs !== 'none') {
  process.stderr.write(`bench:kernels tfjs-wasm ${args.tfjs}\n`);
  const tfjsCells = await benchTfjsKernels({ presets: String(args.tfjs).split(','), candidates: [1, 16, 64], timeMs: timeMs / 2, backend: 'tfjs-wasm', reference: false });
  process.stdout.write('\n');
  printTfjsTable(tfjsCells, 'tfjs-wasm');
}
