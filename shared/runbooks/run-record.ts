import type { RunbookConfig } from '../config/remediations.js';

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
  status: 'running' | 'done';
  /** The attempt running it, until when: a retry after a crash takes over once it expires, or at once when it knows the holder has ended. */
  lease?: Lease;
  attempts: number;
  startedAt: string;
  finishedAt?: string;
  /** What the run returned, for a replay of its event to quote. */
  result?: Record<string, unknown>;
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

type VerifyStep = Extract<RunbookConfig['steps'][number], { verify: unknown }>['verify'];

/** What the run does next, decided from the record alone. */
export type NextStep =
  | { index: number; kind: 'diagnose'; checks: string[] }
  | { index: number; kind: 'act'; remediation: string }
  | { index: number; kind: 'verify'; verify: VerifyStep & { check: string } }
  | { index: number; kind: 'escalate'; reason: string }
  /** A step with nothing to do: verify when nothing was done, escalate after a fix. */
  | { index: number; kind: 'pass'; step: string; detail: string };

/** The next step of `run`, or undefined when the run is over. Pure. */
export function nextStep(run: RunRecord, runbook: RunbookConfig): NextStep | undefined {
  if (run.stopped || run.next >= runbook.steps.length) return undefined;
  const index = run.next;
  const step = runbook.steps[index]!;
  if ('diagnose' in step) return { index, kind: 'diagnose', checks: step.diagnose };
  if ('act' in step) return { index, kind: 'act', remediation: step.act };
  if ('verify' in step) {
    const check = step.verify.check ?? run.checkId;
    if (!run.acted) return { index, kind: 'pass', step: `verify ${check ?? ''}`.trim(), detail: 'nothing was done to verify' };
    if (!check)
      return {
        index,
        kind: 'pass',
        step: 'verify',
        detail: 'not verified: the runbook re-runs the check that started it, and this run has none; name the incident',
      };
    return { index, kind: 'verify', verify: { ...step.verify, check } };
  }
  return run.verdict === 'fixed'
    ? { index, kind: 'pass', step: 'escalate', detail: 'fixed; no human needed' }
    : { index, kind: 'escalate', reason: step.escalate };
}

/** How a step came out. */
export interface StepDone {
  record: StepRecord;
  verdict?: RunbookVerdict;
  acted?: RunRecord['acted'];
  /** The runbook stops here. */
  stop?: boolean;
}

/** The run after a step. Pure. */
export function advance(run: RunRecord, done: StepDone): RunRecord {
  return {
    ...run,
    next: run.next + 1,
    steps: [...run.steps, done.record],
    verdict: done.verdict ?? run.verdict,
    ...(done.acted ? { acted: done.acted } : {}),
    ...(done.stop ? { stopped: true } : {}),
  };
}

/** A new run for an event, held by `claimant` until `until`. */
export function newRun(id: string, eventId: string, runbook: string, claimant: Claimant, until: Date, now: Date): RunRecord {
  return {
    id,
    version: 0,
    runbook,
    eventId,
    next: 0,
    steps: [],
    verdict: 'recorded',
    status: 'running',
    lease: leaseOf(claimant, until),
    attempts: 1,
    startedAt: now.toISOString(),
  };
}

const leaseOf = ({ holder, invocation }: Claimant, until: Date): Lease => ({ holder, ...(invocation ? { invocation } : {}), until: until.toISOString() });

/** What to do with a run found already stored for this event. Pure. */
export function joinRun(found: RunRecord, me: Claimant, until: Date, now: Date): { take: RunRecord } | { replay: RunRecord } | { wait: string } {
  if (found.status === 'done') return { replay: found };
  // This attempt's own run, found again after a failed write: its lease runs on.
  if (found.lease?.holder === me.holder) return { take: { ...found, lease: leaseOf(me, until) } };
  // An earlier attempt of this invocation (Lambda retries after it ended), or a holder the caller knows has ended.
  const ended = me.holderGone || (me.invocation !== undefined && found.lease?.invocation === me.invocation);
  if (!ended && found.lease && new Date(found.lease.until) > now) return { wait: found.lease.until };
  // Its last attempt died (or timed out): take it over where it stopped.
  return { take: { ...found, lease: leaseOf(me, until), attempts: found.attempts + 1 } };
}

/** The run, over: its lease released and its result kept for replays. */
export function finishRun(run: RunRecord, result: Record<string, unknown>, now: Date): RunRecord {
  const { lease: _released, ...rest } = run;
  return { ...rest, status: 'done', finishedAt: now.toISOString(), result };
}
