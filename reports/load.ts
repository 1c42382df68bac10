/**
 * Reading inputs: results JSON files (the harness/results/contract.ts contract) and the stored machine
 * limits JSON. reports/ reads these files only; it never imports harness/ or models/ runtime code.
 */
import { readFile } from 'node:fs/promises';
import type { BenchResults } from '../harness/results/contract.ts';
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { isSweepResults, sweepAsResults } from './sweep.ts';

export interface LoadedResults {
  /** file it came from */
  path: string;
  results: BenchResults;
}

/** Every problem with a parsed results file, as `field: expected X, got Y`. */
export function resultsProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [`results: expected an object, got ${typeof value}`];
  const r = value as Partial<BenchResults>;
  const problems: string[] = [];
  if (r.schemaVersion !== 1) problems.push(`schemaVersion: expected 1, got ${JSON.stringify(r.schemaVersion)}`);
  if (!Array.isArray(r.runs)) problems.push(`runs: expected an array, got ${typeof r.runs}`);
  if (typeof r.plan !== 'object' || r.plan === null) problems.push('plan: expected an object');
  if (typeof r.machine !== 'object' || r.machine === null) problems.push('machine: expected an object');
  return problems;
}

export async function loadResults(path: string): Promise<LoadedResults> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  const problems = resultsProblems(parsed);
  if (problems.length > 0) throw new Error(`${path}: not a ugbench results file:\n  ${problems.join('\n  ')}`);
  return { path, results: parsed as BenchResults };
}

/** A results file as one entry, or a sweep file (`ugbench sweep`) as one entry per target rate. */
export async function loadResultsOrSweep(path: string): Promise<LoadedResults[]> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (isSweepResults(parsed)) return sweepAsResults(parsed).map((results) => ({ path, results }));
  const problems = resultsProblems(parsed);
  if (problems.length > 0) throw new Error(`${path}: not a ugbench results or sweep file:\n  ${problems.join('\n  ')}`);
  return [{ path, results: parsed as BenchResults }];
}

/** Stored limits, or undefined when the file is absent or not limits JSON. */
export async function loadLimits(path: string): Promise<MachineLimits | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as MachineLimits;
    return parsed.schemaVersion === 1 && typeof parsed.bandwidth?.peakGBPerS === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Limits measured on the machine these results came from (same CPU and core count), else false. */
export function limitsMatchMachine(limits: MachineLimits, results: BenchResults): boolean {
  const cpu = `${results.machine.cpu.manufacturer} ${results.machine.cpu.brand}`.trim();
  return limits.machine.cpuBrand === cpu && limits.machine.cores === results.machine.cpu.cores;
}
