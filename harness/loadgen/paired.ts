/**
 * The paired, interleaved phase: a seeded sample of the plan's requests, spread over the
 * candidate buckets, each issued to every system under test back to back, one request at a time
 * (each system idle when its turn comes), in an order that rotates per request (A B C, B C A,
 * C A B, ...) so no variant always runs first or last after another. What comes back is the
 * service time each system reported for the same request: pairs whose ratio is the model's
 * speedup, with the machine's drift hitting every variant of a request alike.
 *
 * It knows only the SUT interface. The systems must not use a cross-request cache (their
 * completions must not report a cache outcome): the caller hands in systems built without one.
 */
import { Rng } from '../rng.ts';
import { bucketOf, type CandidateBucket } from './candidate-buckets.ts';
import type { Completion, SystemUnderTest } from './sut.ts';

export interface PairedSystem {
  name: string;
  sut: SystemUnderTest;
}

/**
 * One plan request scored by every variant: service time (compute inside the instance) per
 * variant, µs. The results file stores these as they are (`paired.samples`,
 * harness/results/contract.ts).
 */
export interface PairedSample {
  /** index into the traffic plan */
  index: number;
  userId: number;
  candidates: number;
  /** label of its candidate bucket */
  bucket: string;
  /** the order the variants ran in for this request */
  order: string[];
  serviceUs: Record<string, number>;
}

export interface PairedRun {
  rows: PairedSample[];
  /** sampled requests left out, with why (an errored completion, no service time reported) */
  excluded: { index: number; reason: string }[];
}

interface PlanView {
  count: number;
  warmupCount: number;
  userId: Uint32Array;
  candidates: Uint32Array;
}

/**
 * Up to `perBucket` measured plan indices from every bucket (seeded, without replacement), in a
 * seeded random order so the buckets are spread over the phase rather than run one after another.
 */
export function pairedSampleIndices(plan: PlanView, buckets: readonly CandidateBucket[], perBucket: number, seed: number): number[] {
  const rng = new Rng(`${seed}:paired`);
  const byBucket = new Map<string, number[]>(buckets.map((b) => [b.label, []]));
  for (let i = plan.warmupCount; i < plan.count; i++) byBucket.get(bucketOf(buckets, plan.candidates[i]!).label)!.push(i);
  const chosen: number[] = [];
  for (const indices of byBucket.values()) chosen.push(...shuffle(indices, rng).slice(0, perBucket));
  return shuffle(chosen, rng);
}

/** The order of request `i`: the systems rotated left by i. */
export function rotation<T>(items: readonly T[], i: number): T[] {
  const k = items.length === 0 ? 0 : i % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export interface PairedRunOptions {
  systems: readonly PairedSystem[];
  plan: PlanView;
  buckets: readonly CandidateBucket[];
  /** plan indices to score, in order (pairedSampleIndices) */
  indices: readonly number[];
  /** untimed requests per system before the first pair (first-call effects); default 2 */
  warmupPerSystem?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, planned: number) => void;
}

/** The time the SUT spent computing this request: its own measurement, else the server's. */
export function serviceTimeUs(c: Completion): number | undefined {
  return c.timingsUs?.serviceUs ?? c.serverComputeUs;
}

export async function runPaired(o: PairedRunOptions): Promise<PairedRun> {
  const query = (index: number) => ({ index, userId: o.plan.userId[index]!, candidates: o.plan.candidates[index]! });
  for (const s of o.systems) for (const index of o.indices.slice(0, o.warmupPerSystem ?? 2)) await s.sut.issue(query(index));
  const rows: PairedSample[] = [];
  const excluded: PairedRun['excluded'] = [];
  for (const [i, index] of o.indices.entries()) {
    if (o.signal?.aborted) break;
    const order = rotation(o.systems, i);
    const serviceUs: Record<string, number> = {};
    let reason: string | undefined;
    for (const s of order) {
      const c = await s.sut.issue(query(index));
      const us = serviceTimeUs(c);
      if (c.status === 'errored') reason ??= `${s.name}: ${c.error}`;
      else if (c.cacheHit !== null) throw new Error(`paired phase: ${s.name} consulted a cross-request cache; the paired systems must be built without one`);
      else if (us === undefined) reason ??= `${s.name}: reported no service time`;
      else serviceUs[s.name] = us;
    }
    const q = query(index);
    if (reason === undefined) rows.push({ ...q, bucket: bucketOf(o.buckets, q.candidates).label, order: order.map((s) => s.name), serviceUs });
    else excluded.push({ index, reason });
    o.onProgress?.(i + 1, o.indices.length);
  }
  return { rows, excluded };
}

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
