/**
 * `npm run scenarios:schema`: regenerate scenarios/schema.json from the zod schema. A test checks
 * the committed file is up to date, so editors always validate against what the loader accepts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { scenarioJsonSchema } from './schema.ts';

export const SCHEMA_PATH = resolve(fileURLToPath(import.meta.url), '../../../scenarios/schema.json');

export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, renderScenarioJsonSchema());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
