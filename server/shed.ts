/**
 * The overload path of an infer request, from its headers: admit it, or answer 503 +
 * Retry-After without reading its body, keeping the connection when the declared body is small
 * and closing it otherwise (see refusal).
 *
 * - `x-request-timeout-ms` (optional): how long the client waits for an answer. When the
 *   estimated queue wait is already longer, the request is refused at once (reason
 *   `deadline`): queued, it would time out after holding a place another request could use.
 * - A request refused because every place is taken (reason `overloaded`) is answered after a
 *   pause of the estimated queue wait (within [MIN_PACE_MS, MAX_PACE_MS]; small bodies only): a client that retries at once,
 *   without back-off, would only be refused again, and on a machine whose cores all compute,
 *   an unpaced refusal loop takes CPU from the requests being served (the client's and the
 *   server's). Waiting on a timer costs no CPU; the socket is bounded by maxConnections.
 * - Retry-After says the estimated wait in whole seconds, at least 1.
 */
import type { IncomingMessage } from 'node:http';
import { isRejection, type Admission, type Rejection, type Reservation } from './admission.ts';

/** The longest pause before an `overloaded` 503. */
export const MAX_PACE_MS = 250;
/** The shortest: a fast model's queue wait is a few ms, and a refusal loop at that pace still takes the cores. */
export const MIN_PACE_MS = 100;
export const DEADLINE_HEADER = 'x-request-timeout-ms';

export type HeaderCheck = { reservation: Reservation } | { status: 503 | 400; reason: 'overloaded' | 'deadline' | 'bad_request'; error: string; headers: Record<string, string>; paceMs: number };

/** The deadline header in µs; undefined when absent; a message when malformed. */
export function deadlineUsOf(req: IncomingMessage): number | undefined | string {
  const raw = req.headers[DEADLINE_HEADER];
  if (raw === undefined) return undefined;
  const ms = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!(Number.isFinite(ms) && ms > 0)) return `header ${DEADLINE_HEADER}: expected a positive number of milliseconds, got ${JSON.stringify(raw)}`;
  return ms * 1000;
}

export function admitFromHeaders(admission: Admission, req: IncomingMessage): HeaderCheck {
  const deadlineUs = deadlineUsOf(req);
  if (typeof deadlineUs === 'string') return { status: 400, reason: 'bad_request', error: deadlineUs, headers: {}, paceMs: 0 };
  const outcome = admission.admit(deadlineUs);
  if (!isRejection(outcome)) return { reservation: outcome };
  return refusal(outcome, deadlineUs, smallDeclaredBody(req));
}

/** Refused requests that declare a body up to this size keep their connection. */
export const KEEP_ALIVE_BODY_BYTES = 64 * 1024;

function smallDeclaredBody(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length']);
  return Number.isInteger(length) && length >= 0 && length <= KEEP_ALIVE_BODY_BYTES && req.headers['transfer-encoding'] === undefined;
}

/**
 * A refused request with a small declared body keeps its connection: after the answer, Node
 * discards the unread body and the connection serves the client's next request (a reconnect per
 * refusal, accept on the server and connect on the client, costs more CPU than a few discarded
 * KiB). Only these refusals are paced. A large body is refused at once and its connection
 * closed, so it holds no memory while paused, and resending it paces its client anyway. The
 * answer never waits for the body.
 */
function refusal(rejection: Rejection, deadlineUs: number | undefined, keepAlive: boolean): HeaderCheck {
  const waitMs = rejection.estimatedWaitUs / 1000;
  const headers: Record<string, string> = { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))), ...(keepAlive ? {} : { connection: 'close' }) };
  if (rejection.reason === 'deadline') {
    const error = `server: overloaded (estimated queue wait ${waitMs.toFixed(1)} ms exceeds ${DEADLINE_HEADER} ${(deadlineUs ?? 0) / 1000} ms)`;
    return { status: 503, reason: 'deadline', error, headers, paceMs: 0 };
  }
  const paceMs = keepAlive ? Math.min(MAX_PACE_MS, Math.max(MIN_PACE_MS, waitMs)) : 0;
  return { status: 503, reason: 'overloaded', error: 'server: overloaded (every instance busy, queue full)', headers, paceMs };
}

/** Resolves after `ms` (at once for 0) without holding the event loop open. */
export function pause(ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
