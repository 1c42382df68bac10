/**
 * The published results JSON Schema (docs/results.schema.json): regenerated from the contract's
 * types it is byte-identical to the committed file (no drift), a results file validates against
 * it, and files with a missing field, a wrong type or an unknown field do not (negative controls).
 * A results file from a real `ugbench bench` run is validated in test/e2e/first-session.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA_FILE, resultsSchemaText } from '../../cli/schema/write-results-schema.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/results-small.json', import.meta.url));

export function resultsValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(JSON.parse(readFileSync(RESULTS_SCHEMA_FILE, 'utf8')) as object);
}

describe('results JSON Schema', () => {
  it('is what `npm run results:schema` generates from the types today', () => {
    expect(readFileSync(RESULTS_SCHEMA_FILE, 'utf8')).toBe(resultsSchemaText());
  }, 60_000);

  it('accepts a results file and refuses broken ones', () => {
    const validate = resultsValidator();
    const good = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & { runs: Record<string, unknown>[] };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);

    const missing = structuredClone(good);
    delete missing.runs[0]!.latencyUs;
    expect(validate(missing)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('latencyUs');

    const wrongType = structuredClone(good);
    wrongType.runs[0]!.measuredS = '12';
    expect(validate(wrongType)).toBe(false);

    const unknown = structuredClone(good);
    unknown.runz = [];
    expect(validate(unknown)).toBe(false);

    const labelled = structuredClone(good);
    labelled.labels = { branch: 'main' };
    expect(validate(labelled)).toBe(true);
    labelled.labels = { branch: 3 };
    expect(validate(labelled)).toBe(false);
  });
});
