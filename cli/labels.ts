/**
 * `--label key=value` (repeatable): free-form tags a user puts on a run (commit, branch, machine
 * pool, ...). Stored in results.json as `labels` and shown by every export of it.
 */
import { InvalidArgumentError } from 'commander';

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** commander option parser: accumulates into one object; a repeated key keeps the last value. */
export function collectLabel(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (eq < 0 || !KEY.test(key)) throw new InvalidArgumentError(`expected key=value with a key of letters, digits, _ . -, got ${JSON.stringify(text)}`);
  return { ...previous, [key]: text.slice(eq + 1) };
}

/** `k=v, k2=v2` for one-line displays; '' when there are none. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
