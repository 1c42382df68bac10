/**
 * The load generator collects its own young garbage in the gaps of its schedule, never at an
 * arrival. V8 scavenges the young generation when it fills, and whatever allocates the last byte
 * pays: most often the event-loop turns of the clock's spin window, right before a request is
 * due. A scavenge of the generator's heap takes 1-2 ms here, so each one that lands there is a
 * late start (measured: every late start of a default bench under SCHED_FIFO followed one).
 * An open loop knows its next arrival, so before a long sleep it collects when the young
 * generation is half full: the same work, moved to where nothing is due.
 *
 * `gc` is V8's, reached without a command-line flag: `--expose-gc` set at run time applies to
 * contexts created afterwards, and a fresh vm context hands its `gc` out. Where that fails the
 * collector does nothing and says so in `unavailableReason`.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Collect only before a sleep at least this long: a scavenge must end well before the arrival. */
export const GAP_GC_MIN_GAP_US = 8000;
/** Collect once the young generation is this full; fuller, and one spin window could trigger it. */
export const GAP_GC_FILL_FRACTION = 0.5;

type V8Gc = (options: { type: 'minor' | 'major'; execution: 'sync' | 'async' }) => void;

let v8Gc: V8Gc | undefined;
let v8GcReason: string | undefined;

function loadGc(): V8Gc | undefined {
  if (v8Gc !== undefined || v8GcReason !== undefined) return v8Gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') v8Gc = gc as V8Gc;
    else v8GcReason = 'V8 exposed no gc function';
  } catch (error) {
    v8GcReason = `V8's gc could not be reached (${error instanceof Error ? error.message : String(error)})`;
  }
  return v8Gc;
}

/**
 * Fraction of the young generation ("new_space") in use before the next scavenge: used over
 * used + available (`space_size` also counts the semi-space being copied into, so it is not the limit).
 */
function youngFill(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const limit = space ? space.space_used_size + space.space_available_size : 0;
  return space && limit > 0 ? space.space_used_size / limit : 0;
}

export class GapCollector {
  /** young-generation collections done in gaps */
  collections = 0;
  readonly unavailableReason: string | undefined;
  private readonly gc: V8Gc | undefined;

  constructor(enabled = true) {
    this.gc = enabled ? loadGc() : undefined;
    this.unavailableReason = enabled ? v8GcReason : 'disabled';
  }

  /** Called with the time until the next arrival; collects when that gap is long and the young generation fills. */
  beforeSleep(gapUs: number): void {
    if (this.gc === undefined || gapUs < GAP_GC_MIN_GAP_US || youngFill() < GAP_GC_FILL_FRACTION) return;
    this.gc({ type: 'minor', execution: 'sync' });
    this.collections++;
  }
}
