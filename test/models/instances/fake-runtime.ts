/**
 * A runtime for instance tests, loaded inside the worker through InstanceSpec.factoryModule.
 * score() blocks its thread synchronously (as ORT's session.run does) until the test releases
 * the shared gate, so tests order events with explicit signals instead of timing bounds.
 * Shared gate, Int32Array over a SharedArrayBuffer: [0] computations started, [1] released
 * (0/1), [2] computations finished. Scores: the sum of each candidate's features.
 */
import type { InstanceSpec } from '../../../models/instances/messages.ts';
import { presetConfig } from '../../../models/presets.ts';
import { promised, type ScoringRuntime, type UserStateHandle } from '../../../models/runtimes/runtime.ts';

export interface FakeRuntimeOptions {
  gate: SharedArrayBuffer;
  /** longest a computation blocks when never released, ms */
  holdMs: number;
}

export const GATE_STARTED = 0;
export const GATE_RELEASED = 1;
export const GATE_FINISHED = 2;

export function createInstanceRuntime(spec: InstanceSpec): Promise<ScoringRuntime> {
  const { gate: buffer, holdMs } = spec.factoryOptions as FakeRuntimeOptions;
  const gate = new Int32Array(buffer);
  const config = presetConfig('tiny');
  const score = (_user: Float32Array, group: Float32Array): Promise<Float32Array> =>
    promised(() => {
      Atomics.add(gate, GATE_STARTED, 1);
      Atomics.notify(gate, GATE_STARTED);
      Atomics.wait(gate, GATE_RELEASED, 0, holdMs); // blocks this thread, like a synchronous session.run
      const N = group.length / config.Fg;
      const scores = new Float32Array(N);
      for (let n = 0; n < N; n++) for (let i = 0; i < config.Fg; i++) scores[n]! += group[n * config.Fg + i]!;
      Atomics.add(gate, GATE_FINISHED, 1);
      return scores;
    });
  const runtime: ScoringRuntime = {
    info: { runtime: 'fake', provider: 'test', threads: 1, weightPrecision: 'fp32', activationPrecision: 'fp32', details: {} },
    variant: spec.variant,
    config,
    score,
    dispose: () => Promise.resolve(),
  };
  if (spec.variant !== 'baseline') {
    // split form: the "state" is the user's first feature; the group pass adds it to every score
    runtime.userPass = (user) => Promise.resolve({ bytes: 4, first: user[0] ?? 0 } as UserStateHandle);
    runtime.groupPass = async (state, group) => (await score(new Float32Array(0), group)).map((v) => v + (state as UserStateHandle & { first: number }).first);
  }
  return Promise.resolve(runtime);
}

/** A gate and the spec of a pool of fake instances sharing it. */
export function fakeSpec(holdMs: number, variant: 'baseline' | 'ugsep' = 'baseline'): { gate: Int32Array; spec: InstanceSpec } {
  const buffer = new SharedArrayBuffer(3 * 4);
  const options: FakeRuntimeOptions = { gate: buffer, holdMs };
  return {
    gate: new Int32Array(buffer),
    spec: {
      runtime: 'reference',
      variant,
      weights: { preset: 'tiny', seed: 1 },
      weightVariants: ['baseline'],
      options: {},
      factoryModule: new URL('./fake-runtime.ts', import.meta.url).href,
      factoryOptions: options,
    },
  };
}

// Node 20 has Atomics.waitAsync; the repo's TypeScript lib (es2022) does not declare it.
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, index: number, value: number) => { value: Promise<string> | string } }).waitAsync;

/** Resolve once at least `count` computations have started (no polling interval to tune). */
export async function startedAtLeast(gate: Int32Array, count: number): Promise<void> {
  for (;;) {
    const seen = Atomics.load(gate, GATE_STARTED);
    if (seen >= count) return;
    await waitAsync(gate, GATE_STARTED, seen).value;
  }
}

export function release(gate: Int32Array): void {
  Atomics.store(gate, GATE_RELEASED, 1);
  Atomics.notify(gate, GATE_RELEASED);
}
