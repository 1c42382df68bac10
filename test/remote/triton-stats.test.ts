/**
 * Triton's statistics extension (issue 17): read before and after a run, differenced into the
 * server's mean queue / compute-input / compute-infer / compute-output µs per request; a server
 * without it (404, or JSON of another shape) is reported as absent with the reason. The server
 * here is a stand-in answering Triton's documented JSON; Triton itself is not installed here.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTritonStats, readTritonStats, serverStatsFacts } from '../../remote/triton-stats.ts';

let server: Server;
let url = '';
let served = 0;
const phase = (count: number, nsEach: number): { count: number; ns: number } => ({ count, ns: count * nsEach });
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v2/models/ours/stats') {
      const n = served;
      served += 10; // ten requests between two reads
      const inference_stats = { success: phase(n, 900_000), fail: phase(0, 0), queue: phase(n, 100_000), compute_input: phase(n, 20_000), compute_infer: phase(n, 700_000), compute_output: phase(n, 30_000) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ model_stats: [{ name: 'ours', version: '1', inference_count: n, execution_count: n, inference_stats, batch_stats: [] }] }));
    } else {
      res.writeHead(404).end('{"error":"not found"}');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

describe('Triton statistics extension', () => {
  it('per-request server phases from the difference of two reads', async () => {
    const before = await readTritonStats(url, 'ours');
    const after = await readTritonStats(url, 'ours');
    const facts = serverStatsFacts(before, after);
    expect(facts).toEqual({ available: true, endpoint: url, requests: 10, failed: 0, queueUs: 100, computeInputUs: 20, computeInferUs: 700, computeOutputUs: 30, requestUs: 900 });
  });

  it('absent extension: the reason, never zeros', async () => {
    const facts = serverStatsFacts(await readTritonStats(url, 'baseline'), await readTritonStats(url, 'baseline'));
    expect(facts).toEqual({ available: false, reason: `${url}: GET /v2/models/baseline/stats answered HTTP 404 (no statistics extension)` });
    expect(parseTritonStats({ models: [] }, url, 'x')).toEqual({ ok: false, reason: `${url}: /v2/models/x/stats answered without model_stats` });
    const unreachable = await readTritonStats('http://127.0.0.1:1', 'x', 2000);
    expect(unreachable.ok).toBe(false);
  });
});
