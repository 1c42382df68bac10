#!/usr/bin/env node
// A new user's first session, scripted: a fresh clone of this repository (its committed HEAD),
// `npm ci`, `ugbench init`, `ugbench bench` on the new scenario with a short duration,
// `ugbench report`, CSV and Markdown exports; checks the outputs are present and parseable, the
// results file validates against docs/results.schema.json, and nothing but progress reached
// stderr. Exit 0 on success, else 1 with what failed.
//
//   node test/e2e/first-session.mjs                   # real npm ci (needs the npm registry, ~2 min)
//   node test/e2e/first-session.mjs --reuse-install   # link this checkout's node_modules and run
//                                                     # npm run build instead (what the test suite does)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../support/csv.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const reuse = process.argv.includes('--reuse-install');
const keep = process.argv.includes('--keep');
const dir = mkdtempSync(join(tmpdir(), 'ugbench-first-session-'));
const clone = join(dir, 'ugbench');
const work = join(dir, 'work');
const failures = [];
const log = (line) => process.stdout.write(`${line}\n`);

/** Run a command; its stderr must consist of lines `allowed` accepts (default: none); `ok` judges its exit (default: 0). */
function run(what, cmd, args, { cwd = work, allowed = () => false, env = {}, ok = (r) => r.status === 0 } = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  const unexpected = r.stderr.split('\n').filter((l) => l.trim() !== '' && !allowed(l));
  log(`${what}: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${r.stderr.split('\n').filter(Boolean).length} stderr lines`);
  if (!ok(r)) failures.push(`${what}: exit ${r.status}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  if (unexpected.length > 0) failures.push(`${what}: stderr beyond progress:\n  ${unexpected.slice(0, 10).join('\n  ')}`);
  return r;
}

// what `ugbench bench` prints on stderr while it runs (cli/bench/progress.ts, run-bench.ts, paired-phase.ts)
const progress = (line) => /^preparing model \S+ for \S+ \(untimed\)$/.test(line) || /^[a-z0-9-]+@[a-z0-9-]+: /.test(line) || /^paired( phase)?: /.test(line);

const ugbench = (what, args, options) => run(what, process.execPath, [join(clone, 'bin', 'ugbench.mjs'), ...args], options);

run('git clone', 'git', ['clone', '--quiet', repo, clone], { cwd: dir });
if (reuse) {
  symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));
  run('npm run build', process.execPath, [join(clone, 'bin', 'build.mjs')], { cwd: clone });
} else {
  run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: clone });
}
run('mkdir work', 'mkdir', ['-p', work], { cwd: dir });
ugbench('ugbench init', ['init', 'first']);
for (const f of ['first.yaml', 'first.request.json']) if (!existsSync(join(work, f))) failures.push(`init: ${f} missing`);
// 3 s cannot support the starter's p90 SLO (a 99% bound needs 44 requests): INVALID, exit 98, saying so
const tooFew = (r) => r.status === 0 || (r.status === 98 && /p\d+ n=\d+: too few, needs \d+/.test(r.stdout));
const bench = ugbench('ugbench bench', ['bench', 'first.yaml', '--duration', '3', '--warmup', '1', '--min-queries', '5', '--no-limits', '--no-report', '--out', 'res', '--label', 'session=first'], { allowed: progress, ok: tooFew });
if (!/results written to res\/results\.json/.test(bench.stdout)) failures.push('bench: no "results written" line on stdout');
ugbench('ugbench report', ['report', 'res/results.json', '--out', 'report']);
for (const f of ['report/report.html', 'report/latency-spectrum.svg']) if (!existsSync(join(work, f))) failures.push(`report: ${f} missing`);
ugbench('ugbench export-results csv', ['export-results', 'res/results.json', '--format', 'csv', '--out', 'runs.csv']);
ugbench('ugbench export-results markdown', ['export-results', 'res/results.json', '--format', 'markdown', '--out', 'summary.md']);

if (existsSync(join(work, 'res/results.json'))) {
  const results = JSON.parse(readFileSync(join(work, 'res/results.json'), 'utf8'));
  const { Ajv2020 } = createRequire(join(clone, 'package.json'))('ajv/dist/2020.js');
  const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(join(clone, 'docs/results.schema.json'), 'utf8')));
  if (!validate(results)) failures.push(`results.json does not match docs/results.schema.json: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  if (results.labels?.session !== 'first') failures.push('results.json: label session=first missing');
  log(`results.json: status ${results.status}, ${results.runs.length} runs, ${results.runs.map((r) => `${r.id} ${r.counts.completed} done`).join(', ')}`);
  if (existsSync(join(work, 'runs.csv'))) {
    const rows = parseCsv(readFileSync(join(work, 'runs.csv'), 'utf8'));
    const width = rows[0].length;
    if (rows.some((r) => r.length !== width)) failures.push('runs.csv: rows of different widths');
    if (rows.filter((r) => r[rows[0].indexOf('bucket')] === 'all').length !== results.runs.length) failures.push('runs.csv: expected one "all" row per run');
    if (!rows[0].includes('label.session')) failures.push('runs.csv: no label.session column');
    log(`runs.csv: ${rows.length - 1} rows x ${width} columns`);
  }
  if (existsSync(join(work, 'summary.md'))) {
    const md = readFileSync(join(work, 'summary.md'), 'utf8');
    const table = md.split('\n').filter((l) => l.startsWith('| `'));
    if (!/^### (PASS|FAIL): first /.test(md)) failures.push('summary.md: does not start with the verdict');
    if (table.length !== results.runs.length) failures.push(`summary.md: ${table.length} table rows for ${results.runs.length} runs`);
    log(`summary.md: ${md.split('\n')[0]}`);
  }
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */

if (!keep) rmSync(dir, { recursive: true, force: true });
else log(`kept ${dir}`);
if (failures.length > 0) {
  process.stderr.write(`first session FAILED:\n- ${failures.join('\n- ')}\n`);
  process.exit(1);
}
log('first session: OK');
