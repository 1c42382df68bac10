/**
 * The scripted first session (test/e2e/first-session.mjs) in the suite: a fresh clone of the
 * committed HEAD with this checkout's node_modules linked in place of `npm ci` (the suite stays
 * offline), then init, bench, report and the exports; the script checks every output and that
 * stderr carried nothing but progress. `npm run e2e:first-session` runs it with a real npm ci.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./first-session.mjs', import.meta.url));

describe('first session', () => {
  it('init, bench, report, CSV and Markdown in a fresh clone, stderr only progress', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--reuse-install'], { encoding: 'utf8', timeout: 600_000 });
    console.log(r.stdout);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/first session: OK/);
  }, 600_000);
});
