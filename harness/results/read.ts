/**
 * Reading a results JSON file written by `ugbench bench` (harness/results/contract.ts), for the commands
 * that consume them (gate, compare, capacity). Checks only what consumers rely on, and reports
 * problems as bad input (exit 104), never as a crash.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { RESULTS_SCHEMA_VERSION, type BenchResults } from './contract.ts';

export function parseResults(text: string, name: string): BenchResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, [`expected results JSON, got a parse error: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const r = data as Partial<BenchResults> | null;
  if (typeof r !== 'object' || r === null) throw new InputError(name, ['expected a results object']);
  if (r.schemaVersion !== RESULTS_SCHEMA_VERSION) problems.push(`schemaVersion: expected ${RESULTS_SCHEMA_VERSION}, got ${JSON.stringify(r.schemaVersion)}`);
  if (!['valid', 'invalid', 'aborted'].includes(r.status as string)) problems.push(`status: expected valid, invalid or aborted, got ${JSON.stringify(r.status)}`);
  if (!Array.isArray(r.runs)) problems.push('runs: expected a list of runs');
  else {
    r.runs.forEach((run, i) => {
      if (typeof run?.id !== 'string' || typeof run?.variant !== 'string') problems.push(`runs[${i}]: expected id and variant strings`);
      else if (typeof run.latencyUs?.overall?.p50Us !== 'number' || typeof run.histograms?.overall !== 'string') {
        problems.push(`runs[${i}] (${run.id}): expected latencyUs.overall and histograms.overall`);
      }
    });
  }
  if (problems.length > 0) throw new InputError(name, problems);
  return r as BenchResults;
}

export function readResultsFile(path: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(path, [`expected a readable results file, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parseResults(text, path);
}
