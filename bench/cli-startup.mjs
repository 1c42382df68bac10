#!/usr/bin/env node
// `npm run bench:cli [-- --before DIR] [--runs N]`: wall time of `ugbench --help`, `--version`,
// `bench --help` and the start of `bench` (until it reads the scenario: a missing file, so it
// exits 104 right after loading what a bench run loads), for this checkout and optionally an
// older one, interleaved run by run so both see the same machine load. Prints medians and
// after/before ratios. Run it under the shared benchmark lock on a shared machine.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentBuild } from '../bin/compiled.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option('--runs') ?? 7);
const after = fileURLToPath(new URL('..', import.meta.url));
const before = option('--before');
// after, run through tsx (UGBENCH_NO_BUILD=1): what lazy loading alone gives, without the build
const checkouts = { ...(before ? { before: { root: before, env: {} } } : {}), 'after-tsx': { root: after, env: { UGBENCH_NO_BUILD: '1' } }, after: { root: after, env: {} } };
const CASES = {
  '--help': ['--help'],
  '--version': ['--version'],
  'bench --help': ['bench', '--help'],
  'bench start-up': ['bench', '/nonexistent/scenario.yaml'],
};

function timeOnce({ root, env }, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'ugbench.mjs'), ...argv], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status };
}

const compiledNow = () => currentBuild(after) !== undefined;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`CPU: ${cpu}, ${cpus().length} logical cores; node ${process.version}; ${runs} runs per case, interleaved\n`);
const samples = {};
for (const c of Object.values(checkouts)) timeOnce(c, ['--help']); // warm the file cache (and tsx's)
for (let i = 0; i < runs; i++) {
  for (const [label, argv] of Object.entries(CASES)) {
    for (const [name, root] of Object.entries(checkouts)) {
      const { ms, status } = timeOnce(root, argv);
      if (name === 'after' && i === 0 && label === '--help' && !compiledNow()) process.stdout.write('note: the build is stale, so "after" ran through tsx: run npm run build first\n');
      ((samples[label] ??= {})[name] ??= { ms: [], status }).ms.push(ms);
    }
  }
}
const header = ['case', ...Object.keys(checkouts).map((n) => `${n} p50 ms (exit)`), ...(before ? ['after / before', 'after-tsx / before'] : [])];
const rows = Object.entries(samples).map(([label, byName]) => {
  const cells = Object.keys(checkouts).map((n) => `${median(byName[n].ms).toFixed(0)} (${byName[n].status})`);
  const ratio = before ? [(median(byName.after.ms) / median(byName.before.ms)).toFixed(2), (median(byName['after-tsx'].ms) / median(byName.before.ms)).toFixed(2)] : [];
  return [label, ...cells, ...ratio];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) process.stdout.write(`${row.map((c, i) => c.padEnd(widths[i])).join('  ')}\n`);
