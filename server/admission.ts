/**
 * Bounded admission: at most `maxInFlight` requests compute at once and at most `maxQueued`
 * wait; past that a request is rejected at once (503 + Retry-After) instead of growing memory
 * without bound. Compute on CPU uses every core per request, so the default is one at a time.
 */
export interface AdmissionOptions {
  /** requests computing at once; default 1 (a CPU runtime already uses all cores per request) */
  maxInFlight?: number;
  /** requests waiting for a compute slot; default 64 */
  maxQueued?: number;
}

export interface Admission {
  /** resolves when a slot is free with a release function, or undefined when the queue is full */
  acquire(): Promise<(() => void) | undefined>;
  readonly inFlight: number;
  readonly queued: number;
  /** resolves once nothing is in flight or queued (graceful shutdown) */
  drained(): Promise<void>;
}

export function createAdmission(options: AdmissionOptions = {}): Admission {
  const maxInFlight = options.maxInFlight ?? 1;
  const maxQueued = options.maxQueued ?? 64;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  let drainWaiters: Array<() => void> = [];

  const release = (): void => {
    inFlight--;
    const next = waiting.shift();
    if (next) {
      inFlight++;
      next();
    } else if (inFlight === 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
  const once = (): (() => void) => {
    let released = false;
    return () => {
      if (!released) {
        released = true;
        release();
      }
    };
  };

  return {
    async acquire() {
      if (inFlight < maxInFlight) {
        inFlight++;
        return once();
      }
      if (waiting.length >= maxQueued) return undefined;
      await new Promise<void>((resolve) => waiting.push(resolve));
      return once();
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return waiting.length;
    },
    drained() {
      if (inFlight === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
  };
}
