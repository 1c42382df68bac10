/**
 * Can these shard files be merged? They must be shards (not whole runs) of one run: the same
 * effective scenario, seeds, shard count and plan, each index once. Any of those wrong is bad
 * input (exit 104) and every problem is named with its files. A missing index is not refused:
 * the merge goes ahead and is INVALID (exit 98), because the totals would be silently smaller.
 */
import { InputError } from '../../errors.ts';
import type { BenchResults } from '../contract.ts';

export interface ShardFile {
  /** where it came from (a path), for messages */
  source: string;
  results: BenchResults;
}

export interface ShardCheck {
  count: number;
  /** indices 0..count-1 no file was given for */
  missing: number[];
}

export function checkShards(files: readonly ShardFile[]): ShardCheck {
  if (files.length === 0) throw new InputError('merge', ['expected at least 1 shard results file, got none']);
  const problems: string[] = [];
  const notShards = files.filter((f) => f.results.shard === undefined);
  for (const f of notShards) problems.push(`${f.source}: not a shard (no "shard" field): expected results of \`ugbench bench --shard i/n\``);
  const shards = files.filter((f) => f.results.shard !== undefined);
  const [first] = shards;
  if (!first) throw new InputError('merge', problems);
  const ref = first.results;
  const count = ref.shard!.count;

  for (const f of shards.slice(1)) {
    const r = f.results;
    if (r.shard!.count !== count) problems.push(`shard count differs: ${first.source} is shard ${ref.shard!.index}/${count}, ${f.source} is shard ${r.shard!.index}/${r.shard!.count}`);
    if (r.scenario.name !== ref.scenario.name) problems.push(`scenario differs: ${first.source} ran "${ref.scenario.name}", ${f.source} ran "${r.scenario.name}"`);
    else {
      const diff = firstDifference(ref.scenario.effective, r.scenario.effective);
      if (diff !== undefined) problems.push(`scenario differs at ${diff.path}: ${first.source} has ${diff.a}, ${f.source} has ${diff.b}`);
    }
    if (r.seeds.scenario !== ref.seeds.scenario || r.seeds.plan !== ref.seeds.plan) problems.push(`seed differs: ${first.source} has seed ${ref.seeds.plan}, ${f.source} has seed ${r.seeds.plan}`);
    if (r.planDigest !== ref.planDigest) problems.push(`traffic plan differs (another ugbench version?): ${first.source} has ${ref.planDigest ?? 'none'}, ${f.source} has ${r.planDigest ?? 'none'}`);
  }

  const byIndex = new Map<number, string[]>();
  for (const f of shards) byIndex.set(f.results.shard!.index, [...(byIndex.get(f.results.shard!.index) ?? []), f.source]);
  for (const [index, sources] of [...byIndex].sort((a, b) => a[0] - b[0])) {
    if (sources.length > 1) problems.push(`shard ${index}/${count} given ${sources.length} times: ${sources.join(', ')}`);
    if (index >= count) problems.push(`shard ${index}/${count}: index out of range`);
  }
  if (problems.length > 0) throw new InputError('merge', problems);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  return { count, missing };
}

/** The first place two JSON values differ, as a dotted path and both values (short). */
export function firstDifference(a: unknown, b: unknown, path = ''): { path: string; a: string; b: string } | undefined {
  if (Object.is(a, b)) return undefined;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return { path: path || '(root)', a: short(a), b: short(b) };
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
  for (const key of keys) {
    const d = firstDifference(ao[key], bo[key], Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    if (d) return d;
  }
  return undefined;
}

function short(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
