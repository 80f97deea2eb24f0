/** How a check came out. `error` means Vigil could not tell (a bug or bad setup), not that the target is down. */
export type Status = 'ok' | 'warn' | 'fail' | 'error';

const rank: Record<Status, number> = { ok: 0, warn: 1, fail: 2, error: 3 };

export function worst(...statuses: Status[]): Status {
  return statuses.reduce<Status>((a, b) => (rank[b] > rank[a] ? b : a), 'ok');
}

/** What a probe reports; the runner adds identity and timing to make a Finding. */
export interface Observation {
  status: Status;
  summary: string;
  /** Numbers a graph or threshold can use, e.g. `{ latencyMs: 41, statusCode: 200 }`. */
  observed: Record<string, number>;
  /** What an engineer would have looked at by hand. Never secrets. */
  evidence?: Record<string, unknown>;
}

export interface Finding extends Observation {
  checkId: string;
  kind: string;
  /** The target without credentials; with checkId it fingerprints an incident. */
  target: string;
  startedAt: string;
  durationMs: number;
}
