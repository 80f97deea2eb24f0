import { createHash } from 'node:crypto';
import type { ActionTold } from '../state/check-state.js';
import type { Following, StepRecord } from '../state/run.js';
import { remediationOf } from '../remediations/kind.js';
import type { Progress } from '../remediations/remediation.js';
import { message } from './acting.js';
import { remediationContext } from './remediation-context.js';
import { guardedAct, type ActOutcome } from './act.js';
import { check, checkAt, verify } from './checks.js';
import { commit, type Effect } from './commit.js';
import type { RunbookDeps, Running } from './deps.js';
import type { NextStep, StepDone } from './run-record.js';

/** How a step came out, and what it asks to be written. */
export type Performed = StepDone & { effects: Effect[] };

/** A line on the run's timeline, stamped now: step 0 is what started the run, 99 its verdict. */
export function line(deps: Pick<RunbookDeps, 'clock'>, step: number, n: number, what: string, summary: string, reason?: string): Effect {
  return { kind: 'line', at: deps.clock.now().toISOString(), step, line: n, what, summary, ...(reason ? { reason } : {}) };
}

const record = (step: string, outcome: string, detail: string): StepRecord => ({ step, outcome, detail, durationMs: 0 });

/** Carries out one step: checks read, an action taken through its guardrails; every write it implies comes back as an effect. */
export async function perform(step: NextStep, run: Running, deps: RunbookDeps): Promise<Performed> {
  const at = step.index + 1;
  switch (step.kind) {
    case 'pass':
      return { record: record(step.step, 'skipped', step.detail), effects: [] };
    case 'diagnose': {
      const findings = await check(step.checks, deps);
      const detail = findings.map((f) => `${f.checkId} ${f.status}: ${f.summary}`).join('; ');
      return { record: record('diagnose', 'done', detail), effects: [line(deps, at, 0, 'diagnose', detail)] };
    }
    case 'precheck': {
      const findings = await check(step.checks, deps);
      const detail = findings.map((f) => `${f.checkId} ${f.status}: ${f.summary}`).join('; ');
      const failed = findings.filter((f) => f.status !== 'ok');
      if (!failed.length) return { record: record('precheck', 'passed', detail), effects: [line(deps, at, 0, 'precheck', detail)] };
      // A check that could not see counts as failed: nothing is done on a guess.
      const reason = `precheck failed, nothing was done: ${failed.map((f) => `${f.checkId} ${f.status}: ${f.summary}`).join('; ')}`;
      return {
        record: record('precheck', 'failed', detail),
        verdict: 'escalated',
        stop: true,
        effects: [line(deps, at, 0, 'precheck', detail), { kind: 'escalate', reason }],
      };
    }
    case 'act':
      return act(step, run, deps);
    case 'follow':
      return follow(step.following, run, deps);
    case 'wait': {
      const until = new Date(deps.clock.now().getTime() + step.minutes * 60_000).toISOString();
      // The wake-up is scheduled before the run is saved asleep: a run that sleeps always has one coming.
      return {
        record: record('wait', 'waiting', `until ${until}`),
        waitUntil: until,
        effects: [line(deps, at, 0, 'waiting', `until ${until}`), { kind: 'wake', at: until }],
      };
    }
    case 'verify': {
      const passed = await verify(step.verify, deps);
      const { remediation, targetKey } = run.record.acted!;
      const circuitFailures = deps.config.remediations.find((x) => x.id === remediation)!.circuitBreaker.failures;
      const outcome = passed.ok ? 'verified' : 'not-verified';
      return {
        record: record(`verify ${step.verify.check}`, passed.ok ? 'passed' : 'failed', passed.detail),
        verdict: passed.ok ? 'fixed' : 'acted',
        effects: [{ kind: 'settle', targetKey, remediation, outcome, circuitFailures }, line(deps, at, 0, outcome, passed.detail)],
      };
    }
    case 'escalate': {
      // What the run saw last goes with the hand-over: the verify that failed says why.
      const verified = run.record.steps.findLast((s) => s.step.startsWith('verify ') && s.outcome === 'failed');
      const reason = verified ? `${step.reason} (${verified.detail})` : step.reason;
      return { record: record('escalate', 'escalated', reason), verdict: 'escalated', stop: true, effects: [{ kind: 'escalate', reason }] };
    }
  }
}

async function act(step: Extract<NextStep, { kind: 'act' }>, run: Running, deps: RunbookDeps): Promise<Performed> {
  const known = run.known;
  delete run.known;
  const { record: r } = run;
  let lines = 0;
  const outcome = await guardedAct(
    {
      remediationId: step.remediation,
      eventId: r.eventId,
      incident: r.incidentId ? { id: r.incidentId, version: r.incidentVersion! } : undefined,
      approved: r.approval?.step === step.index,
      // Part of acting, not of its commit: sent with the action, so a function that dies mid-action leaves the trace.
      note: async (what, summary, reason) => void (await commit(run.record, [line(deps, step.index + 1, lines++, what, summary, reason)], deps, false)),
      ...(known ? { known } : {}),
    },
    deps,
  );
  const detail = 'result' in outcome ? outcome.result : `${outcome.plan ? `${outcome.plan.summary}: ` : ''}${outcome.reason}`;
  const acted = { ...record(`act ${step.remediation}`, outcome.outcome, detail), ...(outcome.plan ? { plan: outcome.plan.summary } : {}) };
  const lineOf = (what: string, summary: string, reason?: string) => line(deps, step.index + 1, lines++, what, summary, reason);
  const after = afterAct(run, step.index, outcome, deps, lineOf);
  // An action that goes on after its call (a restore) holds the run at this step until it has ended.
  const goesOn = outcome.outcome === 'acted' && (await remediationOf(outcome.remediation.kind)).follow;
  if (!goesOn) return { ...after, record: acted };
  const { plan, targetKey, remediation } = outcome;
  const following = { step: step.index, remediation: remediation.id, targetKey, plan, since: deps.clock.now().toISOString() };
  return { ...after, record: acted, following };
}

/** How many checks in a row may fail to tell how an action stands before a human is asked to look. */
const FOLLOW_MISSES = 3;
/** After a check that could not tell: soon, but not at once. */
const RETRY_MINUTES = 5;

/** Checks on an action still going on: asleep until the next check, or its end told (and handed over when it failed). */
async function follow(f: Following, run: Running, deps: RunbookDeps): Promise<Performed> {
  const remediation = deps.config.remediations.find((r) => r.id === f.remediation)!;
  const kind = await remediationOf(remediation.kind);
  const name = `follow ${f.remediation}`;
  // After the act's own lines, one per look: the timeline keeps them in order and apart.
  const lineOf = (what: string, summary: string, reason?: string) => line(deps, f.step + 1, 100 + run.record.steps.length, what, summary, reason);
  let progress: Progress;
  let misses = 0;
  try {
    progress = await kind.follow!(remediation, f.plan, { ...remediationContext(deps), checkAt: (id, endpoint, signal) => checkAt(id, endpoint, deps, signal) });
  } catch (err) {
    misses = (f.misses ?? 0) + 1;
    const reason = `could not tell how "${f.plan.summary}" stands (${message(err)})`;
    if (misses >= FOLLOW_MISSES) {
      const handed = handOver(run, `${reason}, ${misses} times in a row: look at ${f.targetKey}`, lineOf('unknown', f.plan.summary, reason));
      return { ...handed, record: record(name, 'unknown', reason), following: null };
    }
    progress = { done: false, detail: reason, checkAgainMinutes: RETRY_MINUTES };
  }
  if (!progress.done) {
    const until = new Date(deps.clock.now().getTime() + progress.checkAgainMinutes * 60_000).toISOString();
    return {
      record: record(name, 'in progress', `${progress.detail}; next look ${until}`),
      waitUntil: until,
      following: { ...f, misses },
      effects: [lineOf('in progress', progress.detail), { kind: 'wake', at: until }],
    };
  }
  const told: Effect = {
    kind: 'tell',
    step: f.step,
    action: {
      ...toldOf(run, f.step, { summary: f.plan.summary, result: progress.result, remediation: f.remediation, target: f.targetKey }, deps),
      finished: true,
    },
  };
  const ended = record(name, progress.ok ? 'done' : 'failed', progress.result);
  if (progress.ok) return { record: ended, following: null, effects: [lineOf('done', progress.result), told] };
  return { ...handOver(run, progress.result, lineOf('failed', f.plan.summary, progress.result), told), record: ended, following: null };
}

/** Run by hand, a failure is the answer its operator reads; otherwise it is handed to a human. */
function handOver(run: Running, reason: string, ...first: Effect[]): Omit<Performed, 'record'> {
  return run.record.manual ? { stop: true, effects: first } : { verdict: 'escalated', stop: true, effects: [...first, { kind: 'escalate', reason }] };
}

/** An act outcome as the run's course and the writes it implies. Pure but for the clock that stamps its lines. */
function afterAct(
  run: Running,
  stepIndex: number,
  o: ActOutcome,
  deps: RunbookDeps,
  lineOf: (what: string, summary: string, reason?: string) => Effect,
): Omit<Performed, 'record'> {
  const tell = (what: Pick<ActionTold, 'summary' | 'result' | 'remediation' | 'target' | 'dryRun'>): Effect => ({
    kind: 'tell',
    step: stepIndex,
    action: toldOf(run, stepIndex, what, deps),
  });
  switch (o.outcome) {
    case 'acted':
      return {
        verdict: 'acted',
        acted: { remediation: o.remediation.id, targetKey: o.targetKey },
        effects: [lineOf('acted', o.result), tell({ summary: o.plan.summary, result: o.result, remediation: o.remediation.id, target: o.targetKey })],
      };
    case 'unknown': {
      // Neither verify nor the next step can rest on an action nobody can say happened.
      const reason = `${o.remediation.id} may or may not have acted on ${o.targetKey}, and reading it back could not tell: look at it first`;
      return handOver(
        run,
        reason,
        lineOf('unknown', o.result),
        tell({ summary: o.plan.summary, result: o.result, remediation: o.remediation.id, target: o.targetKey }),
      );
    }
    case 'observed': {
      const target = o.targetKey;
      return {
        verdict: 'observed',
        stop: true,
        effects: [
          lineOf('observed', `would ${o.plan.summary}`, o.reason),
          tell({ summary: o.plan.summary, result: o.reason, remediation: o.remediation.id, target, dryRun: true }),
        ],
      };
    }
    case 'skipped':
      return { verdict: 'skipped', stop: true, effects: [lineOf('skipped', o.plan.summary, o.reason)] };
    case 'refused':
      // A schedule's run that finds nothing to do (an empty queue) ends quietly: nobody needs to hear of it each time.
      if (o.nothingToDo && !run.record.incidentId && !run.record.manual)
        return { verdict: 'skipped', stop: true, effects: [lineOf('skipped', o.remediation.id, o.reason)] };
      return handOver(run, o.reason, lineOf(o.outcome, o.plan?.summary ?? o.remediation.id, o.reason));
    case 'proposed':
      return { verdict: 'proposed', stop: true, effects: proposal(run, stepIndex, o, deps, lineOf) };
    default:
      return handOver(run, o.reason, lineOf(o.outcome, o.plan?.summary ?? o.remediation.id, o.reason));
  }
}

/** Every action reaches a person, told once per run and step. */
function toldOf(run: Running, step: number, what: Pick<ActionTold, 'summary' | 'result' | 'remediation' | 'target' | 'dryRun'>, deps: RunbookDeps): ActionTold {
  const { record } = run;
  return {
    by: record.actor ?? 'vigil',
    at: deps.clock.now().toISOString(),
    ...what,
    ...(record.manualReason ? { reason: record.manualReason } : {}),
    runbook: run.runbook.id,
    run: record.id,
    step,
  };
}

function proposal(
  run: Running,
  stepIndex: number,
  o: Extract<ActOutcome, { outcome: 'proposed' }>,
  deps: RunbookDeps,
  lineOf: (what: string, summary: string, reason?: string) => Effect,
): Effect[] {
  const { record } = run;
  const id = proposalId(record.eventId, stepIndex);
  const expiresAt = new Date(deps.clock.now().getTime() + o.remediation.proposalMinutes * 60_000).toISOString();
  const payload = { remediation: o.remediation.id, approve: id, approvedBy: 'your-name', reason: 'why this is right' };
  const { summary, change } = o.plan;
  return [
    {
      kind: 'propose',
      proposal: { id, remediation: o.remediation.id, incidentId: record.incidentId!, summary, change, expiresAt, runbook: run.runbook.id, step: stepIndex },
      reason: o.reason,
      approval: { payload, function: deps.remediateFunction, expiresAt },
    },
    lineOf('proposed', summary, `approve with ${JSON.stringify(payload)} before ${expiresAt}`),
  ];
}

/** A proposal's id: the same for every attempt of one event's run. */
const proposalId = (eventId: string, stepIndex: number) => `${createHash('sha256').update(eventId).digest('hex').slice(0, 10)}-${stepIndex}`;
