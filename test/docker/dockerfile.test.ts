/**
 * The Dockerfile, without Docker: every path it copies exists (in the build context, i.e. the
 * repository minus .dockerignore, or in the earlier stage), and the final layout, simulated in a
 * temp folder (stage 1: the context and the real `npm run build`; stage 2: its copies, the COMMIT
 * file and the PATH link), runs `ugbench --version` from the compiled build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without type declarations
import { currentBuild } from '../../bin/compiled.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}
interface Stage {
  name?: string;
  base: string;
  workdir: string;
  copies: Copy[];
  runs: string[];
}

/** The instructions this test needs, from the Dockerfile's text (continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op, ...args] = line.split(/\s+/);
    const stage = stages.at(-1);
    if (op === 'FROM') stages.push({ base: args[0]!, name: args[2], workdir: '/', copies: [], runs: [] });
    else if (!stage) throw new Error(`${op} before FROM`);
    else if (op === 'WORKDIR') stage.workdir = args[0]!;
    else if (op === 'RUN') stage.runs.push(args.join(' '));
    else if (op === 'COPY') {
      const from = args[0]?.startsWith('--from=') ? args.shift()!.slice('--from='.length) : undefined;
      const dest = args.pop()!;
      stage.copies.push({ from, sources: args, dest });
    }
  }
  return stages;
}

/** The build context: files git would commit here, minus the .dockerignore patterns used. */
export function buildContext(root: string): string[] {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ignored = (path: string) =>
    patterns.some((p) => {
      if (p.startsWith('**/*.')) return path.endsWith(p.slice(4)); // '**/*.js' → '.js', at any depth (root included, as Docker does)
      if (/[*?[]/.test(p)) throw new Error(`.dockerignore pattern ${p}: this test only knows names and **/*.ext`);
      return path === p || path.startsWith(`${p}/`);
    });
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return listed.filter((f) => !ignored(f) && existsSync(join(root, f)));
}

const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const [build, final] = stages as [Stage, Stage];
const work = mkdtempSync(join(tmpdir(), 'ugbench-docker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const context = buildContext(ROOT);

/** A stage's COPY lines into `into` (its WORKDIR): from the context, or from another stage's tree. */
function applyCopies(stage: Stage, into: string, trees: Record<string, string>): void {
  for (const copy of stage.copies) {
    expect(copy.sources).toHaveLength(1); // this Dockerfile copies one tree per line
    const source = copy.sources[0]!.replace(/^\/app\/?/, '') || '.';
    const to = join(into, copy.dest);
    if (copy.from) cpSync(join(trees[copy.from]!, source), to, { recursive: true });
    else for (const file of context.filter((f) => source === '.' || f === source || f.startsWith(`${source}/`))) cpSync(join(ROOT, file), join(to, source === '.' ? file : file.slice(source.length + 1)), { recursive: true });
  }
}

describe('Dockerfile', () => {
  it('is two stages on node:20-slim, the final one npm ci --omit=dev as a non-root user with ugbench on PATH', () => {
    expect(stages.map((s) => s.base)).toEqual(['node:20-slim', 'node:20-slim']);
    expect(final.runs.some((r) => r.includes('npm ci --omit=dev'))).toBe(true);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    expect(final.runs.some((r) => r.includes('ln -s /app/bin/ugbench.mjs /usr/local/bin/ugbench'))).toBe(true);
  });

  it('copies only paths the build context has, and the context has the sources but no tests or old builds', () => {
    const inContext = (p: string) => p === '.' || context.some((f) => f === p || f.startsWith(`${p}/`));
    const missing = stages.flatMap((s) => s.copies.filter((c) => !c.from).flatMap((c) => c.sources)).filter((p) => !inContext(p));
    expect(missing).toEqual([]);
    expect(inContext('no-such-dir')).toBe(false); // negative control: the check can fail
    expect(context).toContain('bin/ugbench.mjs');
    expect(context).toContain('package-lock.json');
    expect(context.filter((f) => f.startsWith('test/') || f.endsWith('.js') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('builds stage 1, lays out stage 2 and runs `ugbench --version` from the compiled build', () => {
    const stage1 = join(work, 'stage1');
    mkdirSync(stage1);
    applyCopies(build, stage1, {});
    symlinkSync(join(ROOT, 'node_modules'), join(stage1, 'node_modules')); // stands for `npm ci`
    const built = spawnSync(process.execPath, [join(stage1, 'bin', 'build.mjs')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    rmSync(join(stage1, 'node_modules')); // `&& rm -rf node_modules`

    const app = join(work, 'stage2', 'app');
    mkdirSync(app, { recursive: true });
    applyCopies(final, app, { build: stage1 });
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules')); // stands for `npm ci --omit=dev`
    writeFileSync(join(app, 'COMMIT'), 'abc123def456\n');
    const pathDir = join(work, 'usr-local-bin');
    mkdirSync(pathDir);
    symlinkSync(join(app, 'bin', 'ugbench.mjs'), join(pathDir, 'ugbench'));
    expect(currentBuild(app)).toBeDefined(); // the image runs the compiled JavaScript, not tsx

    const cwd = join(work, 'work');
    mkdirSync(cwd);
    const r = spawnSync('ugbench', ['--version'], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${pathDir}:${process.env.PATH}` } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ugbench ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} (commit abc123def456)\n`);
  }, 240_000);
});
