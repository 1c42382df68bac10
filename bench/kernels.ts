/**
 * `npm run bench:kernels`: forward latency of every variant on onnxruntime-node (CPU) at a few
 * candidate counts, with the measured speedup beside the cost model's prediction. A table, not
 * a test: numbers on a shared 2-core machine are noisy, so compare ratios within one run.
 *
 * Options: --presets small,wide  --time-ms 800 (per cell)  --threads n  --strict-wide (also time
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
    'time-ms': { type: 'string', default: '800' },
    threads: { type: 'string' },
    'strict-wide': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const timeMs = Number(args['time-ms']);
const threads = args.threads !== undefined ? { threads: Number(args.threads) } : {};

const SETUPS: Setup[] = [
  { label: 'baseline', variant: 'baseline', options: {}, against: 'baseline' },
  { label: 'baseline per-token', variant: 'baseline', options: { ffnLayout: 'per-token' }, against: 'baseline' },
  { label: 'ugsep monolithic', variant: 'ugsep', options: { execution: 'monolithic' }, against: 'baseline' },
  { label: 'ugsep', variant: 'ugsep', options: {}, against: 'baseline' },
  { label: 'ugsep per-token', variant: 'ugsep', options: { ffnLayout: 'per-token' }, against: 'baseline' },
  { label: 'ugsep-nocomp', variant: 'ugsep-nocomp', options: {}, against: 'baseline' },
  { label: 'ugsep-w8a16 qdq', variant: 'ugsep-w8a16', options: { int8Kernel: 'qdq' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 dynamic', variant: 'ugsep-w8a16', options: { int8Kernel: 'dynamic' }, against: 'ugsep' },
  { label: 'ugsep-w8a16 strict', variant: 'ugsep-w8a16', options: { int8Kernel: 'strict' }, against: 'ugsep', skip: args['strict-wide'] ? [] : ['wide'] },
];

interface Cell {
  preset: string;
  setup: Setup;
  N: number;
  meanMs: number;
  p50Ms: number;
  samples: number;
}

async function measure(runtime: ScoringRuntime, request: ScoringRequest): Promise<{ meanMs: number; p50Ms: number; samples: number }> {
  const bench = new Bench({ time: timeMs, iterations: 5, warmupTime: Math.min(200, timeMs / 4), warmupIterations: 2 });
  bench.add('forward', async () => {
    await runtime.score(request.userFeatures, request.groupFeatures);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') throw new Error(`benchmark did not complete: ${result?.state}`);
  return { meanMs: result.latency.mean, p50Ms: result.latency.p50, samples: result.latency.samples?.length ?? 0 };
}

async function benchPreset(preset: string): Promise<Cell[]> {
  const config = presetConfig(preset);
  const weights: ModelWeights = generateWeights(config, { seed: 1 });
  const cells: Cell[] = [];
  for (const setup of SETUPS) {
    if (setup.skip?.includes(preset)) continue;
    if (args.only !== undefined && !new RegExp(args.only).test(setup.label)) continue;
    const runtime = await createOrtRuntime(weights, setup.variant, { ...setup.options, ...threads });
    for (const N of CANDIDATES[preset] ?? []) {
      const request = syntheticRequest(config, 7, 'user-1', `request-${N}`, N);
      const m = await measure(runtime, request);
      cells.push({ preset, setup, N, ...m });
      process.stderr.write(`  ${preset} ${setup.label} N=${N}: ${m.p50Ms.toFixed(3)} ms (p50)\n`);
    }
    await runtime.dispose();
  }
  return cells;
}

function printTable(cells: Cell[]): void {
  const header = ['preset', 'variant', 'N', 'p50 ms', 'mean ms', 'vs', 'measured x', 'predicted x', 'realized/pred'];
  const rows: string[][] = [];
  for (const cell of cells) {
    const ref = cells.find((c) => c.preset === cell.preset && c.N === cell.N && c.setup.label === cell.setup.against);
    const measured = ref ? ref.p50Ms / cell.p50Ms : NaN;
    const config = presetConfig(cell.preset);
    // vs baseline: the FLOP prediction; w8a16 vs fp32 ugsep: the weight-bytes ratio (memory-bound bound).
    const predicted = cell.setup.against === 'baseline'
      ? cell.setup.options.execution === 'monolithic'
        ? requestCost({ config, variant: 'baseline', candidates: cell.N }).flops.total / requestCost({ config, variant: 'ugsep', candidates: cell.N, monolithic: true }).flops.total
        : predictedSpeedup(config, cell.setup.variant, cell.N)
      : requestCost({ config, variant: 'ugsep', candidates: cell.N }).weightBytes / requestCost({ config, variant: cell.setup.variant, candidates: cell.N }).weightBytes;
    rows.push([
      cell.preset,
      cell.setup.label,
      String(cell.N),
      cell.p50Ms.toFixed(3),
      cell.meanMs.toFixed(3),
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
      'Speedups use p50 latencies of the same run. ORT CPU, session.intra_op.spin_duration_us=50.\n',
  );
}

const cells: Cell[] = [];
for (const preset of String(args.presets).split(',')) {
  process.stderr.write(`bench:kernels ${preset}\n`);
  cells.push(...(await benchPreset(preset)));
}
printTable(cells);
