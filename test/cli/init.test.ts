/**
 * `ugbench init`: the starter scenario validates as written (schema and cross-field rules), the
 * request file parses for the scenario's preset, nothing is overwritten without --force, and a
 * bad name is bad input (104). That it also *runs* is test/e2e/first-session.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import { parseScoreRequest } from '../../models/request-file.ts';
import { presetConfig } from '../../models/presets.ts';
import { main } from '../../cli/main.ts';
import { STARTER_PRESET } from '../../cli/init/starter.ts';

const dir = mkdtempSync(join(tmpdir(), 'ugbench-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back on process.stdout, never called detached
  const out = process.stdout.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back on process.stderr, never called detached
  const err = process.stderr.write;
  process.stdout.write = (s: string) => ((stdout += s), true);
  process.stderr.write = (s: string) => ((stderr += s), true);
  try {
    return { code: await main(['node', 'ugbench', ...args]), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('ugbench init', () => {
  it('writes a scenario that validates and a request that parses', async () => {
    const r = await run(['init', 'starter', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`ugbench bench ${join(dir, 'starter.yaml')}`);
    const scenario = loadScenarioFile(join(dir, 'starter.yaml'));
    expect(scenario.name).toBe('starter');
    expect(scenario.model.preset).toBe(STARTER_PRESET);
    expect(scenario.thresholds?.length).toBeGreaterThan(0);
    const request = parseScoreRequest(JSON.parse(readFileSync(join(dir, 'starter.request.json'), 'utf8')), presetConfig(STARTER_PRESET));
    expect(request.candidates).toBe(3);
  });

  it('negative control: the same text with a misspelt field is refused (the schema is strict)', () => {
    const text = readFileSync(join(dir, 'starter.yaml'), 'utf8').replace('minQueries:', 'minQuerys:');
    writeFileSync(join(dir, 'typo.yaml'), text);
    expect(() => loadScenarioFile(join(dir, 'typo.yaml'))).toThrow(/minQuerys/);
  });

  it('refuses to overwrite without --force, and bad names, with exit 104', async () => {
    const again = await run(['init', 'starter', '--dir', dir]);
    expect(again.code).toBe(104);
    expect(again.stderr).toMatch(/starter\.yaml: expected a new file, got an existing one \(add --force/);
    expect((await run(['init', 'starter', '--dir', dir, '--force'])).code).toBe(0);
    const bad = await run(['init', '../evil', '--dir', dir]);
    expect(bad.code).toBe(104);
    expect(bad.stderr).toMatch(/name: expected letters, digits/);
  });
});
