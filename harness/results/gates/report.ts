/** Console lines and JUnit cases for threshold verdicts. */
import type { JUnitCase } from '../compare/junit.ts';
import type { Verdict } from './evaluate.ts';

function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : Math.abs(value) >= 1 ? value.toFixed(3) : value.toPrecision(3);
}

/** `PASS  p99_ms{variant=ugsep} < 25  ugsep@ort  value 12.345` */
export function formatVerdicts(verdicts: readonly Verdict[]): string[] {
  const width = Math.max(0, ...verdicts.map((v) => v.threshold.source.length));
  const idWidth = Math.max(0, ...verdicts.map((v) => (v.runId ?? '-').length));
  return verdicts.map((v) => {
    const value = v.value === null ? `no data: ${v.note ?? ''}` : `value ${formatValue(v.value)}`;
    return `${v.pass ? 'PASS' : 'FAIL'}  ${v.threshold.source.padEnd(width)}  ${(v.runId ?? '-').padEnd(idWidth)}  ${value}`;
  });
}

export function verdictsToJUnit(verdicts: readonly Verdict[]): JUnitCase[] {
  return verdicts.map((v) => ({
    name: `${v.threshold.source} [${v.runId ?? 'no run'}]`,
    classname: 'ugbench.gate',
    failure: v.pass ? undefined : v.value === null ? `no data: ${v.note ?? ''}` : `value ${formatValue(v.value)} does not satisfy ${v.threshold.op} ${v.threshold.limit}`,
    output: `${v.threshold.origin}: value ${v.value === null ? 'none' : formatValue(v.value)}`,
  }));
}
