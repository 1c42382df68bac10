/**
 * Are side B's runs slower than side A's beyond the luck of which runs a busy machine hit? The
 * exact permutation test on per-run values: of all ways to split the runs into groups of |A|
 * and |B|, the share whose |difference of means| is at least the observed one. It assumes only
 * that, with no real change, the runs are exchangeable (ABBA order makes load spikes land on
 * either side alike); it assumes nothing about the shape of the noise. On a shared machine the
 * noise is heavy-tailed: three runs hit by a neighbour can all fall on one side, which a t
 * interval takes for a change and this test prices at its true chance (2 in 20 for 3 vs 3).
 * Exact up to `maxExact` splits, else that many seeded random splits.
 */
import { Rng } from '../../rng.ts';

export function permutationP(a: readonly number[], b: readonly number[], options: { maxExact?: number; seed?: number } = {}): number {
  const all = [...a, ...b];
  const total = all.reduce((s, v) => s + v, 0);
  const n = all.length;
  const k = a.length;
  if (k === 0 || k === n) return 1;
  const statistic = (sumA: number) => Math.abs((total - sumA) / (n - k) - sumA / k);
  const observed = statistic(a.reduce((s, v) => s + v, 0)) * (1 - 1e-12); // ties count as extreme
  const maxExact = options.maxExact ?? 20000;
  if (binomial(n, k) <= maxExact) {
    let extreme = 0;
    let splits = 0;
    const visit = (start: number, left: number, sumA: number) => {
      if (left === 0) {
        splits++;
        if (statistic(sumA) >= observed) extreme++;
        return;
      }
      for (let i = start; i <= n - left; i++) visit(i + 1, left - 1, sumA + (all[i] as number));
    };
    visit(0, k, 0);
    return extreme / splits;
  }
  const rng = new Rng(options.seed ?? 1).fork('permutation');
  const values = all.slice();
  let extreme = 0;
  for (let r = 0; r < maxExact; r++) {
    for (let i = 0; i < k; i++) {
      const j = rng.int(i, n - 1);
      [values[i], values[j]] = [values[j] as number, values[i] as number];
    }
    let sumA = 0;
    for (let i = 0; i < k; i++) sumA += values[i] as number;
    if (statistic(sumA) >= observed) extreme++;
  }
  return (extreme + 1) / (maxExact + 1);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}
