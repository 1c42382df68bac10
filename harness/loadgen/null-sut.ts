/**
 * The null system under test: completes every query at once. What remains in its latencies is
 * the harness's own overhead (scheduling, bookkeeping, promise turns): `npm run bench:harness`.
 */
import { COMPLETED_NO_CACHE, type Completion, type SystemUnderTest } from './sut.ts';

export function createNullSut(): SystemUnderTest {
  const done: Promise<Completion> = Promise.resolve(COMPLETED_NO_CACHE);
  return { issue: () => done };
}
