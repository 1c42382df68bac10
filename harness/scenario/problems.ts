/**
 * zod issues -> the project's `path: expected X, got Y` lines. Every issue is kept (zod reports
 * them all at once) and the `got` part is read from the raw input, so a user sees what they wrote.
 */
import type { z } from 'zod';
import { describeValue } from '../errors.ts';

/** `traffic.candidates.max`, `variants[1]`, `runtimes[0].threads` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    // A key a user wrote may hold anything (brackets, escape codes): quote it unless it is a name.
    else if (typeof key === 'string' && !/^[A-Za-z_$][\w$-]*$/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(scenario)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/** One line per problem, in a stable order (by path, then message). */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(`${formatPath([...issue.path, key])}: expected a known field (see scenarios/schema.json), got an unknown field`);
      continue;
    }
    const value = valueAt(input, issue.path);
    // a list that is too long or too short: its length is what matters, not its first items
    const sized = Array.isArray(value) && (issue.code === 'too_big' || issue.code === 'too_small');
    const got = sized ? `got a list of ${value.length}` : `got ${describeValue(value)}`;
    problems.push(`${formatPath(issue.path)}: ${expectedText(issue)}, ${got}`);
  }
  return [...new Set(problems)].sort();
}

function expectedText(issue: z.core.$ZodIssue): string {
  // Messages we wrote ourselves already read `expected ...`.
  if (issue.message.startsWith('expected')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'integer' : issue.expected}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) return `expected one of ${issue.options.join(', ')}`;
      return 'expected one of the documented forms';
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return `expected ${issue.origin} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `expected ${issue.origin} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    default:
      return `expected ${issue.message}`;
  }
}
