/**
 * Capacity arithmetic, pure: from one variant's measured peak sustainable rate (per replica,
 * under the SLO) to replicas, cost and cache memory at a target peak traffic.
 *
 *   usable rate per replica  = peakQps x (1 - headroom)      headroom absorbs bursts and failover
 *   replicas                 = ceil(targetQps / usable)
 *   cost per 1M candidates   = replicas x costPerHour / (targetQps x meanCandidates x 3600) x 1e6
 *                              (what the fleet provisioned for the peak costs per unit of work)
 *   user-state cache memory  = activeUsers x stateBytesPerUser
 */

export interface CapacityInput {
  /** measured peak sustainable requests/s of one replica under the SLO */
  peakQpsPerReplica: number;
  /** mean candidates per request in the measured traffic */
  meanCandidates: number;
  /** bytes of one user's cached state (null: nothing to cache, e.g. baseline) */
  stateBytesPerUser: number | null;
}

export interface CapacityAsk {
  /** fleet peak, requests/s */
  targetQps: number;
  /** share of each replica's peak kept free, in [0, 1); default 0.3 */
  headroom?: number;
  /** price of one replica-hour, any currency; null: no cost figures */
  replicaCostPerHour?: number | null;
  /** users whose state a cross-request cache would hold; null: no memory figure */
  activeUsers?: number | null;
}

export interface CapacityPlan {
  usableQpsPerReplica: number;
  replicas: number;
  /** fleet utilisation at the target: targetQps / (replicas x peak) */
  utilisation: number;
  costPerHour: number | null;
  costPerMillionCandidates: number | null;
  cacheBytes: number | null;
}

export function planCapacity(input: CapacityInput, ask: CapacityAsk): CapacityPlan {
  const headroom = ask.headroom ?? 0.3;
  if (!(headroom >= 0 && headroom < 1)) throw new RangeError(`headroom: expected a number in [0, 1), got ${headroom}`);
  if (!(input.peakQpsPerReplica > 0)) throw new RangeError(`peak: expected a rate > 0, got ${input.peakQpsPerReplica}`);
  const usable = input.peakQpsPerReplica * (1 - headroom);
  // a tiny epsilon so 100 / (125 x 0.8) = 1 replica does not become 2 by rounding
  const replicas = Math.max(1, Math.ceil(ask.targetQps / usable - 1e-9));
  const cost = ask.replicaCostPerHour ?? null;
  const candidatesPerHour = ask.targetQps * input.meanCandidates * 3600;
  return {
    usableQpsPerReplica: usable,
    replicas,
    utilisation: ask.targetQps / (replicas * input.peakQpsPerReplica),
    costPerHour: cost === null ? null : replicas * cost,
    costPerMillionCandidates: cost === null || candidatesPerHour === 0 ? null : ((replicas * cost) / candidatesPerHour) * 1e6,
    cacheBytes: ask.activeUsers == null || input.stateBytesPerUser === null ? null : ask.activeUsers * input.stateBytesPerUser,
  };
}
