/**
 * ABBA interleaving: runs go A B B A, A B B A, ... so a machine that drifts linearly (thermal,
 * a neighbour ramping up) adds the same to both sides within every block of four. A plain
 * A B A B order leaves B half a run later than A on average, which a drift turns into a change.
 * Every run replays the scenario's seeded traffic plan, so both sides see identical arrivals.
 */
export type Side = 'A' | 'B';

const BLOCK: readonly Side[] = ['A', 'B', 'B', 'A'];

/** The side of the run at 0-based position `index` in the sequence. */
export function abbaSide(index: number): Side {
  return BLOCK[index % BLOCK.length] as Side;
}

/**
 * Positions [from, from + count) of the sequence. R repeats per side are 2R runs (an odd R ends
 * on a half block A B); four more from any even position are B A A B or A B B A, both balanced.
 */
export function abbaSchedule(from: number, count: number): Side[] {
  return Array.from({ length: count }, (_, i) => abbaSide(from + i));
}
