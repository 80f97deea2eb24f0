import type { RunbookConfig } from '../config/runbooks.js';
import type { Claimant, Following, Lease, RunbookVerdict, RunRecord, StepRecord } from '../state/run.js';

type VerifyStep = Extract<RunbookConfig['steps'][number], { verify: unknown }>['verify'];

/** What the run does next, decided from the record alone. */
export type NextStep =
  | { index: number; kind: 'diagnose'; checks: string[] }
  | { index: number; kind: 'precheck'; checks: string[] }
  | { index: number; kind: 'act'; remediation: string }
  | { index: number; kind: 'verify'; verify: VerifyStep & { check: string } }
  | { index: number; kind: 'escalate'; reason: string }
  | { index: number; kind: 'wait'; minutes: number }
  /** Checking on the action of act step `index`, which goes on after its call. */
  | { index: number; kind: 'follow'; following: Following }
  /** A step with nothing to do: verify when nothing was done, escalate after a fix. */
  | { index: number; kind: 'pass'; step: string; detail: string };

/** The next step of `run`, or undefined when the run is over. Pure. */
export function nextStep(run: RunRecord, runbook: RunbookConfig): NextStep | undefined {
  if (run.stopped) return undefined;
  // An action still going on holds the run at its step: what follows plans on its end.
  if (run.following) return { index: run.following.step, kind: 'follow', following: run.following };
  if (run.next >= runbook.steps.length) return undefined;
  const index = run.next;
  const step = runbook.steps[index]!;
  if ('diagnose' in step) return { index, kind: 'diagnose', checks: step.diagnose };
  if ('precheck' in step) return { index, kind: 'precheck', checks: step.precheck };
  if ('act' in step) return { index, kind: 'act', remediation: step.act };
  if ('wait' in step) return { index, kind: 'wait', minutes: step.wait.minutes };
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
  /** The run sleeps until then. */
  waitUntil?: string;
  /** The action goes on after its call (set), or has ended (null). */
  following?: Following | null;
}

/** The run after a step. Pure. */
export function advance(run: RunRecord, done: StepDone): RunRecord {
  const { following: _ended, ...rest } = run;
  const following = done.following === undefined ? run.following : (done.following ?? undefined);
  return {
    ...rest,
    // A check on an action in progress is not a step of its own: the run stays where the act left it.
    next: run.following ? run.next : run.next + 1,
    ...(following ? { following } : {}),
    steps: [...run.steps, done.record],
    verdict: done.verdict ?? run.verdict,
    ...(done.acted ? { acted: done.acted } : {}),
    ...(done.stop ? { stopped: true } : {}),
    ...(done.waitUntil ? { waitUntil: done.waitUntil } : {}),
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
