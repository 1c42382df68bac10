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

/** A promise of `read()`, rejected (not thrown) when reading fails. */
function settle<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export function loadResults(path: string): Promise<LoadedResults> {
  return settle(() => ({ path, results: readResultsFile(path) }));
}

/** A results file as one entry, or a sweep file (`ugbench sweep`) as one entry per target rate. */
export function loadResultsOrSweep(path: string): Promise<LoadedResults[]> {
  return settle(() => {
    const data = readJsonFile(path);
    if (isSweep(data)) return sweepAsResults(checkSweep(data, path)).map((results) => ({ path, results }));
    return [{ path, results: checkResults(data, path) }];
  });
}

/** Stored limits, or undefined when the file is absent or not limits JSON. */
export async function loadLimits(path: string): Promise<MachineLimits | undefined> {
  try {
    // unknown until checked: a foreign JSON file is not limits
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { schemaVersion?: unknown; bandwidth?: { peakGBPerS?: unknown } } | null;
    return parsed?.schemaVersion === 1 && typeof parsed.bandwidth?.peakGBPerS === 'number' ? (parsed as MachineLimits) : undefined;
  } catch {
    return undefined;
  }
}

/** Limits measured on the machine these results came from (same CPU and core count), else false. */
export function limitsMatchMachine(limits: MachineLimits, results: BenchResults): boolean {
  const cpu = `${results.machine.cpu.manufacturer} ${results.machine.cpu.brand}`.trim();
  return limits.machine.cpuBrand === cpu && limits.machine.cores === results.machine.cpu.cores;
}
