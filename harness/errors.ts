/**
 * Exit codes and the error kinds that map to them. Named numbers follow k6 where k6 has one
 * (99 thresholds failed, 104 invalid input); 98 marks a run too short to be trusted; 97 a comparison that could not decide.
 */
export const ExitCode = {
  ok: 0,
  crash: 1,
  /** compare: the interval straddles the tolerance or too few repeats; more runs may decide */
  inconclusive: 97,
  invalidRun: 98,
  gatesFailed: 99,
  invalidInput: 104,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Bad input from a user: a scenario, a config, a weights file, a request. Carries every problem
 * found, each already phrased as `field: expected X, got Y`, so the CLI prints them all at once
 * and exits 104 without a stack trace.
 */
/** Problems printed in one message; the rest are counted ("... and N more"), never dumped. */
export const MAX_PRINTED_PROBLEMS = 20;

export class InputError extends Error {
  /** every problem found (the message prints the first MAX_PRINTED_PROBLEMS) */
  readonly problems: readonly string[];
  constructor(context: string, problems: readonly string[]) {
    const shown = problems.length > MAX_PRINTED_PROBLEMS ? [...problems.slice(0, MAX_PRINTED_PROBLEMS), `... and ${problems.length - MAX_PRINTED_PROBLEMS} more`] : problems;
    super(shown.length === 1 ? `${context}: ${shown[0]}` : `${context}:\n  ${shown.join('\n  ')}`);
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A capability that is absent here (a GPU provider, an optional package), with the reason. */
export class UnavailableError extends Error {
  constructor(what: string, reason: string) {
    super(`${what} is not available: ${reason}`);
    this.name = 'UnavailableError';
  }
}

/** Render any value for a `got X` message: short, JSON-ish, never `[object Object]`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
}

/**
 * Text safe to print on a terminal: control characters other than newline and tab (escape
 * sequences, carriage returns, bells, C1 controls, bidi overrides) written as \u{..}, so a scenario name or a
 * file path cannot recolour, clear or rewrite the user's terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
