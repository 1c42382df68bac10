/**
 * Reading inputs: results JSON files (the harness/results/contract.ts contract) and the stored machine
 * limits JSON, through the one results reader (harness/results/read.ts: bad files exit 104 naming
 * file and field). reports/ reads these files only; it never imports models/ or runtime code.
 */
import { readFile } from 'node:fs/promises';
import type { BenchResults } from '../harness/results/contract.ts';
import { checkResults, checkSweep, isSweep, readJsonFile, readResultsFile } from '../harness/results/read.ts';
import type { MachineLimits } from '../harness/results/machine-limits.ts';
import { sweepAsResults } from './sweep.ts';

export interface LoadedResults {
  /** file it came from */
  path: string;
  results: BenchResults;
}

export async function loadResults(path: string): Promise<LoadedResults> {
  return { path, results: readResultsFile(path) };
}

/** A results file as one entry, or a sweep file (`ugbench sweep`) as one entry per target rate. */
export async function loadResultsOrSweep(path: string): Promise<LoadedResults[]> {
  const data = readJsonFile(path);
  if (isSweep(data)) return sweepAsResults(checkSweep(data, path)).map((results) => ({ path, results }));
  return [{ path, results: checkResults(data, path) }];
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
