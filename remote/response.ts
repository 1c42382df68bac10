/** Turn an OIP infer answer into a completion (both HTTP clients use this). */
import type { Completion } from '../harness/loadgen/sut.ts';
import { scoresFromResponse } from '../oip/protocol.ts';

export interface Answer {
  completion: Completion;
  /** the scores, when the answer was a valid one */
  scores?: number[];
}

export function readAnswer(status: number, text: string, candidates: number, replica?: string): Answer {
  if (status < 200 || status >= 300) return { completion: { status: 'errored', cacheHit: null, error: `http ${status}`, replica } };
  let json: { parameters?: Record<string, unknown> };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return { completion: { status: 'errored', cacheHit: null, error: 'bad response: not JSON', replica } };
  }
  const scores = scoresFromResponse(json);
  if (!scores || scores.length !== candidates) {
    return { completion: { status: 'errored', cacheHit: null, error: `bad response: expected ${candidates} scores`, replica } };
  }
  // ugbench serve reports these; other OIP servers may not (then they stay undefined / null).
  const p = json.parameters ?? {};
  return {
    scores,
    completion: {
      status: 'completed',
      cacheHit: p.user_cache === 'hit' ? true : p.user_cache === 'miss' ? false : null,
      replica,
      serverQueueUs: typeof p.queue_us === 'number' ? p.queue_us : undefined,
      serverComputeUs: typeof p.compute_us === 'number' ? p.compute_us : undefined,
    },
  };
}
