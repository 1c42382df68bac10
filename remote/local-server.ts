/**
 * Start `ugbench serve` as a child process on a free loopback port: the load generator and the
 * server then do not share an event loop or a JS heap, as in production. Its stdout's first line
 * is the URL; SIGTERM makes it finish in-flight requests and exit.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LocalServer {
  url: string;
  /** graceful stop: SIGTERM, wait for exit (SIGKILL after `graceMs`) */
  stop(graceMs?: number): Promise<void>;
}

export async function startLocalServer(binPath: string, args: string[], startTimeoutMs = 120_000): Promise<LocalServer> {
  const child = spawn(process.execPath, [binPath, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => fail(`did not start within ${startTimeoutMs} ms`), startTimeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`local ugbench serve ${why}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    void exited.then((code) => fail(`exited with code ${code}`));
  });
  return {
    url,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

