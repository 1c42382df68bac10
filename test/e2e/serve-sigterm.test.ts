/**
 * `ugbench serve` exits 0 on SIGTERM with a request in flight, and that request still gets its
 * scores. "In flight" is read from the server's own gauge (ugbench_in_flight_requests on
 * /metrics), not guessed from a sleep: the reference runtime on `small` takes seconds for 48
 * candidates, so the request is still computing when the signal arrives.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../../models/presets.ts';
import { syntheticRequest } from '../../models/requests.ts';

const BIN = join(resolve(import.meta.dirname, '../..'), 'bin/ugbench.mjs');
const CANDIDATES = 48;

async function inFlight(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('ugbench_in_flight_requests'));
  return line ? Number(line.split(/\s+/).at(-1)) : 0;
}

describe('ugbench serve', () => {
  it('SIGTERM with a request in flight: the request completes with its scores, the process exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--preset', 'small', '--variants', 'baseline', '--runtime', 'reference', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const [first] = (await once(child.stdout, 'data')) as [Buffer];
      const url = String(first).trim().split('\n')[0]!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const config = presetConfig('small');
      const request = syntheticRequest(config, 1, 'u', 'r', CANDIDATES);
      const body = {
        inputs: [
          { name: 'user_features', datatype: 'FP32', shape: [1, config.Fu], data: Array.from(request.userFeatures) },
          { name: 'group_features', datatype: 'FP32', shape: [CANDIDATES, config.Fg], data: Array.from(request.groupFeatures) },
        ],
      };
      const response = fetch(`${url}/v2/models/baseline/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // wait on the server's own signal that the request is computing
      for (let i = 0; i < 600 && (await inFlight(url)) < 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await inFlight(url)).toBe(1);
      child.kill('SIGTERM');
      const res = await response;
      expect(res.status).toBe(200);
      const out = (await res.json()) as { outputs: Array<{ name: string; data: number[] }> };
      expect(out.outputs.find((o) => o.name === 'scores')!.data).toHaveLength(CANDIDATES);
      const [code, signal] = await exited;
      expect(stderr).not.toContain('crashed');
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
