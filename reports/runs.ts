/**
 * One flat row per run across every loaded results file: what every chart and table reads.
 * When several files are combined (two commits, two machines), each row carries a `source`
 * label naming what differs between the files, and `series` = source + run id.
 */
import type { BenchResults, RunResult } from '../harness/results/contract.ts';
import type { LoadedResults } from './load.ts';

export interface RunRow {
  /** which input file: '' for a single file, else e.g. 'abc1234' (commit) or 'EPYC x2' (machine) */
  source: string;
  /** legend label: `${source} ${run.id}` or just run.id */
  series: string;
  /**
   * what a line across files connects: the series when files differ by commit or machine (a
   * comparison), the run id when they differ only by scenario, time or position (a sweep of
   * rates or candidate counts, whose points belong on one line)
   */
  group: string;
  /** index of the file in the inputs */
  fileIndex: number;
  variant: string;
  runtime: string;
  run: RunResult;
  results: BenchResults;
  /** mean candidates per request of the shared plan */
  meanCandidates: number;
  /** model shape the run used, when the results name it (runtime.details.modelConfig) */
  modelConfig: Record<string, number> | null;
}

function shortCommit(r: BenchResults): string {
  return r.git.commit ? r.git.commit.slice(0, 7) + (r.git.dirty ? '+' : '') : 'no-git';
}

function machineLabel(r: BenchResults): string {
  return `${r.machine.cpu.brand} x${r.machine.cpu.cores}`;
}

/** A label per file naming what differs: commit, else machine, else scenario, else start time, else position. */
export function sourceLabels(files: LoadedResults[]): { labels: string[]; comparison: boolean } {
  if (files.length <= 1) return { labels: files.map(() => ''), comparison: false };
  const candidates: ((r: BenchResults, i: number) => string)[] = [
    (r) => shortCommit(r),
    (r) => machineLabel(r),
    (r) => r.scenario.name,
    (r) => r.createdAt.replace(/\.\d+Z$/, 'Z'),
    (_r, i) => `#${i + 1}`,
  ];
  const position = candidates[4]!;
  const distinct = candidates.filter((f) => f !== position && new Set(files.map((file, i) => f(file.results, i))).size > 1);
  // Up to two distinguishing facts (two commits on two machines); position when nothing else differs.
  const chosen = distinct.length > 0 ? distinct.slice(0, 2) : [position];
  const labels = files.map((file, i) => chosen.map((f) => f(file.results, i)).join(' '));
  const comparison = distinct.includes(candidates[0]!) || distinct.includes(candidates[1]!);
  // Still ambiguous (e.g. sweeps started in the same second): fall back to positions.
  return { labels: new Set(labels).size === labels.length ? labels : files.map((_f, i) => `#${i + 1}`), comparison };
}

/** 'T=16 Tu=8 D=256' -> { T: 16, Tu: 8, D: 256 }; null when absent or malformed. */
export function parseModelConfig(text: unknown): Record<string, number> | null {
  if (typeof text !== 'string') return null;
  const out: Record<string, number> = {};
  for (const part of text.trim().split(/\s+/)) {
    const match = /^(\w+)=(-?[0-9.]+)$/.exec(part);
    if (!match) return null;
    out[match[1]!] = Number(match[2]);
  }
  return Object.keys(out).length > 0 ? out : null;
}

export function runRows(files: LoadedResults[]): RunRow[] {
  const { labels, comparison } = sourceLabels(files);
  return files.flatMap((file, fileIndex) =>
    file.results.runs.map((run) => {
      const source = labels[fileIndex] ?? '';
      return {
        source,
        series: source ? `${source} ${run.id}` : run.id,
        group: comparison ? `${source} ${run.id}` : run.id,
        fileIndex,
        variant: run.variant,
        runtime: run.runtime.runtime,
        run,
        results: file.results,
        meanCandidates: file.results.plan.meanCandidates,
        // the model as data; version 1 files only had the flattened string
        modelConfig: run.model?.config ?? parseModelConfig(run.runtime.details['modelConfig']),
      };
    }),
  );
}
