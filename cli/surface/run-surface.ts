/**
 * `ugbench surface`, wired: scenario -> for each runtime x variant one model instance (untimed
 * start) -> every cell of the grid, measured closed loop and warm -> the fit per variant -> a
 * results file whose `surface` section holds cells and fits (`runs` is empty: no traffic plan ran).
 */
import { HrClock, type Clock } from '../../harness/loadgen/clock.ts';
import { InputError, UnavailableError } from '../../harness/errors.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults, type MachineFacts, type SurfaceCell, type SurfaceVariant } from '../../harness/results/contract.ts';
import { gitFacts, machineFacts, packageVersions } from '../../harness/results/provenance.ts';
import { effectiveScenarioHash } from '../../harness/results/compare/same-setup.ts';
import { fitSurface } from '../../harness/results/surface.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import { createInstancePool } from '../../models/instances/pool.ts';
import { resolveRuntime, runtimeUnavailableReason, type RuntimeName } from '../../models/runtimes/registry.ts';
import type { Int8KernelChoice } from '../../models/onnx/options.ts';
import { VARIANT_TRAITS, type Variant } from '../../models/variants.ts';
import { packageVersion } from '../version.ts';
import { asVariant, checkScenarioNames, modelFor } from '../bench/resolve.ts';
import type { SurfaceGrid } from './grid.ts';
import { measureCell, SHAPE_WARMUP_REQUESTS, warmShapes, type CellContext } from './measure-cell.ts';

export interface SurfaceOptions {
  scenario: Scenario;
  scenarioPath: string | null;
  root: string;
  grid: SurfaceGrid;
  clock?: Clock;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** for tests: skip systeminformation */
  machine?: MachineFacts;
}

const VERSIONED_PACKAGES = ['onnxruntime-node', 'hdr-histogram-js', 'systeminformation', '@tensorflow/tfjs-core'];

export async function runSurface(o: SurfaceOptions): Promise<BenchResults> {
  const { scenario, grid } = o;
  const log = o.log ?? (() => {});
  checkScenarioNames(scenario, o.scenarioPath ?? scenario.name);
  if (scenario.target.kind !== 'in-process') throw new InputError('surface', ['target.kind: expected in-process (the surface measures model instances here), got http']);
  const machine = o.machine ?? (await machineFacts());
  const clock = o.clock ?? new HrClock();
  const createdAt = new Date().toISOString();
  const variants: SurfaceVariant[] = [];
  for (const spec of scenario.runtimes) {
    const runtime = await resolveRuntime(spec.name as RuntimeName | 'auto');
    const reason = await runtimeUnavailableReason(runtime);
    if (reason !== undefined) throw new UnavailableError(`runtime ${runtime}`, reason);
    const choice = modelFor(scenario, runtime, o.scenarioPath);
    const options = { ...(spec.int8Kernel ? { int8Kernel: spec.int8Kernel as Int8KernelChoice } : {}), ...(spec.int8AccuracyBound ? { int8AccuracyBound: spec.int8AccuracyBound } : {}), ...(spec.threads !== undefined ? { threads: spec.threads } : {}) };
    for (const variant of scenario.variants.map(asVariant)) {
      if (o.signal?.aborted) break;
      const weights = { weightsPath: choice.weightsPath, config: choice.config, seed: scenario.seed };
      // one instance: cells run one request at a time, so more would only sit idle
      const pool = await createInstancePool({ spec: { runtime, variant, weights, weightVariants: scenario.variants.map(asVariant), options }, instances: 1, clock });
      try {
        const entry = await measureVariant({ pool, config: pool.config, clock, seed: scenario.seed, grid, cacheUsed: VARIANT_TRAITS[variant].masked && pool.split, signal: o.signal }, variant, runtime, log);
        variants.push({ ...entry, runtimeFacts: { ...pool.info, runtime, instances: 1, details: { ...pool.info.details, engine: pool.info.runtime, model: choice.preset ?? (choice.weightsPath ? 'weights file' : 'custom') } } });
      } finally {
        await pool.close();
      }
    }
  }
  const aborted = o.signal?.aborted === true;
  const unfitted = variants.some((v) => v.fit === null);
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'ugbench', version: packageVersion(o.root) },
    createdAt,
    status: aborted ? 'aborted' : unfitted ? 'invalid' : 'valid',
    git: gitFacts(o.root),
    packages: packageVersions(o.root, VERSIONED_PACKAGES),
    machine,
    scenario: { path: o.scenarioPath, name: scenario.name, effective: scenario, hash: effectiveScenarioHash(scenario) },
    seeds: { scenario: scenario.seed, plan: scenario.seed, weights: scenario.seed, requests: scenario.seed },
    plan: surfacePlanFacts(variants, grid),
    runs: [],
    surface: { model: 't = a + b*N + (1 - hit)*c_user', statistic: 'mean serviceUs', grid: { ...grid }, variants },
  };
}

/** Every cell of the grid on one variant, then its fit. */
async function measureVariant(ctx: CellContext, variant: Variant, runtime: string, log: (line: string) => void): Promise<Omit<SurfaceVariant, 'runtimeFacts'>> {
  const hitRates: (number | null)[] = ctx.cacheUsed ? ctx.grid.hitRates : [null];
  const cells: SurfaceCell[] = [];
  const started = Date.now();
  await warmShapes(ctx);
  for (const candidates of ctx.grid.candidates) {
    for (const hit of hitRates) {
      if (ctx.signal?.aborted) break;
      const cell = await measureCell(ctx, candidates, hit);
      if (cell.errored > 0) log(`${variant}@${runtime}: N=${candidates}${hit === null ? '' : ` hit ${hit}`}: ${cell.errored} requests errored; the cell is left out of the fit`);
      cells.push(cell);
    }
  }
  const used = cells.filter((c) => c.used);
  const outcome = fitSurface(
    used.map((c) => ({ candidates: c.candidates, hitRate: c.hitRate, meanUs: c.serviceUs.meanUs })),
    ctx.cacheUsed,
  );
  if (outcome.ok) {
    used.forEach((c, i) => {
      c.fittedUs = outcome.fittedUs[i]!;
      c.residualUs = c.serviceUs.meanUs - c.fittedUs;
    });
  }
  log(`${variant}@${runtime}: ${cells.length} cells in ${((Date.now() - started) / 1000).toFixed(1)} s${outcome.ok ? '' : `; no fit: ${outcome.problem}`}`);
  return { variant, runtime, cacheUsed: ctx.cacheUsed, cells, fit: outcome.ok ? outcome.fit : null, ...(outcome.ok ? {} : { fitProblem: outcome.problem }) };
}

/**
 * The plan facts of the whole surface: every cell's measured requests, the untimed ones (each
 * cell's warm-up and each variant's shape warm-up: a miss and a hit per candidate count), and the
 * measured window as planned (each cell's cap; warm-up is a count, not a time).
 */
function surfacePlanFacts(variants: readonly SurfaceVariant[], grid: SurfaceGrid): BenchResults['plan'] {
  const cells = variants.flatMap((v) => v.cells);
  const measuredArrivals = cells.reduce((s, c) => s + c.n + c.errored, 0);
  const candidates = cells.reduce((s, c) => s + c.candidates * (c.n + c.errored), 0);
  return {
    measuredArrivals,
    warmupArrivals: cells.length * grid.warmupRequestsPerCell + variants.length * SHAPE_WARMUP_REQUESTS * grid.candidates.length,
    warmupS: 0,
    durationS: cells.length * grid.maxCellS,
    meanCandidates: measuredArrivals > 0 ? candidates / measuredArrivals : 0,
    distinctUsers: cells.reduce((s, c) => s + c.users, 0),
  };
}
