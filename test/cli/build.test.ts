/**
 * The compiled build (bin/build.mjs, bin/compiled.mjs): the CLI runs the JavaScript only while
 * the stamp's digest matches the sources, so an edited, added or renamed source sends it back to
 * tsx; the recorded help is what the command itself prints.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { SOURCE_DIRS, STAMP_FILE, currentBuild, sourceDigest } from '../../bin/compiled.mjs';
import { commandHelpTexts, recordedHelp } from '../../cli/help-texts.ts';
import { COMMANDS } from '../../cli/commands/index.ts';
import { runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'ugbench-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('build stamp', () => {
  for (const dir of SOURCE_DIRS as string[]) mkdirSync(join(root, dir, 'sub'), { recursive: true });
  writeFileSync(join(root, 'cli', 'sub', 'a.ts'), 'export const a = 1;\n');

  it('is current until a source changes, is added or is renamed', () => {
    expect(currentBuild(root)).toBeUndefined(); // never built
    writeFileSync(join(root, STAMP_FILE), JSON.stringify({ sourceDigest: sourceDigest(root), help: {} }));
    expect(currentBuild(root)).toBeDefined();
    writeFileSync(join(root, 'cli', 'sub', 'a.ts'), 'export const a = 2;\n');
    expect(currentBuild(root)).toBeUndefined();
    writeFileSync(join(root, STAMP_FILE), JSON.stringify({ sourceDigest: sourceDigest(root), help: {} }));
    writeFileSync(join(root, 'models', 'b.ts'), '');
    expect(currentBuild(root)).toBeUndefined();
    writeFileSync(join(root, STAMP_FILE), JSON.stringify({ sourceDigest: sourceDigest(root), help: {} }));
    renameSync(join(root, 'models', 'b.ts'), join(root, 'models', 'c.ts'));
    expect(currentBuild(root)).toBeUndefined();
    writeFileSync(join(root, 'cli', 'a.js'), ''); // compiled output is not a source
    writeFileSync(join(root, STAMP_FILE), JSON.stringify({ sourceDigest: sourceDigest(root), help: {} }));
    writeFileSync(join(root, 'cli', 'a.js'), 'changed');
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
