/**
 * Is a run long enough to trust? Below its minimum measured completions or duration it is
 * INVALID (exit 98), whatever its numbers say; a Ctrl-C'd run is `aborted` and keeps its data.
 */
import type { ValidityStatus } from './contract.ts';
import type { ExecutorRecord } from '../loadgen/executors/executor.ts';

export interface ValidityRules {
  minQueries: number;
  minDurationS: number;
}

export function judgeValidity(record: ExecutorRecord, rules: ValidityRules): { status: ValidityStatus; reasons: string[] } {
  const reasons: string[] = [];
  const measuredS = record.measuredUs / 1e6;
  const completed = record.recorder.counts.completed;
  if (record.aborted) reasons.push('aborted by a signal (Ctrl-C or SIGTERM): measured data kept, run not complete');
  if (completed < rules.minQueries) reasons.push(`completed queries: expected >= ${rules.minQueries}, got ${completed}`);
  // 1 ms slack: the measured window is taken from the same clock as the schedule
  if (measuredS + 1e-3 < rules.minDurationS) reasons.push(`measured duration: expected >= ${rules.minDurationS} s, got ${measuredS.toFixed(3)} s`);
  if (record.planExhausted) reasons.push('closed loop: the plan ran out of queries before the duration ended (raise traffic.arrivals.maxQueries)');
  const status: ValidityStatus = record.aborted ? 'aborted' : reasons.length > 0 ? 'invalid' : 'valid';
  return { status, reasons };
}

/** The file's verdict from its runs: aborted wins over invalid wins over valid. */
export function overallStatus(statuses: readonly ValidityStatus[]): ValidityStatus {
  if (statuses.includes('aborted')) return 'aborted';
  if (statuses.includes('invalid')) return 'invalid';
  return 'valid';
}
