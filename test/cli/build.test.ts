/**
 * The compiled build (bin/build.mjs, bin/compiled.mjs): the CLI runs the JavaScript only while
 * the stamp's digest matches the sources it compiled, so an edited, moved or deleted source sends
 * it back to tsx; the recorded help is what the command itself prints.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { STAMP_FILE, currentBuild, sourceDigest } from '../../bin/compiled.mjs';
import { commandHelpTexts, recordedHelp } from '../../cli/help-texts.ts';
import { COMMANDS } from '../../cli/commands/index.ts';
import { runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'ugbench-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('build stamp', () => {
  mkdirSync(join(root, 'cli'), { recursive: true });
  const sources = ['cli/a.ts', 'cli/b.ts'];
  const stamp = () => writeFileSync(join(root, STAMP_FILE), JSON.stringify({ sourceDigest: sourceDigest(root, sources), sources, help: {} }));
  writeFileSync(join(root, 'cli', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root, 'cli', 'b.ts'), 'export const b = 1;\n');

  it('is current until a compiled source changes, moves or is deleted', () => {
    expect(currentBuild(root)).toBeUndefined(); // never built
    stamp();
    expect(currentBuild(root)).toBeDefined();
    writeFileSync(join(root, 'cli', 'a.ts'), 'export const a = 2;\n');
    expect(currentBuild(root)).toBeUndefined();
    stamp();
    renameSync(join(root, 'cli', 'b.ts'), join(root, 'cli', 'c.ts'));
    expect(currentBuild(root)).toBeUndefined();
    renameSync(join(root, 'cli', 'c.ts'), join(root, 'cli', 'b.ts'));
    expect(currentBuild(root)).toBeDefined();
    writeFileSync(join(root, 'cli', 'unrelated.ts'), ''); // imported by no compiled source: no effect
    writeFileSync(join(root, 'cli', 'a.js'), 'changed'); // compiled output is not a source
    expect(currentBuild(root)).toBeDefined();
    writeFileSync(join(root, STAMP_FILE), '{ not json');
    expect(currentBuild(root)).toBeUndefined();
  });
});

describe('recorded help', () => {
  it('has every command, each the text `ugbench <cmd> --help` prints from the sources', async () => {
    const texts = await commandHelpTexts();
    expect(Object.keys(texts).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    const live = runCli(['score', '--help'], { env: { UGBENCH_NO_BUILD: '1' } });
    expect(live.status).toBe(0);
    expect(texts.score).toBe(live.stdout);
  }, 120_000);

  it('is not used when running the TypeScript sources (they may be newer than the build)', () => {
    expect(recordedHelp('bench')).toBeUndefined();
  });
});
