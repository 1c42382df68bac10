/**
 * The history store: one JSON line per results file added (`ugbench history add`), oldest first,
 * so a CI job can append and keep the file as an artifact or cache. A record is compact: the
 * commit, labels, the setup it ran on, and per run the percentiles with the HDR histogram they
 * came from (so a later tool can recompute any quantile exactly).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import type { BenchResults, ValidityStatus } from '../contract.ts';
import { scenarioHash } from '../compare/same-setup.ts';

export const HISTORY_SCHEMA_VERSION = 1 as const;

export interface HistoryRun {
  id: string;
  completed: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  requestsPerS: number;
  /** the overall latency histogram, compressed base64 as in the results file */
  histogram: string;
}

export interface HistoryRecord {
  schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  commit: string;
  dirty: boolean | null;
  /** when the results were measured (results createdAt) */
  createdAt: string;
  labels: Record<string, string>;
  status: ValidityStatus;
  scenario: { name: string; hash: string };
  /** CPU manufacturer and brand, cores */
  machine: string;
  runs: HistoryRun[];
}

export function toHistoryRecord(results: BenchResults, commit: string, labels: Record<string, string>): HistoryRecord {
  const cpu = results.machine.cpu;
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    commit,
    dirty: results.git.dirty,
    createdAt: results.createdAt,
    labels,
    status: results.status,
    scenario: { name: results.scenario.name, hash: scenarioHash(results) },
    machine: `${cpu.manufacturer} ${cpu.brand}, ${cpu.cores} cores`,
    runs: results.runs.map((run) => ({
      id: run.id,
      completed: run.counts.completed,
      p50Us: run.latencyUs.overall.p50Us,
      p90Us: run.latencyUs.overall.p90Us,
      p99Us: run.latencyUs.overall.p99Us,
      requestsPerS: run.throughput.requestsPerS,
      histogram: run.histograms.overall,
    })),
  };
}

export function appendHistory(path: string, record: HistoryRecord): void {
  // one write of one whole line: a reader never sees half a record
  try {
    appendFileSync(path, `${JSON.stringify(record)}\n`);
  } catch (error) {
    throw new InputError(path, [`--store: expected a writable file, got ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}

export function readHistory(path: string): HistoryRecord[] {
  if (!existsSync(path)) throw new InputError(path, ['expected a history store (JSON lines written by `ugbench history add`), got no such file']);
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: HistoryRecord[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const problem = checkLine(line);
    if (typeof problem === 'string') problems.push(`line ${i + 1}: ${problem}`);
    else records.push(problem);
  });
  if (problems.length > 0) throw new InputError(path, problems);
  return records;
}

function checkLine(line: string): HistoryRecord | string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return `expected a JSON record, got a parse error: ${(error as Error).message}`;
  }
  const r = data as Partial<HistoryRecord> | null;
  if (typeof r !== 'object' || r === null) return 'expected a JSON object';
  if (r.schemaVersion !== HISTORY_SCHEMA_VERSION) return `schemaVersion: expected ${HISTORY_SCHEMA_VERSION}, got ${JSON.stringify(r.schemaVersion)}`;
  if (typeof r.commit !== 'string' || r.commit === '') return `commit: expected a commit id, got ${JSON.stringify(r.commit)}`;
  if (typeof r.scenario?.hash !== 'string') return 'scenario.hash: expected a string';
  if (!Array.isArray(r.runs)) return 'runs: expected a list';
  const bad = r.runs.findIndex((run: Partial<HistoryRun> | null) => typeof run?.id !== 'string' || ![run.p50Us, run.p99Us, run.requestsPerS].every((v) => typeof v === 'number'));
  if (bad >= 0) return `runs[${bad}]: expected id, p50Us, p99Us and requestsPerS`;
  return r as HistoryRecord;
}
