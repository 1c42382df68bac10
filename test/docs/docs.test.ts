/**
 * The documentation stays true to the repository: the generated pages are what the generator
 * writes from today's schemas, the weights tensors listed in docs/model.md are the contract's,
 * every relative link and `docs/*.md` mention resolves inside the repository, no file refers to a
 * path outside it (the development machine's folders or design notes), and the README stays short.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PAGES } from '../../cli/docs/write-docs.ts';
import { tensorSpecs } from '../../models/weights/layout.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .stdout.split('\n')
  .filter((f) => f && existsSync(join(ROOT, f)) && lstatSync(join(ROOT, f)).isFile() && !/\.(png|safetensors|onnx|ttf)$/.test(f));

// spelled in pieces so this file does not match itself
const OUTSIDE = [new RegExp(['/wo', 'rk/(main|shared|briefs|wt-|\\.library)'].join('')), new RegExp(['DESI', 'GN\\.md'].join('')), new RegExp(['gram', 'mar\\.md'].join('')), new RegExp(['shar', 'ed/'].join('') + '[A-Z]')];

/** Problems with one file's text: outside references, and links or docs mentions that do not resolve. */
export function referenceProblems(file: string, text: string, root = ROOT): string[] {
  const problems: string[] = [];
  for (const pattern of OUTSIDE) if (pattern.test(text)) problems.push(`${file}: refers outside the repository (${pattern.source})`);
  const targets: string[] = [];
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) if (!/^[a-z]+:/.test(m[1]!)) targets.push(resolve(root, dirname(file), m[1]!));
  }
  for (const m of text.matchAll(/(?<![\w/.-])docs\/[\w-]+\.(md|json|yml)/g)) targets.push(resolve(root, m[0]));
  for (const target of targets) {
    const inside = relative(root, target);
    if (inside.startsWith('..')) problems.push(`${file}: link ${inside} leaves the repository`);
    else if (!existsSync(target)) problems.push(`${file}: ${inside} does not exist`);
  }
  return problems;
}

describe('docs', () => {
  it('generated pages match their generator', () => {
    for (const [path, page] of Object.entries(PAGES)) expect(readFileSync(join(ROOT, path), 'utf8'), `${path}: run npm run docs:generate`).toBe(page());
  });

  it('docs/model.md lists exactly the tensors of the weights contract', () => {
    const listed = [...readFileSync(join(ROOT, 'docs/model.md'), 'utf8').matchAll(/^\| `([a-z0-9_.{}]+)` \| `\[/gm)].map((m) => m[1]!);
    const contract = tensorSpecs({ T: 4, Tu: 2, D: 8, L: 1, k: 2, Fu: 4, Fg: 4 }).map((s) => s.name.replace('layers.0.', 'layers.{n}.'));
    expect(listed).toEqual(contract);
  });

  it('no file refers outside the repository; links and docs mentions resolve', () => {
    const problems = files.flatMap((f) => referenceProblems(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('negative controls: the checks flag an outside path, a missing page and a link leaving the repository', () => {
    const outside = ['see ', '/wo', 'rk/shared/', 'DESI', 'GN.md section 2'].join('');
    expect(referenceProblems('x.ts', outside).length).toBeGreaterThan(0);
    const missingPage = ['docs', 'no-such-page.md'].join('/'); // in pieces, like OUTSIDE
    const page = ['docs', 'x.md'].join('/');
    expect(referenceProblems('x.ts', `read ${missingPage}`)).toEqual([`x.ts: ${missingPage} does not exist`]);
    expect(referenceProblems(page, 'see [it](../../outside.md)')).toEqual([`${page}: link ../outside.md leaves the repository`]);
  });

  it('the README is at most ~200 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length;
    console.log(`README.md: ${lines} lines`);
    expect(lines).toBeLessThanOrEqual(200);
  });
});
