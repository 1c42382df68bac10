/**
 * Bounded admission, decided from the headers alone: a model has `maxInFlight` compute places
 * and `maxQueued` waiting places, and a request reserves one before its body is read. When all
 * are taken the request is rejected (503 + Retry-After, see shed.ts) without reading,
 * parsing or validating its body: shedding load must cost almost nothing, or goodput collapses
 * under overload. A reservation becomes a compute slot (or a wait for one) once the body is
 * parsed, or is cancelled when the request is answered earlier (400, 413, gone).
 *
 * Two more ways a request is kept from costing compute it cannot use:
 * - a deadline: a request that says how long it will wait is rejected at once when the
 *   estimated queue wait (the running mean service time x the requests ahead / slots) is
 *   already longer: it would time out in the queue, after holding a place others could use;
 * - a client that leaves while queued: its acquire() resolves undefined and its place goes to
 *   the next request, so no compute is spent on an answer nobody reads.
 */
export interface AdmissionOptions {
  /** requests computing at once; default 1 (a CPU runtime already uses all cores per request) */
  maxInFlight?: number;
  /** requests waiting for a compute slot, bodies being read included; default 64 */
  maxQueued?: number;
  /** milliseconds clock for service times; default performance.now (tests inject one) */
  nowMs?: () => number;
}

export interface Reservation {
  /**
   * Resolves with a release function once a compute slot is free, or with undefined when
   * `signal` aborts first (the client left): the place is given back, nothing is computed.
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | undefined>;
  /** give the place back without computing */
  cancel(): void;
}

/** Why admit() refused: every place taken, or the queue wait longer than the request's deadline. */
export interface Rejection {
  reason: 'full' | 'deadline';
  /** the estimated wait for a compute slot, µs (0 before any service time was seen) */
  estimatedWaitUs: number;
}

export interface Admission {
  /** a place for one request, or undefined when every place is taken */
  reserve(): Reservation | undefined;
  /** a place for a request that waits at most `deadlineUs` (undefined: no deadline), or why not */
  admit(deadlineUs?: number): Reservation | Rejection;
  /** reserve and acquire at once; undefined when every place is taken */
  acquire(): Promise<(() => void) | undefined>;
  readonly inFlight: number;
  /** waiting for a slot, plus reserved and not yet parsed */
  readonly queued: number;
  /** running mean service time (acquire to release), µs; 0 before the first release */
  readonly meanServiceUs: number;
  /** the wait a request admitted now would see before computing, µs */
  estimatedWaitUs(): number;
  /** resolves once nothing is in flight, queued or reserved (graceful shutdown) */
  drained(): Promise<void>;
}

/** Weight of the newest service time in the running mean: a few dozen requests of memory. */
const EWMA_WEIGHT = 0.1;

export function isRejection(value: Reservation | Rejection): value is Rejection {
  return 'reason' in value;
}

/** The counters and the wait list of one model's admission. */
class Places {
  inFlight = 0;
  reserved = 0;
  meanServiceUs = 0;
  readonly waiting: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(
    readonly maxInFlight: number,
    readonly maxQueued: number,
    private readonly nowMs: () => number,
  ) {}

  get idle(): boolean {
    return this.inFlight === 0 && this.reserved === 0 && this.waiting.length === 0;
  }

  checkDrained(): void {
    if (!this.idle) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** the release function of one slot: idempotent, and it feeds the running mean service time */
  slot(): () => void {
    const startMs = this.nowMs();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const us = (this.nowMs() - startMs) * 1000;
      this.meanServiceUs = this.meanServiceUs === 0 ? us : this.meanServiceUs + EWMA_WEIGHT * (us - this.meanServiceUs);
      this.inFlight--;
      const next = this.waiting.shift();
      if (next) {
        this.inFlight++;
        next();
      } else this.checkDrained();
    };
  }

  /** wait for a slot; undefined (and the place freed) when the signal aborts first */
  waitForSlot(signal: AbortSignal | undefined): Promise<(() => void) | undefined> {
    return new Promise((resolve) => {
      const granted = (): void => {
        signal?.removeEventListener('abort', gone);
        resolve(this.slot());
      };
      const gone = (): void => {
        const at = this.waiting.indexOf(granted);
        if (at >= 0) this.waiting.splice(at, 1);
        this.checkDrained();
        resolve(undefined);
      };
      this.waiting.push(granted);
      signal?.addEventListener('abort', gone, { once: true });
    });
  }

  estimatedWaitUs(): number {
    const ahead = this.inFlight + this.reserved + this.waiting.length - this.maxInFlight + 1;
    return ahead <= 0 ? 0 : Math.ceil(ahead / this.maxInFlight) * this.meanServiceUs;
  }

  get full(): boolean {
    return this.inFlight + this.reserved + this.waiting.length >= this.maxInFlight + this.maxQueued;
  }
}

function reservationOf(places: Places): Reservation {
  places.reserved++;
  let settled = false;
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    places.reserved--;
    return true;
  };
  return {
    async acquire(signal) {
      if (!settle()) throw new Error('admission: reservation used twice');
      if (signal?.aborted) {
        places.checkDrained();
        return undefined;
      }
      if (places.inFlight < places.maxInFlight) {
        places.inFlight++;
        return places.slot();
      }
      return places.waitForSlot(signal);
    },
    cancel() {
      if (settle()) places.checkDrained();
    },
  };
}

export function createAdmission(options: AdmissionOptions = {}): Admission {
  const places = new Places(options.maxInFlight ?? 1, options.maxQueued ?? 64, options.nowMs ?? ((): number => performance.now()));
  const admit = (deadlineUs?: number): Reservation | Rejection => {
    if (places.full) return { reason: 'full', estimatedWaitUs: places.estimatedWaitUs() };
    const waitUs = places.estimatedWaitUs();
    if (deadlineUs !== undefined && waitUs > deadlineUs) return { reason: 'deadline', estimatedWaitUs: waitUs };
    return reservationOf(places);
  };
  const reserve = (): Reservation | undefined => {
    const outcome = admit();
    return isRejection(outcome) ? undefined : outcome;
  };
  return {
    reserve,
    admit,
    async acquire() {
      return reserve()?.acquire();
    },
    get inFlight() {
      return places.inFlight;
    },
    get queued() {
      return places.waiting.length + places.reserved;
    },
    get meanServiceUs() {
      return places.meanServiceUs;
    },
    estimatedWaitUs: () => places.estimatedWaitUs(),
    drained: () => places.drained(),
  };
}
