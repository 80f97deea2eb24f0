/** A runbook's run as stored: one per event, saved after every step that changes something. */

export const RUNBOOK_VERDICTS = ['fixed', 'acted', 'escalated', 'observed', 'proposed', 'skipped', 'resolved', 'recorded', 'unmatched'] as const;
export type RunbookVerdict = (typeof RUNBOOK_VERDICTS)[number];

export interface StepRecord {
  step: string;
  outcome: string;
  detail: string;
  durationMs: number;
  /** For an act step: the plan it acted on, or would have. */
  plan?: string;
}

/** Where a run is; persisted after every step that changes something, so a retry resumes exactly there. */
export interface RunRecord {
  /** `alarm#<event id>`, `approval#<proposal>` or `manual#<request id>`: one run per event, however often it arrives. */
  id: string;
  /** Its stored version (0: not stored yet); each save writes the next, on the condition that nobody else did. */
  version: number;
  runbook: string;
  /** The event the run answers: the key of its actions on the guard. */
  eventId: string;
  incidentId?: string;
  /** The incident's version the plans are made on; a changed incident makes a plan stale. */
  incidentVersion?: number;
  /** The index of the next step to run. */
  next: number;
  steps: StepRecord[];
  verdict: RunbookVerdict;
  /** A human's approval of the act step at `step` (a proposal's approval run starts there). */
  approval?: { by: string; step: number };
  /** Who the run acts for, as its timeline lines say: `vigil`, or the human who approved or ran it. Default: vigil. */
  actor?: string;
  /** A human ran it by hand and reads its answer: a step that fails goes back to them, not to an escalation. */
  manual?: boolean;
  /** Why the human ran it, as they said it: the message of an action on no incident carries it. */
  manualReason?: string;
  /** The action this run took, for its verify step. */
  acted?: { remediation: string; targetKey: string };
  /** The check whose incident started the run; a verify step without a check of its own re-runs it. */
  checkId?: string;
  /** A step handed over (to a human, an approval, a guardrail): nothing after it runs. */
  stopped?: boolean;
  /** An action that goes on after its call (a restore): the run checks on it, asleep in between, before any later step. */
  following?: Following;
  /** A wait step's end: the run sleeps until then, its lease let go, and a one-time schedule wakes it. */
  waitUntil?: string;
  status: 'running' | 'done';
  /** The attempt running it, until when: a retry after a crash takes over once it expires, or at once when it knows the holder has ended. */
  lease?: Lease;
  attempts: number;
  startedAt: string;
  finishedAt?: string;
  /** What the run returned, for a replay of its event to quote. */
  result?: Record<string, unknown>;
}

export interface Following {
  /** The act step it belongs to. */
  step: number;
  remediation: string;
  targetKey: string;
  plan: { summary: string; change: Record<string, unknown> };
  since: string;
  /** Checks in a row that could not tell how it stands. */
  misses?: number;
}

export interface Lease {
  /** The attempt: one per handler call. */
  holder: string;
  /** The Lambda invocation, which keeps its request id across Lambda's retries of it. */
  invocation?: string;
  until: string;
}

/** Who asks to run: this attempt, its invocation, and whether the caller knows any other holder has ended. */
export interface Claimant {
  holder: string;
  invocation?: string | undefined;
  /** A stream record is delivered to one invocation at a time: whoever held its run before has ended. */
  holderGone?: boolean | undefined;
}
