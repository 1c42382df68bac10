/**
 * Shard results files -> one results file for the whole run (issue 9). Checks the shards belong
 * together (harness/results/merge/check-shards.ts), merges each run across shards
 * (harness/results/merge/merge-runs.ts) and re-derives the file's facts. A missing shard, or a run some
 * shard lacks, makes the merge INVALID with the reason: never a silently smaller run.
 */
import { InputError } from '../../errors.ts';
import type { BenchResults, PlanFacts, RunResult } from '../contract.ts';
import { parseScenario } from '../../scenario/load.ts';
import { overallStatus } from '../judge.ts';
import { checkShards, type ShardFile } from './check-shards.ts';
import { mergeRun, type ShardRun } from './merge-runs.ts';

export function mergeShardResults(files: readonly ShardFile[]): BenchResults {
  const { count, missing } = checkShards(files);
  const shards = [...files].sort((a, b) => a.results.shard!.index - b.results.shard!.index);
  const ref = shards[0]!.results;
  const scenario = parseEffective(ref, shards[0]!.source);
  const label = (f: ShardFile): string => `shard ${f.results.shard!.index}/${count}`;

  const fileReasons = missing.map((i) => `shard ${i}/${count} missing: its users' traffic is not in these totals`);
  // runs in the first shard's order, then any only later shards have
  const ids = [...new Set(shards.flatMap((f) => f.results.runs.map((r) => r.id)))];
  const runs: RunResult[] = ids.map((id) => {
    const parts: ShardRun[] = [];
    const reasons = [...fileReasons];
    for (const f of shards) {
      const run = f.results.runs.find((r) => r.id === id);
      if (run) parts.push({ shardLabel: label(f), run });
      else reasons.push(`${label(f)} has no run ${id} (stopped early?): its users' traffic is not in these totals`);
    }
    return mergeRun(parts, scenario, reasons);
  });

  const starts = shards.map((f) => Date.parse(f.results.createdAt)).filter(Number.isFinite);
  const statuses = runs.map((r) => r.validity.status);
  return {
    schemaVersion: ref.schemaVersion,
    tool: ref.tool,
    createdAt: new Date(Math.min(...starts)).toISOString(),
    status: overallStatus(missing.length > 0 ? [...statuses, 'invalid'] : statuses),
    git: ref.git,
    packages: ref.packages,
    machine: ref.machine,
    scenario: ref.scenario,
    seeds: ref.seeds,
    plan: mergePlanFacts(shards.map((f) => f.results.plan)),
    ...(ref.planDigest !== undefined ? { planDigest: ref.planDigest } : {}),
    merged: {
      count,
      shards: shards.map((f) => ({ index: f.results.shard!.index, createdAt: f.results.createdAt, status: f.results.status, source: f.source })),
      missing,
      startSpreadS: starts.length > 0 ? (Math.max(...starts) - Math.min(...starts)) / 1000 : 0,
    },
    runs,
  };
}

/** Shards hold disjoint arrivals and disjoint users, so arrival and user counts add. */
function mergePlanFacts(parts: readonly PlanFacts[]): PlanFacts {
  const measured = parts.reduce((s, p) => s + p.measuredArrivals, 0);
  return {
    measuredArrivals: measured,
    warmupArrivals: parts.reduce((s, p) => s + p.warmupArrivals, 0),
    warmupS: parts[0]!.warmupS,
    durationS: parts[0]!.durationS,
    meanCandidates: measured > 0 ? parts.reduce((s, p) => s + p.meanCandidates * p.measuredArrivals, 0) / measured : 0,
    distinctUsers: parts.reduce((s, p) => s + p.distinctUsers, 0),
  };
}

/** The whole run's scenario (validity and SLO are judged against it), re-validated from the file. */
function parseEffective(results: BenchResults, source: string): ReturnType<typeof parseScenario> {
  try {
    return parseScenario(results.scenario.effective, `${source} scenario.effective`);
  } catch (error) {
    if (error instanceof InputError) throw new InputError('merge', [error.message]);
    throw error;
  }
}
