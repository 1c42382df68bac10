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
export class InputError extends Error {
  readonly problems: readonly string[];
  constructor(context: string, problems: readonly string[]) {
    super(problems.length === 1 ? `${context}: ${problems[0]}` : `${context}:\n  ${problems.join('\n  ')}`);
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
