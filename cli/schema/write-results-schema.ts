/** `npm run results:schema`: regenerate docs/results.schema.json from the results contract's types. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultsJsonSchema } from './results-json-schema.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const CONTRACT_FILE = resolve(ROOT, 'harness/results/contract.ts');
export const RESULTS_SCHEMA_FILE = resolve(ROOT, 'docs/results.schema.json');

export function resultsSchemaText(): string {
  return `${JSON.stringify(resultsJsonSchema(CONTRACT_FILE), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(RESULTS_SCHEMA_FILE, resultsSchemaText());
  process.stdout.write(`wrote ${RESULTS_SCHEMA_FILE}\n`);
}
