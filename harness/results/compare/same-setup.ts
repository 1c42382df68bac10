/**
 * Refusals that protect the user: two results are comparable only when they ran the same
 * effective scenario (by hash), the same models, on the same kind of machine (CPU model and
 * flags) and the same runtimes (runtime, provider, threads, precisions, package versions).
 * `compare` and `gate --baseline` both call setupDifferences and refuse (exit 104) on any
 * difference unless --allow-different, which prints every difference instead.
 */
import { createHash } from 'node:crypto';
import type { BenchResults, RunResult } from '../contract.ts';

/** Sections that judge or label a run but do not change what is measured. */
const NOT_MEASURED = ['name', 'description', 'thresholds', 'slo'];

/**
 * sha256 of what the effective scenario makes the run measure: every section but NOT_MEASURED,
 * object keys sorted (key order is not meaning). Tightening an SLO does not make two runs
 * incomparable; changing the rate, the model or a seed does.
 */
export function scenarioHash(results: BenchResults): string {
  return results.scenario.hash ?? effectiveScenarioHash(results.scenario.effective);
}

/** The same hash from an effective scenario (what `bench` writes into results.scenario.hash). */
export function effectiveScenarioHash(effective: unknown): string {
  const measured = effective !== null && typeof effective === 'object' && !Array.isArray(effective)
    ? Object.fromEntries(Object.entries(effective).filter(([k]) => !NOT_MEASURED.includes(k)))
    : effective;
  return createHash('sha256').update(stableJson(measured)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify returns undefined for undefined, functions and symbols, though typed string
  return JSON.stringify(value) ?? 'null';
}

type Facts = Record<string, string>;

/** Everything that must match, as `kind field -> value` strings. */
function setupFacts(results: BenchResults): Facts {
  const cpu = results.machine.cpu;
  const facts: Facts = {
    'scenario hash': `${scenarioHash(results).slice(0, 16)} (${results.scenario.name})`,
    'machine cpu': `${cpu.manufacturer} ${cpu.brand}, ${cpu.cores} cores`,
    'machine cpu flags': cpu.flags,
  };
  for (const [name, version] of Object.entries(results.packages)) facts[`runtime package ${name}`] = version;
  for (const run of results.runs) Object.assign(facts, runFacts(run));
  return facts;
}

function runFacts(run: RunResult): Facts {
  const r = run.runtime;
  const model = ['model', 'modelConfig', 'modelBytes', 'weights', 'weightsSha256'].filter((k) => r.details[k] !== undefined).map((k) => `${k}=${String(r.details[k])}`);
  // the model as data (newer files): its shape, the variant's traits and the weights it used
  if (run.model) model.push(`config=${stableJson(run.model.config)} traits=${stableJson(run.model.traits)} weightsSha256=${run.model.weightsSha256 ?? 'seeded'}`);
  const instances = r.instances === undefined ? '' : ` instances=${r.instances}`;
  return {
    [`model ${run.id}`]: [`variant=${run.variant}`, ...model].join(' '),
    [`runtime ${run.id}`]: `${r.runtime} provider=${r.provider} threads=${r.threads}${instances} weights=${r.weightPrecision} activations=${r.activationPrecision}`,
  };
}

/** Every difference between `other` and `reference`, one line each: `machine cpu: "AMD EPYC" vs "Intel Xeon"`. */
export function setupDifferences(reference: BenchResults, other: BenchResults): string[] {
  const a = setupFacts(reference);
  const b = setupFacts(other);
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    if (a[key] === b[key]) continue;
    if (key === 'machine cpu flags') out.push(`${key}: ${flagDifference(a[key] ?? '', b[key] ?? '')}`);
    else out.push(`${key}: ${describe(a[key])} vs ${describe(b[key])}`);
  }
  return out;
}

function describe(value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

function flagDifference(a: string, b: string): string {
  const fa = new Set(a.split(/\s+/).filter(Boolean));
  const fb = new Set(b.split(/\s+/).filter(Boolean));
  const only = (x: Set<string>, y: Set<string>) => [...x].filter((f) => !y.has(f)).join(' ') || 'none';
  return `only in the first: ${only(fa, fb)}; only in the second: ${only(fb, fa)}`;
}

export interface LabelledResults {
  /** file name or run label, used in the messages */
  label: string;
  results: BenchResults;
}

/** Differences of every file from the first one (so within-side mixes are caught too), prefixed by file. */
export function allSetupDifferences(files: readonly LabelledResults[]): string[] {
  const [first, ...rest] = files;
  if (!first) return [];
  return rest.flatMap((f) => setupDifferences(first.results, f.results).map((d) => `${f.label} vs ${first.label}: ${d}`));
}
