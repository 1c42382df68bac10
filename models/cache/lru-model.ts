/**
 * Analytic LRU hit rate (Che's approximation) for independent requests from a popularity
 * distribution: the cache behaves as if every item stays for a characteristic time Tc with
 * sum_i (1 - e^(-p_i Tc)) = C, and item i hits with probability 1 - e^(-p_i Tc).
 * Accurate to a few tenths of a point for Zipf popularity; used to check the simulated cache
 * and for what-if capacity figures.
 */
export function lruHitRate(probabilities: Float64Array, capacityUsers: number): number {
  const n = probabilities.length;
  if (capacityUsers >= n) return 1;
  if (capacityUsers <= 0) return 0;
  const occupancy = (tc: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += 1 - Math.exp(-probabilities[i]! * tc);
    return sum;
  };
  let lo = 0;
  let hi = 1;
  while (occupancy(hi) < capacityUsers) hi *= 2;
  for (let iter = 0; iter < 100; iter++) {
    const mid = (lo + hi) / 2;
    if (occupancy(mid) < capacityUsers) lo = mid;
    else hi = mid;
  }
  const tc = (lo + hi) / 2;
  let hit = 0;
  for (let i = 0; i < n; i++) hit += probabilities[i]! * (1 - Math.exp(-probabilities[i]! * tc));
  return hit;
}
