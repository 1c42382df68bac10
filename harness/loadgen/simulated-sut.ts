/**
 * A simulated server on the harness clock: `parallel` workers, a FIFO queue in front of them,
 * and a service time per query. With SimulatedClock it gives exact, machine-independent
 * latencies, so executors, queueing and sweeps can be tested against known answers.
 */
import type { Clock } from './clock.ts';
import { COMPLETED_NO_CACHE, type Completion, type Query, type SystemUnderTest } from './sut.ts';

export interface SimulatedSutOptions {
  clock: Clock;
  /** service time of one query in µs (may depend on the query or on the time it starts) */
  serviceUs: (query: Query, startUs: number) => number;
  /** queries served at once; default 1 */
  parallel?: number;
}

export function createSimulatedSut(options: SimulatedSutOptions): SystemUnderTest {
  const parallel = options.parallel ?? 1;
  let busy = 0;
  const queue: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (busy < parallel) {
      busy++;
      return Promise.resolve();
    }
    return new Promise((grant) => queue.push(grant));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  return {
    async issue(query: Query): Promise<Completion> {
      await acquire();
      const startUs = options.clock.nowUs();
      await options.clock.sleepUntilUs(startUs + options.serviceUs(query, startUs));
      release();
      return COMPLETED_NO_CACHE;
    },
  };
}
