import type { CheckState } from './check-state.js';

/**
 * The states of one run-checks bucket's checks, in one item, as its last round left them: what a steady
 * round decides on instead of reading each check's item (docs/state.md). Written only by run-checks.
 */
export interface RoundSummary {
  bucket: string;
  /** The checks it covers; one absent from `states` has no state yet. */
  checks: string[];
  states: Record<string, CheckState>;
  /** The outside-writes marker as read before the states were: a newer marker means an operator or a runbook wrote since. */
  touchedSeen: number;
  /** When the states were last read from their own items: after a while the summary is read again, whatever the marker says. */
  filledAt: string;
  version: number;
}

/** A summary and the marker, read together in one request. */
export interface SummaryRead {
  summary: RoundSummary | undefined;
  /** How many times check states were written outside a round (0: never). */
  touched: number;
  /** The bucket's windowed checks' latest rounds, when asked for. */
  windows?: BucketWindows;
}

/** One check's latest rounds, oldest first: a letter per round (`o`k, `w`arn, `f`ail, `e`rror), and the number its window reads. */
export interface WindowHistory {
  s: string;
  v: (number | null)[];
}

/** A bucket's windowed checks' histories, by check id: one small item beside its summary, written each round. */
export type BucketWindows = Record<string, WindowHistory>;
