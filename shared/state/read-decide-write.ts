import { StateConflictError } from './ports.js';

/** Rounds of read, decide, write before a hot item's contention is reported as an error. */
const ROUNDS = 8;

export interface ReadDecideWrite<S, N> {
  read: () => Promise<S>;
  /** Pure: the next state, or undefined when nothing needs writing. May throw to refuse. */
  decide: (current: S) => N | undefined;
  /** A conditional write against what `decide` saw; StateConflictError when someone wrote first. */
  write: (next: N, current: S) => Promise<void>;
  /** What the caller already read, to spare the first read. */
  known?: { current: S };
}

/**
 * The one way Vigil changes an item: read, decide, write with a condition; after a lost race, read
 * again (after a short jittered pause, so a burst of writers spreads out) and decide again.
 */
export async function readDecideWrite<S, N>(step: ReadDecideWrite<S, N>): Promise<{ current: S; written: N | undefined }> {
  let current = step.known ? step.known.current : await step.read();
  for (let round = 1; ; round++) {
    const next = step.decide(current);
    if (next === undefined) return { current, written: undefined };
    try {
      await step.write(next, current);
      return { current, written: next };
    } catch (err) {
      if (!(err instanceof StateConflictError) || round >= ROUNDS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** round));
      current = await step.read();
    }
  }
}
