/**
 * `ugbench --version`: the package version and the commit it runs from. The commit comes from git
 * when the package is a checkout, else from the COMMIT file an image build writes (Dockerfile),
 * else it is reported as unknown. Only computed when asked for (it spawns git).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

export function packageVersion(root = ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The commit (12 hex digits, `-dirty` when tracked files changed), or undefined when unknown. */
export function packageCommit(root = ROOT): string | undefined {
  if (existsSync(join(root, '.git'))) {
    try {
      const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const commit = git('rev-parse', '--short=12', 'HEAD');
      return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}-dirty`;
    } catch {
      // git absent or not a repository: fall through to the COMMIT file
    }
  }
  const file = join(root, 'COMMIT');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim() || undefined;
  return undefined;
}

export function versionLine(root = ROOT): string {
  return `ugbench ${packageVersion(root)} (commit ${packageCommit(root) ?? 'unknown'})`;
}
