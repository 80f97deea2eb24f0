import { StateConflictError } from '../errors.js';

/** Rounds of read, decide, write before a hot item's contention is reported as an error. */
const ROUNDS = 8;

/** An item written only on the version read: check states, guards, runs. */
export interface Versioned {
  version: number;
}

export interface ReadDecideWrite<S, N extends Versioned> {
  read: () => Promise<S>;
  /** The item in what was read whose version the write depends on. Default: what was read. */
  item?: (current: S) => Versioned | undefined;
  /** Pure: the next item (its version is set here, not there), or undefined when nothing needs writing. May throw to refuse. */
  decide: (current: S) => N | undefined;
  /** A write on the condition that the stored version is still `expectedVersion` (undefined: no item yet); else StateConflictError. */
  write: (next: N, expectedVersion: number | undefined) => Promise<void>;
  /** What the caller already read, to spare the first read. */
  known?: { current: S };
}

/**
 * The one way Vigil changes an item: read, decide, write the next version with a condition; after a
 * lost race, read again (after a short jittered pause, so a burst of writers spreads out) and decide again.
 */
export async function readDecideWrite<S, N extends Versioned>(step: ReadDecideWrite<S, N>): Promise<{ current: S; written: N | undefined }> {
  const itemOf = step.item ?? ((current: S) => current as Versioned | undefined);
  let current = step.known ? step.known.current : await step.read();
  for (let round = 1; ; round++) {
    const decided = step.decide(current);
    if (decided === undefined) return { current, written: undefined };
    const expected = itemOf(current)?.version;
    const next = { ...decided, version: (expected ?? 0) + 1 };
    try {
      await step.write(next, expected);
      return { current, written: next };
    } catch (err) {
      if (!(err instanceof StateConflictError) || round >= ROUNDS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** round));
      current = await step.read();
    }
  }
}
