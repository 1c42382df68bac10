/**
 * A system under test behind HTTP: POST each plan query to an Open Inference Protocol server
 * (ugbench serve, Triton, KServe) over keep-alive HTTP/1.1 connections (undici pools). With
 * several endpoints, a user's requests always go to the same replica (consistent hashing), so
 * its server-side user-state cache works. Non-2xx answers, timeouts and connection errors become
 * `errored` completions named by kind (`http 503`, `timeout`, `connection ECONNREFUSED`).
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { Completion, Query, SystemUnderTest } from '../harness/loadgen/sut.ts';
import { HashRing } from './hash-ring.ts';
import type { BodyBuilder } from './request-bodies.ts';
import { readAnswer } from './response.ts';

export interface OipSutOptions {
  /** base URLs, e.g. http://127.0.0.1:8000 */
  endpoints: string[];
  /** served model name */
  modelName: string;
  bodies: BodyBuilder;
  /** keep-alive connections per endpoint */
  connections: number;
  timeoutMs: number;
  /** send parameters.user_id (server-side user-state cache) */
  sendUserId: boolean;
  /** sees every request's scores (the parity sampler) */
  onScores?: (index: number, scores: Float32Array) => void;
}

export interface OipSut extends SystemUnderTest {
  /** close every connection */
  close(): Promise<void>;
}

export function createOipSut(options: OipSutOptions): OipSut {
  const ring = new HashRing(options.endpoints);
  const pools = options.endpoints.map(
    (url) =>
      new Pool(url, {
        connections: options.connections,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      }),
  );
  const path = `/v2/models/${encodeURIComponent(options.modelName)}/infer`;
  const several = options.endpoints.length > 1;

  return {
    async issue(query: Query): Promise<Completion> {
      const r = ring.route(query.userId);
      const replica = several ? options.endpoints[r] : undefined;
      const body = options.bodies.body(query.index, options.sendUserId ? query.userId : undefined);
      try {
        const res = await pools[r]!.request({
          method: 'POST',
          path,
          body,
          headers: { 'content-type': 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const answer = readAnswer(res.statusCode, await res.body.text(), query.candidates, replica);
        if (answer.scores) options.onScores?.(query.index, Float32Array.from(answer.scores));
        return answer.completion;
      } catch (error) {
        return { status: 'errored', cacheHit: null, error: errorKind(error), replica };
      }
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.close()));
    },
  };
}

/** One short name per failure kind, so results count them per kind. */
export function errorKind(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) return 'timeout';
  // anything may be thrown: read `code` (own or its cause's) and `name` only where they are present
  const code = fieldOf(error, 'code') ?? fieldOf(fieldOf(error, 'cause'), 'code');
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `connection ${code}`;
  if (error instanceof undiciErrors.SocketError) return 'connection closed';
  const name = fieldOf(error, 'name');
  return `client ${typeof name === 'string' ? name : 'error'}`;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
