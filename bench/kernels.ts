/**
 * `npm run bench:kernels`: forward latency of every variant on onnxruntime-node (CPU) at a few
 * candidate counts, with the measured speedup beside the cost model's prediction. A table, not
 * a test: numbers on a shared 2-core machine are noisy, so compare ratios within one run.
 *
 * Per cell also: the roofline floor of the request (models/limits/roofline.ts, with this
 * machine's cached limits) and p50 / floor; for ugsep-w8a16 setups the max relative score error
 * and top-10 overlap against the fp32 ugsep graph and the W8A16 reference graph, and what ran
 * (dispatchTags: the kernel per graph at that N, read from ORT's optimized graphs).
 *
 * Accuracy: every ugsep-w8a16 row is checked against the bound auto uses (models/runtimes/
 * ort-calibrate.ts: min(5e-3, half the int8 effect, which is the fp32 graph's error
 * against the W8A16 reference on the same request)); W8A8 kernels are labelled so and are
 * outside auto.
 *
 * `wide` (~1 GB of fp32 weights per fp32 runtime) runs only the setups its targets need
 * (WIDE_SETUPS), so the whole table takes a few minutes.
 *
 * Options: --presets small,wide  --time-ms 2000 (per cell: half tinybench, half paired)  --threads n  --strict-wide (also time
 * the slow strict kernel on `wide`)  --only REGEX (setups whose label matches)  --tfjs small (also TF.js wasm; default none).
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { machineLimits } from '../models/limits/measure.ts';
import { rooflineLimits, type RooflineLimits } from '../harness/results/machine-limits.ts';
import { graphPrecisionOf, requestGemms, rooflineFloorUs } from '../models/limits/roofline.ts';
import { DEFAULT_ACCURACY_BOUND, EFFECT_FRACTION, maxRelError, topKOverlap } from '../models/runtimes/ort-calibrate.ts';
import { W8A16_KERNELS } from '../models/onnx/options.ts';
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
const W8A16_REFERENCE = 'w8a16 reference graph';

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
    // presets also timed on TF.js wasm (bench/kernels-tfjs.ts, also `npm run bench:kernels:tfjs`); 'none' skips. Not `wide`: 1 GB of fp32 weights in the wasm heap.
    tfjs: { type: 'string', default: 'none' },
  },
});
const timeMs = Number(args['time-ms']);
const threads = args.threads !== undefined ? { threads: Number(args.threads) } : {};

const SETUPS: Setup[] = [
  { label: 'baseline', variant: 'baseline', options: {}, against: 'baseline' },
  { label: 'ugsep monolithic', variant: 'ugsep', options: { execution: 'monolithic' }, against: 'baseline' },
  { label: 'ugsep', variant: 'ugsep', options: {}, against: 'baseline' },
  { label: 'ugsep-nocomp', variant: 'ugsep-nocomp', options: {}, against: 'baseline' },
  { label: 'ugsep-w8a16 auto', variant: 'ugsep-w8a16', options: { int8Kernel: 'auto' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 matmulnbits-b32', variant: 'ugsep-w8a16', options: { int8Kernel: 'matmulnbits-b32' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 matmulnbits-b128', variant: 'ugsep-w8a16', options: { int8Kernel: 'matmulnbits-b128' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 dynamic', variant: 'ugsep-w8a16', options: { int8Kernel: 'dynamic' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 dequant-fp32', variant: 'ugsep-w8a16', options: { int8Kernel: 'dequant-fp32' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 hilo-b32', variant: 'ugsep-w8a16', options: { int8Kernel: 'hilo-b32' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 hilo-b128', variant: 'ugsep-w8a16', options: { int8Kernel: 'hilo-b128' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 strict', variant: 'ugsep-w8a16', options: { int8Kernel: 'strict' }, against: 'ugsep', skip: args['strict-wide'] ? [] : ['wide'] },
  // The W8A16 reference graph (fp16-rounded activations x dequantized weights): accuracy baseline.
  { label: W8A16_REFERENCE, variant: 'ugsep-w8a16', options: { int8Kernel: 'dequant-fp32', w8a16Reference: true }, against: 'ugsep' },
  // The FFN layout alternative (3-D weights are repacked by ORT at every run): small only.
  { label: 'baseline batched', variant: 'baseline', options: { ffnLayout: 'batched' }, against: 'baseline', skip: ['wide'] },
  { label: 'ugsep batched', variant: 'ugsep', options: { ffnLayout: 'batched' }, against: 'baseline batched', skip: ['wide'] },
];

/** What `wide` runs: the targets' pair, the accuracy reference, and the plain MatMulNBits graph for comparison. */
const WIDE_SETUPS = new Set(['ugsep', 'ugsep-w8a16 auto', 'ugsep-w8a16 matmulnbits-b32', 'ugsep-w8a16 hilo-b128', W8A16_REFERENCE]);

interface Cell {
  preset: string;
  setup: Setup;
  N: number;
  /** tinybench p50 latency of the forward */
  p50Ms: number;
  /** median over back-to-back pairs of (reference latency / this latency) */
  measured: number;
  /** roofline floor of this request on this machine, µs */
  floorUs: number;
  /** what served this N (dispatchTags), when the runtime says */
  ran: string;
  /** the user and group kernels read from the optimized graphs */
  ranKernels: string[];
  /** the setup the measured ratio is against (the row itself when that setup does not run on this preset) */
  vs: string;
  /** ugsep-w8a16 setups: accuracy against the fp32 graph and the W8A16 reference graph, and the bound */
  accuracy?: { vsFp32: Accuracy; vsW8a16: Accuracy; bound: number };
}

interface Accuracy {
  maxRelError: number;
  top10: number;
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
async function benchPreset(preset: string, limits: RooflineLimits): Promise<Cell[]> {
  const config = presetConfig(preset);
  const weights: ModelWeights = generateWeights(config, { seed: 1 });
  const wanted = (setup: Setup): boolean => args.only === undefined || new RegExp(args.only).test(setup.label);
  const int8Wanted = SETUPS.some((o) => wanted(o) && o.variant === 'ugsep-w8a16');
  // The wanted setups, what their ratios are taken against, and the references of the accuracy columns.
  const labels = new Set(SETUPS.filter((o) => wanted(o) || (int8Wanted && (o.label === W8A16_REFERENCE || o.label === 'ugsep'))).map((o) => o.label));
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of SETUPS) if (labels.has(o.label) && !labels.has(o.against)) grew = labels.add(o.against).size > 0;
  }
  const setups = SETUPS.filter((setup) => !setup.skip?.includes(preset) && labels.has(setup.label) && (preset !== 'wide' || WIDE_SETUPS.has(setup.label)));
  const present = new Set(setups.map((o) => o.label));
  const runtimes = new Map<string, ScoringRuntime>();
  for (const setup of setups) {
    const started = performance.now();
    // auto calibrates at the N this table measures (on `wide` an N = 256 group pass alone takes seconds).
    const calibration = setup.options.int8Kernel === 'auto' ? { calibrationCandidates: CANDIDATES[preset] ?? [] } : {};
    runtimes.set(setup.label, await createOrtRuntime(weights, setup.variant, { ...setup.options, ...calibration, ...threads }));
    const calibrated = runtimes.get(setup.label)!.info.details['int8.calibration'];
    if (calibrated !== undefined) process.stderr.write(`  ${preset} ${setup.label}: loaded in ${((performance.now() - started) / 1000).toFixed(1)} s (${calibrated})\n`);
  }
  const cells: Cell[] = [];
  for (const N of CANDIDATES[preset] ?? []) {
    const request = syntheticRequest(config, 7, 'user-1', `request-${N}`, N);
    const score = (label: string): Promise<Float32Array> | undefined => runtimes.get(label)?.score(request.userFeatures, request.groupFeatures);
    const fp32Scores = await score('ugsep');
    const w8a16Scores = await score(W8A16_REFERENCE);
    for (const setup of setups) {
      const runtime = runtimes.get(setup.label)!;
      const latency = await p50Ms(runtime, request, timeMs / 2);
      const vs = present.has(setup.against) ? setup.against : setup.label;
      const reference = runtimes.get(vs)!;
      const measured = reference === runtime ? 1 : await pairedSpeedup(reference, runtime, request, timeMs / 2);
      const tags = runtime.dispatchTags?.(N);
      const floorUs = rooflineFloorUs(
        requestGemms({
          config,
          variant: setup.variant,
          candidates: N,
          monolithic: setup.options.execution === 'monolithic',
          ...(tags?.userKernel ? { user: graphPrecisionOf(tags.userKernel) } : {}),
          ...(tags?.groupKernel ? { group: graphPrecisionOf(tags.groupKernel) } : {}),
        }),
        limits,
      );
      const cell: Cell = { preset, setup, N, vs, p50Ms: latency, measured, floorUs, ran: tags ? `user ${tags.userKernel}, group ${tags.groupKernel}` : '', ranKernels: tags ? [tags.userKernel ?? '', tags.groupKernel ?? ''] : [] };
      if (setup.variant === 'ugsep-w8a16' && fp32Scores && w8a16Scores) {
        const got = await runtime.score(request.userFeatures, request.groupFeatures);
        const accuracy = (ref: Float32Array): Accuracy => ({ maxRelError: maxRelError(got, ref), top10: topKOverlap(got, ref, Math.min(10, N)) });
        // auto's rule on this request: the fp32 graph's own error is the int8 effect
        const bound = Math.min(DEFAULT_ACCURACY_BOUND, EFFECT_FRACTION * maxRelError(fp32Scores, w8a16Scores));
        cell.accuracy = { vsFp32: accuracy(fp32Scores), vsW8a16: accuracy(w8a16Scores), bound };
      }
      cells.push(cell);
      process.stderr.write(`  ${preset} ${setup.label} N=${N}: ${latency.toFixed(3)} ms (p50), ${measured.toFixed(2)}x vs ${vs}${cell.ran ? ` [${cell.ran}]` : ''}\n`);
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

function printTable(cells: Cell[], limits: RooflineLimits): void {
  const header = ['preset', 'variant', 'N', 'p50 ms', 'vs', 'measured x', 'predicted x', 'realized/pred', 'floor ms', 'p50/floor', 'err vs fp32', 'top10', 'err vs w8a16', 'top10', 'bound', 'within', 'class', 'ran'];
  const rows: string[][] = [];
  for (const cell of cells) {
    const measured = cell.measured;
    const predicted = predictedFor(cell);
    const a = cell.accuracy;
    const ratio = (cell.p50Ms * 1000) / cell.floorUs;
    rows.push([
      cell.preset,
      cell.setup.label,
      String(cell.N),
      cell.p50Ms.toFixed(3),
      cell.vs,
      measured.toFixed(2),
      predicted.toFixed(2),
      (measured / predicted).toFixed(2),
      (cell.floorUs / 1000).toFixed(3),
      `${ratio.toFixed(2)}${ratio < 1 / 1.1 ? ' ABOVE ROOF' : ''}`,
      a ? a.vsFp32.maxRelError.toExponential(1) : '',
      a ? a.vsFp32.top10.toFixed(1) : '',
      a ? a.vsW8a16.maxRelError.toExponential(1) : '',
      a ? a.vsW8a16.top10.toFixed(1) : '',
      a ? a.bound.toExponential(1) : '',
      a ? (a.vsW8a16.maxRelError <= a.bound ? 'yes' : 'NO') : '',
      a ? kernelClass(cell) : '',
      cell.ran,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((v, i) => (i < 2 || i === r.length - 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
  process.stdout.write(
    '\npredicted x: vs baseline = cost-model FLOP ratio (models/cost.ts predictedSpeedup); vs ugsep (w8a16) = fp32/int8 weight-bytes ratio.\n' +
      'p50 ms: tinybench. measured x: median of (latency of "vs" / latency of the row) over back-to-back pairs. ORT CPU, session.intra_op.spin_duration_us=50.\n' +
      `floor: sum over the request's GEMMs of max(FLOPs / peak, bytes / bandwidth), limits GEMM ${limits.peakGflopPerS.toFixed(0)} GFLOP/s` +
      `${limits.int8PeakGopPerS ? `, int8 GEMM ${limits.int8PeakGopPerS.toFixed(0)} Gop/s` : ''}, bandwidth ${limits.peakGBPerS.toFixed(1)} GB/s (ORT matrix-vector beyond the caches; ${curveText(limits)}); p50/floor < 0.91 = more than 10% above the roof.\n` +
      'err: max relative score error on the row\'s request; top10: overlap of the top min(10, N) candidates. ran: kernels read from the optimized graphs (dispatchTags).\n' +
      `bound: auto's rule on the row's request, min(${DEFAULT_ACCURACY_BOUND}, ${EFFECT_FRACTION} x the fp32 graph's error vs the W8A16 reference); class: W8A16 = activations 16-bit or wider, W8A8 kernels quantize activations to 8 bits and auto never picks them.\n`,
  );
  printTargets(cells);
}

/** The cache-sized points of the bandwidth curve, as the floor uses them for a working set. */
function curveText(limits: RooflineLimits): string {
  const points = (limits.bandwidthCurve ?? []).slice(0, -1);
  return points.length === 0 ? 'no cache-sized points' : `a request's weights stream at the figure of the largest matrix not bigger than them: ${points.map((p) => `${(p.bytes / 2 ** 20).toFixed(0)} MiB ${p.gbPerS.toFixed(1)} GB/s`).join(', ')}`;
}

/** W8A16 when every kernel that served keeps activations 16-bit or wider; else W8A8 (never chosen by auto). */
function kernelClass(cell: Cell): string {
  if (cell.setup.label === W8A16_REFERENCE) return 'reference';
  return cell.ranKernels.every((k) => (W8A16_KERNELS as readonly string[]).includes(k)) ? 'W8A16' : 'W8A8 (outside auto)';
}

/** The issue's targets for ugsep-w8a16 auto against fp32 ugsep, from this run's paired ratios. */
function printTargets(cells: Cell[]): void {
  const auto = cells.filter((c) => c.setup.label === 'ugsep-w8a16 auto');
  if (auto.length === 0) return;
  process.stdout.write('\ntargets (ugsep-w8a16 auto vs fp32 ugsep, paired ratios of this run):\n');
  for (const c of auto) {
    const target = c.preset === 'wide' && c.N === 1 ? 2.8 : c.preset === 'wide' && c.N === 4 ? 2.3 : 0.97;
    const err = c.accuracy ? `, error vs W8A16 reference ${c.accuracy.vsW8a16.maxRelError.toExponential(1)} (bound ${c.accuracy.bound.toExponential(1)}: ${c.accuracy.vsW8a16.maxRelError <= c.accuracy.bound ? 'within' : 'OUTSIDE'}) [${c.ran}]` : '';
    process.stdout.write(`  ${c.preset} N=${c.N}: ${c.measured.toFixed(2)}x (target >= ${target}) ${c.measured >= target ? 'met' : 'NOT MET'}${err}\n`);
  }
}

const { limits: measuredLimits, cached, problems } = await machineLimits({ ...(args.threads !== undefined ? { threads: Number(args.threads) } : {}) });
if (measuredLimits.gemm.peakGflopPerS === null) throw new Error(`no GEMM limit: ${measuredLimits.gemm.unavailableReason}`);
const limits: RooflineLimits = rooflineLimits(measuredLimits)!; // the GEMM peak was checked just above
process.stderr.write(`machine limits (${cached ? 'cached' : 'measured now'}): ${measuredLimits.bandwidth.method}; CPU ${measuredLimits.machine.cpuBrand} [${(measuredLimits.machine.cpuFlags ?? []).join(' ')}]\n`);
for (const problem of problems) process.stderr.write(`machine limits not trustworthy: ${problem} (floors and p50/floor are then low; \`ugbench limits --remeasure\` on a quiet machine)\n`);
const cells: Cell[] = [];
for (const preset of args.presets.split(',')) {
  process.stderr.write(`bench:kernels ${preset}\n`);
  cells.push(...(await benchPreset(preset, limits)));
}
printTable(cells, limits);

if (args.tfjs !== 'none') {
  process.stderr.write(`bench:kernels tfjs-wasm ${args.tfjs}\n`);
  const tfjsCells = await benchTfjsKernels({ presets: args.tfjs.split(','), candidates: [1, 16, 64], timeMs: timeMs / 2, backend: 'tfjs-wasm', reference: false });
  process.stdout.write('\n');
  printTfjsTable(tfjsCells, 'tfjs-wasm');
}
