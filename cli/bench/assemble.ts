/**
 * The parts of a run's identity that do not depend on where requests went (in process or over
 * HTTP): what the model is (state size, cost closure, model facts), the user-cache facts, and
 * the line logged when a run is done. runBench and runHttpVariants both assemble through here.
 */
import type { RunResult, UserCacheFacts } from '../../harness/results/contract.ts';
import type { RunIdentity } from '../../harness/results/run-result.ts';
import type { Scenario } from '../../harness/scenario/schema.ts';
import type { ModelConfig } from '../../models/config.ts';
import { userStateBytes } from '../../models/cost.ts';
import { costFacts, modelFacts } from '../../models/sut/cost-facts.ts';
import type { Variant } from '../../models/variants.ts';

/** Cost closure and model facts of one variant on one model. */
export function modelIdentity(config: ModelConfig, variant: Variant, weightsSha256: string | null): Pick<RunIdentity, 'cost' | 'model'> {
  return { cost: (mix, rps) => costFacts(config, variant, mix, rps), model: modelFacts(config, variant, weightsSha256) };
}

/**
 * Static user-cache facts. `budgetApplies`: the scenario's capacity and TTL were given to a cache
 * ugbench configured (in process, or its own local server) and no forced hit rate replaced them.
 */
export function userCacheFacts(scenario: Scenario, config: ModelConfig, variant: Variant, used: boolean, budgetApplies: boolean): RunIdentity['userCache'] {
  return cacheFactsFor(scenario, userStateBytes(config, variant), used, budgetApplies);
}

/** The same facts for any model, given the bytes of one user's state (0: no user state). */
export function cacheFactsFor(scenario: Scenario, stateBytes: number, used: boolean, budgetApplies: boolean): RunIdentity['userCache'] {
  const c = scenario.cache;
  const budget = budgetApplies && c.forcedHitRate === undefined;
  const facts: Omit<UserCacheFacts, 'hits' | 'misses' | 'evictions' | 'expirations' | 'peakBytes'> = {
    used,
    capacityBytes: budget ? (c.capacityBytes ?? null) : null,
    capacityUsers: budget ? (c.capacityUsers ?? null) : null,
    ttlMs: budget && c.ttlS !== undefined ? c.ttlS * 1000 : null,
    forcedHitRate: used ? (c.forcedHitRate ?? null) : null,
    stateBytesPerUser: stateBytes > 0 ? stateBytes : null,
  };
  return facts;
}

export function runDoneLine(label: string, run: RunResult): string {
  return `${label}: ${run.counts.completed} completed, ${run.counts.errored} errored, ${run.counts.dropped} dropped, p99 ${(run.latencyUs.overall.p99Us / 1000).toFixed(2)} ms, ${run.validity.status}`;
}
