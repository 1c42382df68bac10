/**
 * The single-thread oracle for the instance tests: every request of `plan` scored by `runtime` on
 * this thread, in order. With `cached`, one user state per user (built from that user's first
 * request), as a cross-request cache would keep it; `stateOf` maps a user to the state it is
 * scored with (a wrong mapping is the tests' negative control).
 */
import type { ScoringRuntime, UserStateHandle } from '../../../models/runtimes/runtime.ts';
import type { prepareRequestSamples } from '../../../models/sut/samples.ts';

type Samples = ReturnType<typeof prepareRequestSamples>;
interface Plan {
  count: number;
  userId: Uint32Array;
}

export async function singleThreadScores(runtime: ScoringRuntime, samples: Samples, plan: Plan, cached: boolean, stateOf: (user: number) => number = (u) => u): Promise<Float32Array[]> {
  const states = new Map<number, UserStateHandle>();
  const out: Float32Array[] = [];
  for (let i = 0; i < plan.count; i++) {
    const t = samples.get(i);
    if (!cached) {
      out.push(await runtime.score(t.userFeatures, t.groupFeatures));
      continue;
    }
    const user = stateOf(plan.userId[i]!);
    let state = states.get(user);
    if (!state) states.set(user, (state = await runtime.userPass!(samples.get(plan.userId.indexOf(user)).userFeatures)));
    out.push(await runtime.groupPass!(state, t.groupFeatures));
  }
  for (const s of states.values()) s.dispose?.();
  return out;
}
