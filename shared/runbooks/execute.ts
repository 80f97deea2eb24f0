import { createHash, randomUUID } from 'node:crypto';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { RunbookConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { activeSilence } from '../config/silences.js';
import { runChecks } from '../engine/runner.js';
import type { AlarmEvent } from '../events/alarm.js';
import type { Finding } from '../findings.js';
import { applyFinding } from '../incidents/apply-finding.js';
import { decideActed, decideEscalation, decideProposal } from '../incidents/human.js';
import { checkIdOf } from '../incidents/operator.js';
import { isFailing, type IncidentPolicy } from '../incidents/policy.js';
import { isActive, type ActionTold, type CheckState } from '../state/check-state.js';
import { updateCheckState } from '../incidents/update-state.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import { actionNotice } from '../notifications/action-notice.js';
import type { Publisher } from '../notifications/publisher.js';
import { probeRegistry } from '../probes/index.js';
import { VigilError } from '../errors.js';
import { StateConflictError, type GuardRead, type StateStore } from '../state/ports.js';
import { guardedAct, settleGuard, targetKeyOf, type ActOutcome } from './act.js';
import { matchRunbook } from './match.js';
import { advance, finishRun, joinRun, newRun, nextStep, type NextStep, type StepDone } from './run-record.js';
import type { RunbookVerdict, RunRecord, StepRecord } from '../state/run.js';

export interface RunbookDeps {
  config: VigilConfig;
  store: StateStore;
  aws: AwsPorts;
  clock: Clock;
  log: Log;
  /** Waits for settle delays; tests pass one that returns at once. */
  sleep: (ms: number) => Promise<void>;
  /** Named in proposals as the function that approves them. */
  remediateFunction: string;
  /** When this invocation will be stopped: a run's lease lasts no longer, so a retry after a crash can take over. */
  deadline: () => Date;
  /** Who holds a run's lease: one id per attempt, so the attempt going on after a failed write finds the run its own. */
  holder?: string;
  /** The Lambda request id, the same for every retry of one invocation: a retry takes over its own dead attempt's run at once. */
  invocation?: string;
  /** A stream record's run: one invocation at a time holds it, so a lease found is a dead attempt's. */
  holderGone?: boolean;
  meter?: Meter;
  /** Where an action with no incident to carry its message is told (the alerts topic): a manual run on no incident. */
  notices?: { publisher: Publisher; topic: string };
}

export interface RunbookResult {
  /** The alarm that started the run; for a run a check started, `check` instead. */
  alarm?: string;
  check?: string;
  /** The alarm's state, or what the check's incident did (`opened`, `failing 3 rounds`, …). */
  state: string;
  runbook?: string;
  incidentId?: string;
  /** For an approval's run: who approved it. */
  approvedBy?: string;
  verdict: RunbookVerdict;
  steps: StepRecord[];
  /** Set when the event had already been handled: what its first delivery did. Nothing was done again. */
  replay?: { of: string; at: string; firstVerdict: RunbookVerdict };
  /** Set when an earlier attempt failed or died before this one finished the run. */
  attempts?: number;
}

/** A run as this attempt carries it: the stored record, and what only this attempt holds. */
export interface Running {
  record: RunRecord;
  runbook: RunbookConfig;
  /** Read with the alarm's state, for a runbook that acts first; used by that first act only. */
  known?: GuardRead;
  /** Timeline writes still on their way; awaited before the run reports. */
  pending: Promise<void>[];
}

const alarmCheckId = (alarmName: string) => `alarm:${alarmName}`;

/** One "CloudWatch Alarm State Change": record it on an incident and, on the way into ALARM, run its runbook. */
export async function handleAlarm(event: AlarmEvent, deps: RunbookDeps): Promise<RunbookResult> {
  const match = matchRunbook(deps.config.runbooks, event, deps.config.alarms);
  if (!match) return { alarm: event.detail.alarmName, state: event.detail.state.value, verdict: 'unmatched', steps: [] };

  const started = await startRun(deps, `alarm#${event.id}`, event.id, match.runbook);
  if ('replay' in started) return started.replay as RunbookResult;
  try {
    return await alarmRun(event, match, started.run, deps);
  } catch (err) {
    await release(started.run, deps);
    throw err;
  }
}

/** The run of one alarm event, from wherever it stands. */
async function alarmRun(event: AlarmEvent, match: NonNullable<ReturnType<typeof matchRunbook>>, run: Running, deps: RunbookDeps): Promise<RunbookResult> {
  const { alarmName, state, previousState } = event.detail;
  const base = { alarm: alarmName, state: state.value };
  const { runbook } = match;

  const checkId = alarmCheckId(alarmName);
  if (state.value === 'INSUFFICIENT_DATA' || (state.value === 'ALARM' && previousState?.value === 'ALARM')) {
    // Recorded, never acted on: no data is not evidence, and a repeat is not a new transition.
    const current = (await deps.store.getCheckStates([checkId])).get(checkId);
    if (isActive(current?.incident))
      await note(deps, current.incident.id, noteKey(event.id, 0, 0, 'alarm'), 'alarm', `${alarmName} is ${state.value}: ${state.reason}`);
    return done(run, { ...base, runbook: runbook.id, ...(current?.incident ? { incidentId: current.incident.id } : {}), verdict: 'recorded', steps: [] }, deps);
  }

  const finding = alarmFinding(event, deps.clock.now());
  if (state.value === 'OK') {
    if (!runbook.resolveOnOk) return done(run, { ...base, runbook: runbook.id, verdict: 'recorded', steps: [] }, deps);
    const stored = (await deps.store.getCheckStates([checkId])).get(checkId);
    const { written, previous } = await applyFinding(deps.store, finding, findingContext(runbook, event, deps), stored);
    const incident = (written ?? previous)?.incident;
    const resolved = written?.transition?.kind === 'resolved';
    if (incident) await note(deps, incident.id, noteKey(event.id, 0, 0, 'alarm'), 'alarm', `${alarmName} is OK: ${state.reason}`);
    return done(
      run,
      { ...base, runbook: runbook.id, ...(incident ? { incidentId: incident.id } : {}), verdict: resolved ? 'resolved' : 'recorded', steps: [] },
      deps,
    );
  }

  if (run.record.incidentId === undefined) {
    // A runbook that acts first reads the guard with the alarm's state: one round trip less before acting.
    const first = runbook.steps[0];
    const read = first && 'act' in first ? await deps.store.getGuard(targetKeyOf(first.act, deps.config), checkId) : undefined;
    const stored = read ? read.check : (await deps.store.getCheckStates([checkId])).get(checkId);
    const { written, previous } = await applyFinding(deps.store, finding, findingContext(runbook, event, deps), stored);
    const current = (written ?? previous)!;
    run.record = { ...run.record, incidentId: current.incident!.id, incidentVersion: current.version };
    if (read) run.known = { ...read, check: current };
    // Written while the runbook goes on, not before: nothing waits on this line of the timeline.
    pending(run, runNote(run, deps, 0, 0, 'alarm', `${alarmName} went ${previousState?.value ?? '?'} → ALARM: ${state.reason}`, `runbook ${runbook.id}`));
  }

  if ('missingTags' in match) {
    await escalate(run, deps, `runbook ${runbook.id} matches by tags, but the event carries no alarmTags (turn on tag propagation); nothing was done`);
    run.record = { ...run.record, verdict: 'escalated', stopped: true };
  }
  await runSteps(run, deps);
  return finish(run, base, deps);
}

/**
 * Claims the run of one event for this attempt: a new one, one whose last attempt died, or the
 * first delivery's result when it is over. A run another attempt is still on is waited for.
 */
export async function startRun(
  deps: RunbookDeps,
  id: string,
  eventId: string,
  runbook: RunbookConfig,
  seed: Partial<RunRecord> = {},
): Promise<{ run: Running } | { replay: unknown }> {
  const me = { holder: deps.holder ?? randomUUID(), invocation: deps.invocation, holderGone: deps.holderGone };
  const until = deps.deadline();
  const running = (record: RunRecord): { run: Running } => ({ run: { record, runbook, pending: [] } });
  try {
    return running(await persist(deps.store, { ...newRun(id, eventId, runbook.id, me, until, deps.clock.now()), ...seed }));
  } catch (err) {
    if (!(err instanceof StateConflictError)) throw err;
  }
  // A duplicate delivery while the first is still at work waits for its result, as long as this attempt can.
  let polls = Math.floor((until.getTime() - deps.clock.now().getTime()) / RUN_POLL_MS) - 1;
  for (;;) {
    const found = (await deps.store.getRun(id))!;
    const joined = joinRun(found, me, until, deps.clock.now());
    if ('replay' in joined) return { replay: replayOf(joined.replay) };
    if ('take' in joined) {
      try {
        return running(await persist(deps.store, joined.take));
      } catch (err) {
        if (!(err instanceof StateConflictError)) throw err;
        continue;
      }
    }
    if (polls-- <= 0) throw new RunInProgressError(`${id} is still running (held until ${joined.wait}); this attempt ends first, so Lambda will retry it`);
    await deps.sleep(RUN_POLL_MS);
  }
}

const RUN_POLL_MS = 2_000;

/** Another attempt holds the run past this attempt's own end. */
export class RunInProgressError extends VigilError {
  override name = 'RunInProgressError';
}

/** What a replayed delivery answers: the first result, marked as a replay. */
function replayOf(run: RunRecord): unknown {
  const first = (run.result ?? {}) as Partial<RunbookResult>;
  return { ...first, replay: { of: run.eventId, at: run.finishedAt ?? run.startedAt, firstVerdict: first.verdict ?? run.verdict } };
}

/** A failed attempt lets go of its run at once, so Lambda's retry need not wait for the lease to run out. */
export async function release(run: Running, deps: RunbookDeps): Promise<void> {
  try {
    run.record = await persist(deps.store, { ...run.record, lease: { ...(run.record.lease ?? { holder: '' }), until: deps.clock.now().toISOString() } });
  } catch {
    // The store is what failed: the lease runs out at this attempt's deadline instead.
  }
}

/** Writes the run's next version, on the condition that nobody else (a newer attempt) did. */
async function persist(store: StateStore, record: RunRecord): Promise<RunRecord> {
  const next = { ...record, version: record.version + 1 };
  await store.putRun(next, record.version === 0 ? undefined : record.version);
  return next;
}

/** Runs the runbook from where the run stands; every step that changes something is saved before the next. */
export async function runSteps(run: Running, deps: RunbookDeps): Promise<void> {
  for (let step = nextStep(run.record, run.runbook); step; step = nextStep(run.record, run.runbook)) {
    const started = performance.now();
    const outcome = await perform(step, run, deps);
    run.record = advance(run.record, { ...outcome, record: { ...outcome.record, durationMs: Math.round(performance.now() - started) } });
    // A read-only step is cheaper to run again than to save.
    if (step.kind !== 'diagnose' && step.kind !== 'pass') run.record = await persist(deps.store, run.record);
  }
}

async function perform(step: NextStep, run: Running, deps: RunbookDeps): Promise<StepDone> {
  const record = (name: string, outcome: string, detail: string): StepRecord => ({ step: name, outcome, detail, durationMs: 0 });
  switch (step.kind) {
    case 'pass':
      return { record: record(step.step, 'skipped', step.detail) };
    case 'diagnose': {
      const findings = await check(step.checks, deps);
      const detail = findings.map((f) => `${f.checkId} ${f.status}: ${f.summary}`).join('; ');
      await runNote(run, deps, step.index + 1, 0, 'diagnose', detail);
      return { record: record('diagnose', 'done', detail) };
    }
    case 'act': {
      const known = run.known;
      delete run.known;
      const { record: r } = run;
      let notes = 0;
      const outcome = await guardedAct(
        {
          remediationId: step.remediation,
          eventId: r.eventId,
          incident: r.incidentId ? { id: r.incidentId, version: r.incidentVersion! } : undefined,
          approved: r.approval?.step === step.index,
          note: (k, s, why) => runNote(run, deps, step.index + 1, notes++, k, s, why),
          ...(known ? { known } : {}),
        },
        deps,
      );
      const detail = 'result' in outcome ? outcome.result : `${outcome.plan ? `${outcome.plan.summary}: ` : ''}${outcome.reason}`;
      const acted = { ...record(`act ${step.remediation}`, outcome.outcome, detail), ...(outcome.plan ? { plan: outcome.plan.summary } : {}) };
      return { ...(await afterAct(run, step.index, outcome, deps, () => notes++)), record: acted };
    }
    case 'verify': {
      const checkId = step.verify.check;
      const passed = await verify(step.verify, deps);
      const { remediation, targetKey } = run.record.acted!;
      const circuit = deps.config.remediations.find((x) => x.id === remediation)!.circuitBreaker.failures;
      await settleGuard(deps.store, targetKey, { eventId: run.record.eventId, remediation }, passed.ok ? 'verified' : 'not-verified', deps.clock, circuit);
      await runNote(run, deps, step.index + 1, 0, passed.ok ? 'verified' : 'not-verified', passed.detail);
      return { record: record(`verify ${checkId}`, passed.ok ? 'passed' : 'failed', passed.detail), verdict: passed.ok ? 'fixed' : 'acted' };
    }
    case 'escalate': {
      // What the run saw last goes with the hand-over: the verify that failed says why.
      const verified = run.record.steps.findLast((s) => s.step.startsWith('verify ') && s.outcome === 'failed');
      const reason = verified ? `${step.reason} (${verified.detail})` : step.reason;
      await escalate(run, deps, reason);
      return { record: record('escalate', 'escalated', reason), verdict: 'escalated', stop: true };
    }
  }
}

/** Turns an act outcome into the run's course. */
async function afterAct(run: Running, stepIndex: number, o: ActOutcome, deps: RunbookDeps, seq: () => number): Promise<Omit<StepDone, 'record'>> {
  const line = (kind: string, summary: string, reason?: string) => runNote(run, deps, stepIndex + 1, seq(), kind, summary, reason);
  switch (o.outcome) {
    case 'acted':
      await line('acted', o.result);
      await tell(run, stepIndex, { summary: o.plan.summary, result: o.result, remediation: o.remediation.id, target: o.targetKey }, deps);
      return { verdict: 'acted', acted: { remediation: o.remediation.id, targetKey: o.targetKey } };
    case 'unknown':
      await line('unknown', o.result);
      await tell(run, stepIndex, { summary: o.plan.summary, result: o.result, remediation: o.remediation.id, target: o.targetKey }, deps);
      // Neither verify nor the next step can rest on an action nobody can say happened.
      if (run.record.manual) return { stop: true };
      await escalate(run, deps, `${o.remediation.id} may or may not have acted on ${o.targetKey}, and reading it back could not tell: look at it first`);
      return { verdict: 'escalated', stop: true };
    case 'observed':
      await line('observed', `would ${o.plan.summary}`, o.reason);
      await tell(
        run,
        stepIndex,
        { summary: o.plan.summary, result: o.reason, remediation: o.remediation.id, target: targetKeyOf(o.remediation.id, deps.config), dryRun: true },
        deps,
      );
      return { verdict: 'observed', stop: true };
    case 'skipped':
      await line('skipped', o.plan.summary, o.reason);
      return { verdict: 'skipped', stop: true };
    case 'proposed':
      await propose(run, stepIndex, o, deps, line);
      return { verdict: 'proposed', stop: true };
    default:
      await line(o.outcome, o.plan?.summary ?? o.remediation.id, o.reason);
      // Run by hand, the failure is the answer its operator reads.
      if (run.record.manual) return { stop: true };
      await escalate(run, deps, o.reason);
      return { verdict: 'escalated', stop: true };
  }
}

async function propose(
  run: Running,
  stepIndex: number,
  o: Extract<ActOutcome, { outcome: 'proposed' }>,
  deps: RunbookDeps,
  line: (kind: string, summary: string, reason?: string) => Promise<void>,
) {
  const { record } = run;
  const id = proposalId(record.eventId, stepIndex);
  const expiresAt = new Date(deps.clock.now().getTime() + o.remediation.proposalMinutes * 60_000).toISOString();
  const payload = { remediation: o.remediation.id, approve: id, approvedBy: 'your-name', reason: 'why this is right' };
  const state = await updateCheckState(deps.store, checkIdOf(record.incidentId!), (s) =>
    decideProposal(s, record.incidentId!, `${o.plan.summary} (${o.reason})`, { payload, function: deps.remediateFunction, expiresAt }, deps.clock.now()),
  );
  await deps.store.putProposal({
    id,
    remediation: o.remediation.id,
    incidentId: record.incidentId!,
    incidentVersion: state!.version,
    summary: o.plan.summary,
    change: o.plan.change,
    expiresAt,
    runbook: run.runbook.id,
    step: stepIndex,
  });
  await line('proposed', o.plan.summary, `approve with ${JSON.stringify(payload)} before ${expiresAt}`);
}

/** A proposal's id: the same for every attempt of one event's run. */
const proposalId = (eventId: string, stepIndex: number) => `${createHash('sha256').update(eventId).digest('hex').slice(0, 10)}-${stepIndex}`;

export async function verify(
  v: { check: string; settleSeconds: number; attempts: number; intervalSeconds: number },
  deps: RunbookDeps,
): Promise<{ ok: boolean; detail: string }> {
  await deps.sleep(v.settleSeconds * 1000);
  let last: Finding | undefined;
  for (let attempt = 1; attempt <= v.attempts; attempt++) {
    [last] = await check([v.check], deps);
    if (last && !isFailing(last.status, { openOnWarn: false } as IncidentPolicy))
      return { ok: true, detail: `${v.check} ${last.status} (attempt ${attempt}): ${last.summary}` };
    if (attempt < v.attempts) await deps.sleep(v.intervalSeconds * 1000);
  }
  return { ok: false, detail: `${v.check} still ${last?.status} after ${v.attempts} attempts: ${last?.summary}` };
}

function check(ids: string[], deps: RunbookDeps): Promise<Finding[]> {
  // In the order the step names them: the runbook's author chose what to look at first.
  const checks = ids.map((id) => deps.config.checks.find((c) => c.id === id)!);
  return runChecks(checks, {
    probes: probeRegistry,
    concurrency: deps.config.defaults.concurrency,
    defaultTimeoutMs: deps.config.defaults.timeoutMs,
    clock: deps.clock,
    aws: deps.aws,
  });
}

async function escalate(run: Running, deps: RunbookDeps, reason: string): Promise<void> {
  const incidentId = run.record.incidentId!;
  const by = { id: run.record.id, runbook: run.runbook.id };
  // Once per incident: a second escalation (another event, a retried attempt) writes nothing.
  await updateCheckState(deps.store, checkIdOf(incidentId), (s: CheckState | undefined) => decideEscalation(s, incidentId, reason, deps.clock.now(), by));
}

/**
 * Every action reaches a person: on the run's incident, an `acted` transition (the outbox sends
 * [ACTION TAKEN], or [DRY RUN]); without one (a manual run on no incident), a message of its own.
 * Recorded once per run and step, so a retried attempt tells nobody twice.
 */
async function tell(
  run: Running,
  stepIndex: number,
  what: Pick<ActionTold, 'summary' | 'result' | 'remediation' | 'target' | 'dryRun'>,
  deps: RunbookDeps,
): Promise<void> {
  const { record } = run;
  const now = deps.clock.now();
  const action: ActionTold = {
    by: record.actor ?? 'vigil',
    at: now.toISOString(),
    ...what,
    ...(record.manualReason ? { reason: record.manualReason } : {}),
    runbook: run.runbook.id,
    run: record.id,
    step: stepIndex,
  };
  if (!record.incidentId) {
    await deps.notices?.publisher.publish(deps.notices.topic, actionNotice(action));
    return;
  }
  const incidentId = record.incidentId;
  const state = await updateCheckState(deps.store, checkIdOf(incidentId), (s) => decideActed(s, incidentId, action, now));
  // The incident changed by this run's own hand: the run's later steps plan on it as it now stands.
  const own = state?.transition?.action;
  if (state && own?.run === record.id && own.step === stepIndex) run.record = { ...record, incidentVersion: state.version };
}

/** Timeline keys sort as the run wrote them: by step, then by line within the step; the same for every attempt. */
function noteKey(eventId: string, step: number, line: number, kind: string): string {
  return `${eventId}.${String(step).padStart(2, '0')}.${line}.${kind}`;
}

/** A line on the run's incident's timeline, by whom the run acts for; a manual run on no incident has none. */
export async function runNote(run: Running, deps: RunbookDeps, step: number, line: number, kind: string, summary: string, reason?: string): Promise<void> {
  const { incidentId, eventId, actor } = run.record;
  if (incidentId) await note(deps, incidentId, noteKey(eventId, step, line, kind), kind, summary, reason, actor);
}

function note(deps: RunbookDeps, incidentId: string, key: string, kind: string, summary: string, reason?: string, by = 'vigil'): Promise<void> {
  return deps.store.appendTimeline(incidentId, { at: deps.clock.now().toISOString(), kind, by, summary, ...(reason ? { reason } : {}), key });
}

/** A write that runs alongside what follows; `finish` waits for it, and a failure surfaces there. */
export function pending(run: Running, write: Promise<void>): void {
  write.catch(() => undefined);
  run.pending.push(write);
}

/** The runbook's verdict on the timeline, and the run closed with its result. */
export async function finish(
  run: Running,
  base: { alarm?: string; check?: string; state: string; approvedBy?: string },
  deps: RunbookDeps,
): Promise<RunbookResult> {
  await Promise.all(run.pending);
  const { record } = run;
  const trail = record.steps.map((s) => `${s.step}: ${s.outcome} (${s.durationMs} ms)`).join('; ');
  await runNote(run, deps, 99, 0, 'verdict', record.verdict, trail || undefined);
  return done(
    run,
    {
      ...base,
      runbook: run.runbook.id,
      incidentId: record.incidentId!,
      verdict: record.verdict,
      steps: record.steps,
      ...(record.attempts > 1 ? { attempts: record.attempts } : {}),
    },
    deps,
  );
}

/** The run closed with its result, which a replay of its event then quotes. */
export async function done<R extends object>(run: Running, result: R, deps: RunbookDeps): Promise<R> {
  run.record = await persist(deps.store, finishRun(run.record, result as Record<string, unknown>, deps.clock.now()));
  return result;
}

function alarmFinding(event: AlarmEvent, now: Date): Finding {
  const { alarmName, state } = event.detail;
  return {
    checkId: alarmCheckId(alarmName),
    kind: 'alarm',
    target: event.resources[0] ?? alarmName,
    status: state.value === 'OK' ? 'ok' : 'fail',
    summary: `${alarmName}: ${state.reason}`.slice(0, 300),
    observed: {},
    startedAt: now.toISOString(),
    durationMs: 0,
  };
}

/** An alarm is already a verdict: one ALARM opens, one OK resolves. */
function findingContext(runbook: RunbookConfig, event: AlarmEvent, deps: RunbookDeps) {
  const { severities, maxRepeats } = deps.config.incidents;
  const policy: IncidentPolicy = { failureThreshold: 1, successThreshold: 1, openOnWarn: false, maxRepeats, ...severities[runbook.severity] };
  const now = deps.clock.now();
  const silence = activeSilence(deps.config.silences, { id: alarmCheckId(event.detail.alarmName), tags: event.detail.alarmTags ?? {} }, now);
  return { policy, severity: runbook.severity, silence, now, eventId: event.id };
}

/** A runbook's verdict and each action's outcome, as Vigil's own metrics. */
export function meterRunbook(result: RunbookResult, meter: Meter | undefined): void {
  if (!meter) return;
  meter.count('RunbookVerdicts', 1, { name: 'Verdict', value: result.verdict });
  for (const s of result.steps) if (s.step.startsWith('act ')) meter.count('Remediations', 1, { name: 'Outcome', value: s.outcome });
}
