/**
 * One surface cell on one variant's model instance: a fresh in-process SUT (its own cache) over
 * the cell's plan and sample library, the warm-up entries issued untimed, then the closed-loop
 * executor (one client) for the measured ones. What the cell keeps is the SUT's own service time
 * (compute only: no queueing at one request in flight) and the hits and misses it realised.
 */
import type { Clock } from '../../harness/loadgen/clock.ts';
import { runClosedLoop } from '../../harness/loadgen/executors/closed-loop.ts';
import { createLatencyHistogram, summarize } from '../../harness/loadgen/histogram.ts';
import type { SurfaceCell } from '../../harness/results/contract.ts';
import type { ModelConfig } from '../../models/config.ts';
import type { InstancePool } from '../../models/instances/pool.ts';
import { clearSutCache, createInProcessSut } from '../../models/sut/in-process.ts';
import { prepareRequestSamples } from '../../models/sut/samples.ts';
import { cellPlan } from './cell-plan.ts';
import type { SurfaceGrid } from './grid.ts';

export interface CellContext {
  pool: InstancePool;
  config: ModelConfig;
  clock: Clock;
  seed: number;
  grid: SurfaceGrid;
  /** a cross-request cache makes the hits (split variants); else hit rate does not apply */
  cacheUsed: boolean;
  signal?: AbortSignal;
}

/**
 * Before a variant's first cell: a miss and a hit at every candidate count of the grid, untimed,
 * so the first cells do not carry the runtime's first-call costs at a new shape (JIT, allocation).
 */
export const SHAPE_WARMUP_REQUESTS = 2;

export async function warmShapes(ctx: CellContext): Promise<void> {
  for (const candidates of ctx.grid.candidates) {
    const plan = cellPlan({ candidates, hitRate: null, warmupRequests: SHAPE_WARMUP_REQUESTS, requests: 0, maxCellS: ctx.grid.maxCellS, seed: ctx.seed });
    const samples = prepareRequestSamples(ctx.config, ctx.seed, plan);
    const sut = createInProcessSut({ pool: ctx.pool, samples, cache: ctx.cacheUsed ? { clock: ctx.clock, limits: {} } : undefined });
    try {
      for (let i = 0; i < plan.count; i++) await sut.issue({ index: i, userId: plan.userId[i]!, candidates });
    } finally {
      clearSutCache(sut);
    }
  }
}

/** The cell measured; `fittedUs`/`residualUs` are filled in by the fit. */
export async function measureCell(ctx: CellContext, candidates: number, targetHitRate: number | null): Promise<SurfaceCell> {
  const { grid } = ctx;
  const plan = cellPlan({ candidates, hitRate: targetHitRate, warmupRequests: grid.warmupRequestsPerCell, requests: grid.requestsPerCell, maxCellS: grid.maxCellS, seed: ctx.seed });
  const samples = prepareRequestSamples(ctx.config, ctx.seed, plan); // untimed
  // no capacity or TTL: the plan alone decides hits, and a cell holds at most a few hundred users
  const sut = createInProcessSut({ pool: ctx.pool, samples, cache: ctx.cacheUsed ? { clock: ctx.clock, limits: {} } : undefined });
  try {
    for (let i = 0; i < plan.warmupCount; i++) await sut.issue({ index: i, userId: plan.userId[i]!, candidates });
    const record = await runClosedLoop({
      clock: ctx.clock,
      plan,
      sut,
      concurrency: 1,
      inFlightLimit: 1,
      lateThresholdUs: Number.POSITIVE_INFINITY,
      signal: ctx.signal,
      onMeasuredStart: () => sut.cache?.resetCounters(),
    });
    const mix = record.recorder.mix();
    const service = record.recorder.all.timings.get('service') ?? createLatencyHistogram();
    const n = service.totalCount;
    const errored = record.recorder.counts.errored;
    const decided = mix.hit.requests + mix.miss.requests;
    const issued = plan.userId.subarray(plan.warmupCount, plan.warmupCount + n + errored);
    return {
      candidates,
      targetHitRate: ctx.cacheUsed ? targetHitRate : null,
      hitRate: ctx.cacheUsed && decided > 0 ? mix.hit.requests / decided : null,
      hits: mix.hit.requests,
      misses: mix.miss.requests,
      n,
      errored,
      users: new Set(issued).size,
      serviceUs: summarize(service),
      used: n >= grid.minRequestsPerCell && errored === 0 && (!ctx.cacheUsed || decided > 0),
      fittedUs: null,
      residualUs: null,
    };
  } finally {
    clearSutCache(sut);
  }
}
