/** A short scenario on the tiny model for end-to-end tests: seconds per run on 2 cores. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TinyScenarioOptions {
  name?: string;
  runtime?: string;
  variants?: string[];
  rateQps?: number;
  /** default poisson; constant makes the achieved rate of a short run predictable */
  arrivals?: 'poisson' | 'constant';
  durationS?: number;
  /** adds `parity: {sampleFraction, k: 5}` */
  paritySampleFraction?: number;
  p99Ms?: number;
  users?: number;
}

export function tinyScenarioYaml(o: TinyScenarioOptions = {}): string {
  const lines = [
    `name: ${o.name ?? 'e2e-tiny'}`,
    'seed: 7',
    'model: { preset: tiny }',
    `variants: [${(o.variants ?? ['baseline', 'ugsep']).join(', ')}]`,
    `runtimes: [{ name: ${o.runtime ?? 'ort-cpu'} }]`,
    'traffic:',
    `  users: { size: ${o.users ?? 4}, distribution: uniform }`,
    '  candidates: { distribution: fixed, count: 8 }',
    `  arrivals: { process: ${o.arrivals ?? 'poisson'}, rateQps: ${o.rateQps ?? 40} }`,
    'cache: { capacityUsers: 100, ttlS: 300 }',
    `run: { warmupS: 0.2, durationS: ${o.durationS ?? 1}, minQueries: 5 }`,
    `slo: { p99Ms: ${o.p99Ms ?? 1000} }`,
  ];
  if (o.paritySampleFraction !== undefined) lines.push(`parity: { sampleFraction: ${o.paritySampleFraction}, k: 5 }`);
  return `${lines.join('\n')}\n`;
}

export function writeTinyScenario(dir: string, o: TinyScenarioOptions = {}): string {
  const file = join(dir, `${o.name ?? 'e2e-tiny'}.yaml`);
  writeFileSync(file, tinyScenarioYaml(o));
  return file;
}
