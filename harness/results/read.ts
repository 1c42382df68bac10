/**
 * The one reader of results files (harness/results/contract.ts) and sweep files
 * (harness/results/sweep/results.ts), for every command that consumes them (gate, compare,
 * merge, export, report, capacity). Checks what consumers rely on and reports every problem as
 * bad input naming the file and the field (exit 104), never as a crash.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { READABLE_SCHEMA_VERSIONS, RESULTS_SCHEMA_VERSION, type BenchResults } from './contract.ts';
import { READABLE_SWEEP_VERSIONS, type SweepResults } from './sweep/results.ts';

/** A value as an error message shows it: the value where it is short, else what it is. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'object') return 'an object';
  // JSON holds no other kinds; a value from code (function, symbol, bigint) is named by its type
  return typeof v === 'number' || typeof v === 'boolean' || v === undefined ? String(v) : typeof v;
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function runProblems(run: unknown, i: number): string[] {
  if (!isObject(run)) return [`runs[${i}]: expected a run object, got ${kind(run)}`];
  const at = `runs[${i}]${typeof run.id === 'string' ? ` (${run.id})` : ''}`;
  const problems: string[] = [];
  if (typeof run.id !== 'string') problems.push(`${at}.id: expected a string, got ${kind(run.id)}`);
  if (typeof run.variant !== 'string') problems.push(`${at}.variant: expected a string, got ${kind(run.variant)}`);
  const overall = (run.latencyUs as { overall?: { p50Us?: unknown } } | undefined)?.overall;
  if (typeof overall?.p50Us !== 'number') problems.push(`${at}.latencyUs.overall: expected a latency summary, got ${kind(overall)}`);
  const histogram = (run.histograms as { overall?: unknown } | undefined)?.overall;
  if (typeof histogram !== 'string') problems.push(`${at}.histograms.overall: expected an encoded histogram string, got ${kind(histogram)}`);
  if (!isObject(run.counts) || typeof run.counts.completed !== 'number') problems.push(`${at}.counts: expected the run's counts, got ${kind(run.counts)}`);
  const validity = run.validity as { status?: unknown } | undefined;
  if (!['valid', 'invalid', 'aborted'].includes(validity?.status as string)) problems.push(`${at}.validity.status: expected valid, invalid or aborted, got ${kind(validity?.status)}`);
  if (run.tags !== undefined && !isObject(run.tags)) problems.push(`${at}.tags: expected an object of tag splits, got ${kind(run.tags)}`);
  return problems;
}

/** Every problem of a parsed results file, as `field: expected X, got Y`. */
export function resultsProblems(data: unknown): string[] {
  if (!isObject(data)) return [`results: expected a results object, got ${kind(data)}`];
  const problems: string[] = [];
  const version = data.schemaVersion;
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version)) problems.push(`schemaVersion: expected ${RESULTS_SCHEMA_VERSION} (or 1), got ${kind(version)}`);
  if (!['valid', 'invalid', 'aborted'].includes(data.status as string)) problems.push(`status: expected valid, invalid or aborted, got ${kind(data.status)}`);
  for (const field of ['plan', 'machine', 'scenario'] as const) if (!isObject(data[field])) problems.push(`${field}: expected an object, got ${kind(data[field])}`);
  if (!Array.isArray(data.runs)) problems.push(`runs: expected a list of runs, got ${kind(data.runs)}`);
  else data.runs.forEach((run, i) => problems.push(...runProblems(run, i)));
  return problems;
}

/** A parsed results file checked; `name` (the file) prefixes every problem. */
export function checkResults(data: unknown, name: string): BenchResults {
  const problems = resultsProblems(data);
  if (problems.length > 0) throw new InputError(name, problems);
  return data as BenchResults;
}

export function isSweep(data: unknown): boolean {
  return isObject(data) && data.kind === 'ugbench-sweep';
}

/** A parsed sweep file checked (its steps' runs as results runs). */
export function checkSweep(data: unknown, name: string): SweepResults {
  if (!isObject(data) || data.kind !== 'ugbench-sweep' || !Array.isArray(data.series)) {
    throw new InputError(name, [`kind: expected sweep results written by \`ugbench sweep\` (kind "ugbench-sweep"), got ${kind(isObject(data) ? data.kind : data)}`]);
  }
  const problems: string[] = [];
  if (!READABLE_SWEEP_VERSIONS.includes(data.schemaVersion as number)) problems.push(`schemaVersion: expected ${READABLE_SWEEP_VERSIONS.join(' or ')}, got ${kind(data.schemaVersion)}`);
  data.series.forEach((series: unknown, s) => {
    const steps = isObject(series) ? series.steps : undefined;
    if (!Array.isArray(steps)) problems.push(`series[${s}].steps: expected a list, got ${kind(steps)}`);
    else steps.forEach((step: unknown, i) => problems.push(...runProblems(isObject(step) ? step.run : step, i).map((p) => `series[${s}].steps[${i}].${p.replace(/^runs\[\d+\]/, 'run')}`)));
  });
  if (problems.length > 0) throw new InputError(name, problems);
  return data as unknown as SweepResults;
}

/** JSON of a file; unreadable or not JSON is bad input naming the file. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, [`file: expected a readable results file, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(path, [`file: expected results JSON, got a parse error: ${(error as Error).message}`]);
  }
}

export function parseResults(text: string, name: string): BenchResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, [`file: expected results JSON, got a parse error: ${(error as Error).message}`]);
  }
  return checkResults(data, name);
}

export function readResultsFile(path: string): BenchResults {
  return checkResults(readJsonFile(path), path);
}

export function readSweepFile(path: string): SweepResults {
  return checkSweep(readJsonFile(path), path);
}
