/**
 * Threshold lists from their two sources: a thresholds file (one expression per line, `#`
 * comments, blank lines ignored) or a scenario's `thresholds:` list. Every line is parsed and
 * every problem returned at once, each as `thresholds line L, col C: message` (1-based; for a
 * scenario list, L is the 1-based list item).
 */
import { InputError } from '../../errors.ts';
import { parseThreshold, type Threshold } from './parse.ts';

export interface SourcedThreshold extends Threshold {
  /** where it came from, e.g. `gates.txt:3` or `scenario thresholds[1]` */
  origin: string;
}

export function parseThresholdLines(lines: readonly string[], origin: (line: number) => string): { thresholds: SourcedThreshold[]; problems: string[] } {
  const thresholds: SourcedThreshold[] = [];
  const problems: string[] = [];
  lines.forEach((text, index) => {
    const result = parseThreshold(text);
    if ('error' in result) problems.push(`thresholds line ${index + 1}, col ${result.error.col}: ${result.error.message}`);
    else if (result.threshold) thresholds.push({ ...result.threshold, origin: origin(index + 1) });
  });
  return { thresholds, problems };
}

/** A thresholds file's text; throws InputError (exit 104) naming every bad line. */
export function thresholdsFromText(text: string, fileName: string): SourcedThreshold[] {
  const { thresholds, problems } = parseThresholdLines(text.split(/\r?\n/), (line) => `${fileName}:${line}`);
  if (problems.length > 0) throw new InputError(fileName, problems);
  return thresholds;
}

/**
 * The `thresholds` list of a scenario (as carried in results `scenario.effective`). Absent gives
 * []; anything but a list of strings is bad input.
 */
export function thresholdsFromScenario(effective: unknown, context = 'scenario'): SourcedThreshold[] {
  if (typeof effective !== 'object' || effective === null) return [];
  const list = (effective as { thresholds?: unknown }).thresholds;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    throw new InputError(context, ['thresholds: expected a list of strings such as "p99_ms{variant=ugsep} < 25"']);
  }
  const { thresholds, problems } = parseThresholdLines(list as string[], (line) => `${context} thresholds[${line - 1}]`);
  if (problems.length > 0) throw new InputError(context, problems);
  return thresholds;
}
