/**
 * The import boundaries in eslint.config.js must bite: a planted import across each forbidden
 * edge fails the lint, and an allowed one passes. Runs ESLint on in-memory text with only the
 * boundary rules (no type information needed), so it takes well under a second.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaryConfigs, forbiddenImports } from '../../eslint.config.js';

const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaryConfigs],
});

async function messagesFor(fromFolder: string, importPath: string): Promise<string[]> {
  const depth = fromFolder.split('/').length;
  const code = `import { x } from '${'../'.repeat(depth)}${importPath}';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath: `${fromFolder}/planted.ts` });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('import boundaries', () => {
  const edges = Object.entries(forbiddenImports).flatMap(([from, targets]) => targets.map((to) => [from, to] as const));
  it.each(edges)('%s/ importing %s/ fails the lint', async (from, to) => {
    const messages = await messagesFor(from, `${to}/anything.ts`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`${from}/ must not import ${to}/`);
  });

  it.each([
    ['models', 'harness/loadgen/sut.ts'],
    ['cli', 'models/config.ts'],
    ['server', 'models/config.ts'],
    ['reports', 'harness/results/contract.ts'],
  ])('%s/ importing %s is allowed', async (from, target) => {
    expect(await messagesFor(from, target)).toEqual([]);
  });
});
