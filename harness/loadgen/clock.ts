/**
 * The one clock: every timestamp the harness takes and every wait it does goes through a Clock,
 * so tests can swap in a simulated clock and get exact, machine-independent timing.
 * Times are microseconds as doubles (53-bit mantissa: exact to the ns for ~100 days).
 */
import { setImmediate as yieldToLoop, setTimeout as sleepMs } from 'node:timers/promises';

export interface Clock {
  /** monotonic time in µs from an arbitrary origin */
  nowUs(): number;
  /** resolve at or after `targetUs` (same origin as nowUs) */
  sleepUntilUs(targetUs: number): Promise<void>;
  /** let other work run (completions, timers) without waiting for a time */
  yieldNow(): Promise<void>;
}

/**
 * process.hrtime.bigint based. Waits sleep on a timer until `spinWindowUs` before the target and
 * then yield to the event loop (setImmediate) until it is reached: timers alone are ~1 ms
 * coarse, and a pure busy-wait would stop completions from being processed.
 *
 * A long timer also runs late in proportion to its length: measured on a Firecracker VM, idle,
 * 0.5-1% (a 300 ms sleep woke 1.5-2.8 ms late, a 10 ms one 0.1-0.4 ms), past any fixed spin
 * window; under SCHED_FIFO too, so it is the timer, not the scheduler. So a sleep covers only
 * SLEEP_SHARE of the time to the window and the loop sleeps again for the rest: each round's
 * error shrinks with its length, one or two extra wake-ups per request.
 */
/** Below this many µs to go, HrClock spins instead of taking event-loop turns. */
const FINAL_SPIN_US = 40;
/** Share of the time left before the spin window that one timer sleep covers. */
const SLEEP_SHARE = 0.97;

export class HrClock implements Clock {
  // performance.now() reads the same monotonic clock as hrtime (sub-µs resolution) but returns a
  // double: hrtime.bigint() allocates a BigInt per call, and at tens of thousands of requests/s
  // those allocations alone trigger young-generation GCs that show up in the p99.
  private readonly originMs = performance.now();
  constructor(private readonly spinWindowUs = 1200) {}

  nowUs(): number {
    return (performance.now() - this.originMs) * 1000;
  }

  async sleepUntilUs(targetUs: number): Promise<void> {
    // One microtask turn first: completions already resolved get their end time now, not after
    // the spin below.
    await Promise.resolve();
    for (;;) {
      const remainingUs = targetUs - this.nowUs();
      if (remainingUs <= 0) return;
      if (remainingUs > this.spinWindowUs + 300) await sleepMs(((remainingUs - this.spinWindowUs) * SLEEP_SHARE) / 1000);
      else if (remainingUs > FINAL_SPIN_US) await yieldToLoop();
      else {
        // Last few µs: an event-loop turn costs more than the wait itself, so spin in place.
        // Synchronously: spinning on `await` allocates a promise per turn, thousands per request
        // at high rates, and the young-generation GCs that follow were the p99 of the harness.
        // Completions resolved during these few µs wait for them (I/O ones could not run anyway).
        while (this.nowUs() < targetUs) {
          /* spin */
        }
        return;
      }
    }
  }

  yieldNow(): Promise<void> {
    return yieldToLoop();
  }
}

/**
 * Discrete-event clock for tests: time stands still until every actor is waiting on the clock,
 * then jumps to the earliest wake-up. "Every actor is waiting" is detected with setImmediate,
 * which runs only after all pending promise continuations have drained; so this is exact for
 * code that waits only on this clock and on promises (no I/O).
 */
export class SimulatedClock implements Clock {
  private now = 0;
  private seq = 0;
  private readonly timers: { atUs: number; seq: number; wake: () => void }[] = [];
  private advancing = false;

  nowUs(): number {
    return this.now;
  }

  /** Move time forward by hand (e.g. to model CPU work inside a synchronous call). */
  advanceUs(deltaUs: number): void {
    this.now += deltaUs;
  }

  sleepUntilUs(targetUs: number): Promise<void> {
    if (targetUs <= this.now) return Promise.resolve();
    return new Promise((wake) => {
      this.timers.push({ atUs: targetUs, seq: this.seq++, wake });
      this.scheduleAdvance();
    });
  }

  /** A microtask turn only: a macrotask turn would let simulated time jump. */
  yieldNow(): Promise<void> {
    return Promise.resolve();
  }

  private scheduleAdvance(): void {
    if (this.advancing) return;
    this.advancing = true;
    setImmediate(() => {
      this.advancing = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.atUs - b.atUs || a.seq - b.seq);
      const first = this.timers.shift()!;
      this.now = Math.max(this.now, first.atUs);
      // wake every timer due at this instant, in order of registration
      const due = [first];
      while (this.timers.length > 0 && this.timers[0]!.atUs <= this.now) due.push(this.timers.shift()!);
      for (const timer of due) timer.wake();
      if (this.timers.length > 0) this.scheduleAdvance();
    });
  }
}
