/**
 * Request bodies under two bounds: per request (`limitBytes`, 413) and server-wide (the memory
 * budget over every body being buffered at once, 503): a server must not grow with the number of
 * concurrent uploads. A body declaring its length is refused before any byte is buffered; a
 * chunked one is counted as it arrives. Nesting deeper than `maxDepth` is refused (400) by a
 * byte scan before JSON.parse, so a hostile deeply nested body costs one linear pass.
 */
import type { IncomingMessage } from 'node:http';

export interface BodyBudget {
  /** bytes all bodies being read may hold together */
  readonly capacityBytes: number;
  /** bytes held now */
  readonly heldBytes: number;
  /** hold `bytes` more; false (nothing held) when the budget would be exceeded */
  take(bytes: number): boolean;
  give(bytes: number): void;
}

export function createBodyBudget(capacityBytes: number): BodyBudget {
  let held = 0;
  return {
    capacityBytes,
    get heldBytes() {
      return held;
    },
    take(bytes) {
      if (held + bytes > capacityBytes) return false;
      held += bytes;
      return true;
    },
    give(bytes) {
      held -= bytes;
    },
  };
}

export type Body = { kind: 'ok'; text: string } | { kind: 'too-large'; bytes: number } | { kind: 'over-budget'; bytes: number } | { kind: 'aborted' };

/** Read the body up to `limit` bytes within the server's budget; past either stop buffering. */
export function readBody(req: IncomingMessage, limit: number, budget: BodyBudget): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large', bytes: declared });
  if (Number.isFinite(declared) && !budget.take(declared)) return Promise.resolve({ kind: 'over-budget', bytes: declared });
  let held = Number.isFinite(declared) ? declared : 0;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let outcome: Body | undefined;
    const done = (body: Body): void => {
      budget.give(held);
      held = 0;
      resolve(body);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (outcome) return;
      if (bytes > limit) outcome = { kind: 'too-large', bytes };
      else if (!Number.isFinite(declared) && !budget.take(chunk.length)) outcome = { kind: 'over-budget', bytes };
      else if (!Number.isFinite(declared)) held += chunk.length;
      if (outcome) {
        chunks.length = 0;
        done(outcome);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!outcome) done({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    });
    const gone = (): void => {
      if (!outcome) done((outcome = { kind: 'aborted' }));
    };
    req.on('error', gone);
    req.on('aborted', gone);
  });
}

/** Deepest [ / { nesting outside strings, stopping early past `maxDepth`. */
export function nestingDepth(text: string, maxDepth: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > maxDepth) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
