/**
 * The registry of systems under test: one runtime of the scenario (in process, or a target over
 * HTTP) resolved into one BenchSystem per variant, all alive at once (the paired phase scores
 * every variant back to back). Whatever the target, a system is measured, judged and assembled
 * by the same code (measureSystem), so the in-process and HTTP paths share one assembly.
 */
import type { Clock } from '../../harness/loadgen/clock.ts';
import type { CandidateBucket } from '../../harness/loadgen/candidate-buckets.ts';
import type { ExecutorRecord } from '../../harness/loadgen/executors/executor.ts';
import type { SystemUnderTest } from '../../harness/loadgen/sut.ts';
import type { TrafficPlan } from '../../harness/loadgen/traffic/plan.ts';
import type { ParitySampler } from '../../harness/results/parity/sampler.ts';
import type { ParityFacts, RunResult } from '../../harness/results/contract.ts';
import { toRunResult, type RunIdentity } from '../../harness/results/run-result.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { RuntimeName, RuntimeOptions } from '../../models/runtimes/registry.ts';
import type { Variant } from '../../models/variants.ts';
import type { ModelWeights } from '../../models/weights/layout.ts';
import { runDoneLine } from './assemble.ts';
import type { Progress } from './progress.ts';
import type { ModelChoice } from './resolve.ts';
import type { WarmInstances } from './warm.ts';
import type { BatchingPolicy } from '../../models/instances/batcher.ts';

/** A scenario runtime, resolved and checked available. */
export interface ResolvedRuntime {
  requested: string;
  name: RuntimeName;
  threads?: number;
  instances: number;
  parallelRequests: number;
  int8: RuntimeOptions;
  /** dynamic batching, when the scenario asks for it */
  batching?: BatchingPolicy;
}

/** What opening a target needs: the run's shared facts and one runtime's model. */
export interface TargetContext {
  scenario: Scenario;
  plan: TrafficPlan;
  /** the whole run's buckets (a shard's plan is part of the run's) */
  buckets: readonly CandidateBucket[];
  clock: Clock;
  variants: Variant[];
  /** project root (bin/ugbench.mjs starts a local server) */
  root: string;
  runtime: ResolvedRuntime;
  choice: ModelChoice;
  weights: ModelWeights;
  log: (line: string) => void;
  /** in process: reuse (and leave open) these pools across benches (`ugbench sweep`) */
  warm?: WarmInstances;
}

export interface MeasureHooks {
  signal?: AbortSignal;
  onProgress?: (done: number, planned: number) => void;
}

export interface BenchSystem {
  /** `${variant}@${runtime}` */
  label: string;
  variant: Variant;
  identity: RunIdentity;
  /** logged as the measured run starts */
  startLine: string;
  /** the warm-up and the measured run of the scenario's executor */
  measure(hooks: MeasureHooks): Promise<ExecutorRecord>;
  /** whose cross-request cache counters the results report (absent: from the completions) */
  cacheSource?: Pick<SystemUnderTest, 'cache'>;
  /** the same model without a cross-request cache, for the paired phase (absent: none possible) */
  pairedSut?: SystemUnderTest;
  /** the scores kept during the run, checked after it (untimed) */
  parity?: { sampler: ParitySampler; check: () => Promise<ParityFacts> };
  /** after the run: free what it cached */
  afterRun?: () => void;
}

export interface BenchTarget {
  runtimeName: string;
  systems: BenchSystem[];
  /** a remote fleet is measured once, whatever the scenario's runtimes */
  onlyOnce: boolean;
  /** why there is no paired phase on this target, when there is none */
  pairedUnavailable?: string;
  close(): Promise<void>;
}

/** Resolve one runtime of the scenario into its systems under test (in process or over HTTP). */
export async function openTarget(ctx: TargetContext): Promise<BenchTarget> {
  if (ctx.scenario.target.kind === 'http') {
    // the HTTP clients (undici, autocannon) load only for a served or remote target
    const { openHttpTarget } = await import('./http-target.ts');
    return openHttpTarget(ctx, ctx.scenario.target);
  }
  const { openInProcessTarget } = await import('./in-process-target.ts');
  return openInProcessTarget(ctx);
}

export interface MeasureContext extends MeasureHooks {
  scenario: Scenario;
  plan: TrafficPlan;
  progress?: Progress;
  log: (line: string) => void;
}

/** One system's measured run, judged and assembled into its RunResult: the same for every target. */
export async function measureSystem(system: BenchSystem, m: MeasureContext): Promise<RunResult> {
  m.log(system.startLine);
  m.progress?.start(system.label, m.plan.count - m.plan.warmupCount);
  const record = await system.measure({ signal: m.signal, onProgress: (d, p) => m.progress?.update(d, p) });
  m.progress?.stop();
  const run = toRunResult(record, system.cacheSource, system.identity, m.scenario);
  system.afterRun?.();
  if (system.parity) {
    m.log(`${system.label}: parity check of ${system.parity.sampler.samples().length} sampled requests (untimed)`);
    run.parity = await system.parity.check();
  }
  m.log(runDoneLine(system.label, run));
  return run;
}
