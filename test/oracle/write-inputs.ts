/**
 * Step 1 of the oracle fixture (see README.md here): the weights and requests the independent
 * oracle scores, written with the project's own safetensors writer (the file contract) so the
 * oracle reads exactly the bytes a user's weights file would carry. Output: fixtures/<case>.safetensors
 * and fixtures/<case>.inputs.json (requests as float32 values, exact in JSON).
 *
 *   npx tsx test/oracle/write-inputs.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticRequest } from '../../models/requests.ts';
import { generateWeights } from '../../models/weights/generate.ts';
import { writeSafetensors } from '../../models/weights/safetensors.ts';
import { ORACLE_CASES } from './cases.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

for (const c of ORACLE_CASES) {
  const weights = generateWeights(c.config, { seed: c.weightsSeed, compensation: true });
  writeSafetensors(path.join(here, 'fixtures', `${c.name}.safetensors`), weights);
  const requests = c.candidates.map((n, i) => {
    const r = syntheticRequest(c.config, c.requestSeed, `user-${i}`, `request-${i}`, n);
    return { user: Array.from(r.userFeatures), group: Array.from(r.groupFeatures), candidates: n };
  });
  writeFileSync(path.join(here, 'fixtures', `${c.name}.inputs.json`), `${JSON.stringify({ case: c.name, requests })}\n`);
  console.log(`wrote ${c.name}: ${requests.length} requests`);
}
