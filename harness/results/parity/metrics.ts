/**
 * Pure parity metrics between two score vectors of one request (same candidates, same order):
 * how far a variant's scores moved (drift) and whether the ranking it serves changed (top-k
 * overlap, Kendall tau). A ranking model is judged by its order, so a variant can have small
 * drift and still reorder near-ties; both kinds of figure are kept.
 */

type Scores = ArrayLike<number>;

function checkSameLength(a: Scores, b: Scores): void {
  if (a.length !== b.length) throw new RangeError(`score vectors differ in length: ${a.length} vs ${b.length}`);
}

/** Largest and mean |a[i] - b[i]|; zeros for empty input. */
export function scoreDrift(a: Scores, b: Scores): { maxAbs: number; meanAbs: number } {
  checkSameLength(a, b);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (d > max) max = d;
    sum += d;
  }
  return { maxAbs: max, meanAbs: a.length === 0 ? 0 : sum / a.length };
}

/** Indices of the k largest scores (ties broken by lower index, so the result is deterministic). */
export function topKIndices(scores: Scores, k: number): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((i, j) => (scores[j] as number) - (scores[i] as number) || i - j);
  return order.slice(0, Math.min(k, scores.length));
}

/** |top-k(a) ∩ top-k(b)| / min(k, n): 1 when both serve the same k items. Empty input gives 1. */
export function topKOverlap(a: Scores, b: Scores, k: number): number {
  checkSameLength(a, b);
  const kk = Math.min(k, a.length);
  if (kk === 0) return 1;
  const top = new Set(topKIndices(a, kk));
  let shared = 0;
  for (const i of topKIndices(b, kk)) if (top.has(i)) shared++;
  return shared / kk;
}

/**
 * Kendall tau-b between the orders of a and b (ties in either vector handled as in tau-b).
 * O(n²): requests carry hundreds of candidates and only a sample is checked, after the run.
 * Returns 1 when n < 2 or when either vector is constant (nothing to disagree about).
 */
export function kendallTau(a: Scores, b: Scores): number {
  checkSameLength(a, b);
  const n = a.length;
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign((a[i] as number) - (a[j] as number));
      const db = Math.sign((b[i] as number) - (b[j] as number));
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denominator === 0 ? 1 : (concordant - discordant) / denominator;
}
