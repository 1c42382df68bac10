/**
 * Scenario files: YAML -> validated Scenario, or an InputError (exit 104) listing every problem.
 * A YAML syntax error names its line and column; schema problems name their path.
 */
import { parseDocument } from 'yaml';
import { InputError, describeValue } from '../errors.ts';
import { readRegularTextFile } from '../input-file.ts';
import { formatPath, issuesToProblems } from './problems.ts';
import { crossFieldProblems, scenarioSchema, type Scenario } from './schema.ts';

/** Aliases a document may expand: a few are handy, thousands are an alias bomb. */
export const MAX_ALIAS_COUNT = 100;
/** A scenario file is a page of YAML; anything larger is not one (and is not read whole). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Parse YAML text into plain data, or throw with line:column of every syntax error. */
export function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const pos = error.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : 'yaml';
      const what = error.message.split('\n')[0] ?? error.message;
      return `${where}: expected valid YAML, got ${what.replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    throw new InputError(`scenario ${source}`, problems);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    // The yaml library's alias-bomb guard throws here (a ReferenceError), as does a nesting deep
    // enough to exhaust the stack: both are properties of the input, not crashes.
    const what = error instanceof RangeError ? 'nesting too deep to expand' : (error as Error).message;
    throw new InputError(`scenario ${source}`, [`yaml: expected at most ${MAX_ALIAS_COUNT} alias expansions and bounded nesting, got ${what}`]);
  }
}

/** Validate plain data (from YAML, JSON or code). Overrides are applied first, then defaults. */
export function parseScenario(raw: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) throw new InputError(`scenario ${source}`, issuesToProblems(result.error.issues, raw));
  const cross = crossFieldProblems(result.data);
  if (cross.length > 0) throw new InputError(`scenario ${source}`, cross.map((p) => `${formatPath(p.path)}: ${p.expected}, got ${describeValue(p.got)}`));
  return result.data;
}

export function parseScenarioText(text: string, source: string, overrides: ScenarioOverrides = {}): Scenario {
  return parseScenario(applyOverrides(parseYaml(text, source), overrides), source);
}

export function loadScenarioFile(path: string, overrides: ScenarioOverrides = {}): Scenario {
  const text = readRegularTextFile(path, `scenario ${path}`, 'YAML file', MAX_SCENARIO_BYTES);
  return parseScenarioText(text, path, overrides);
}

/** Command-line overrides, applied to the raw document before validation so they are validated too. */
export interface ScenarioOverrides {
  durationS?: number;
  warmupS?: number;
  minQueries?: number;
  /** replaces the runtime name of every runtimes[] entry */
  runtime?: string;
  variants?: string[];
  /** replaces model.preset (and drops model.config) */
  preset?: string;
  /** replaces the arrival rate of poisson/constant arrivals */
  rateQps?: number;
  seed?: number;
}

export function applyOverrides(raw: unknown, o: ScenarioOverrides): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const doc = structuredClone(raw) as Record<string, unknown>;
  const section = (key: string): Record<string, unknown> => {
    const value = doc[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    const fresh: Record<string, unknown> = {};
    doc[key] = fresh;
    return fresh;
  };
  if (o.durationS !== undefined) section('run').durationS = o.durationS;
  if (o.warmupS !== undefined) section('run').warmupS = o.warmupS;
  if (o.minQueries !== undefined) section('run').minQueries = o.minQueries;
  if (o.seed !== undefined) doc.seed = o.seed;
  if (o.variants !== undefined) doc.variants = o.variants;
  if (o.preset !== undefined) {
    const model = section('model');
    model.preset = o.preset;
    delete model.config;
    delete model.byRuntime;
  }
  if (o.runtime !== undefined) {
    const runtimes = Array.isArray(doc.runtimes) && doc.runtimes.length > 0 ? (doc.runtimes as unknown[]) : [{}];
    doc.runtimes = runtimes.map((r) => (r !== null && typeof r === 'object' ? { ...r, name: o.runtime } : { name: o.runtime }));
  }
  if (o.rateQps !== undefined) {
    const traffic = section('traffic');
    const arrivals = traffic.arrivals as Record<string, unknown> | undefined;
    if (arrivals && (arrivals.process === 'poisson' || arrivals.process === 'constant')) arrivals.rateQps = o.rateQps;
  }
  return doc;
}
