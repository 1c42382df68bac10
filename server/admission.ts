/**
 * Bounded admission, decided from the headers alone: a model has `maxInFlight` compute places
 * and `maxQueued` waiting places, and a request reserves one before its body is read. When all
 * are taken the request is rejected at once (503 + Retry-After + Connection: close) without
 * reading, parsing or validating its body: shedding load must cost almost nothing, or goodput
 * collapses under overload. A reservation becomes a compute slot (or a wait for one) once the
 * body is parsed, or is cancelled when the request is answered earlier (400, 413, gone).
 */
export interface AdmissionOptions {
  /** requests computing at once; default 1 (a CPU runtime already uses all cores per request) */
  maxInFlight?: number;
  /** requests waiting for a compute slot, bodies being read included; default 64 */
  maxQueued?: number;
}

export interface Reservation {
  /** resolves with a release function once a compute slot is free */
  acquire(): Promise<() => void>;
  /** give the place back without computing */
  cancel(): void;
}

export interface Admission {
  /** a place for one request, or undefined when every place is taken */
  reserve(): Reservation | undefined;
  /** reserve and acquire at once; undefined when every place is taken */
  acquire(): Promise<(() => void) | undefined>;
  readonly inFlight: number;
  /** waiting for a slot, plus reserved and not yet parsed */
  readonly queued: number;
  /** resolves once nothing is in flight, queued or reserved (graceful shutdown) */
  drained(): Promise<void>;
}

export function createAdmission(options: AdmissionOptions = {}): Admission {
  const maxInFlight = options.maxInFlight ?? 1;
  const maxQueued = options.maxQueued ?? 64;
  let inFlight = 0;
  let reserved = 0;
  const waiting: Array<() => void> = [];
  let drainWaiters: Array<() => void> = [];

  const checkDrained = (): void => {
    if (inFlight > 0 || reserved > 0 || waiting.length > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  };
  const release = (): void => {
    inFlight--;
    const next = waiting.shift();
    if (next) {
      inFlight++;
      next();
    } else checkDrained();
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

  const reserve = (): Reservation | undefined => {
    if (inFlight + reserved + waiting.length >= maxInFlight + maxQueued) return undefined;
    reserved++;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      reserved--;
      return true;
    };
    return {
      async acquire() {
        if (!settle()) throw new Error('admission: reservation used twice');
        if (inFlight < maxInFlight) {
          inFlight++;
          return once();
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
        return once();
      },
      cancel() {
        if (settle()) checkDrained();
      },
    };
  };

  return {
    reserve,
    async acquire() {
      return reserve()?.acquire();
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return waiting.length + reserved;
    },
    drained() {
      if (inFlight === 0 && reserved === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
  };
}
