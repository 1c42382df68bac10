/** Intra-op threads per instance when the scenario does not say. */
import { availableParallelism } from 'node:os';

/**
 * One instance keeps today's meaning (all cores: the runtime's own default, so undefined); K
 * instances share the cores, at least one thread each, so they do not oversubscribe the machine.
 */
export function threadsPerInstance(instances: number, threads: number | undefined): number | undefined {
  if (threads !== undefined || instances <= 1) return threads;
  return Math.max(1, Math.floor(availableParallelism() / instances));
}
