import { createHash } from 'node:crypto';
import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { RunbookConfig } from '../config/remediations.js';
import type { VigilConfig } from '../config/schema.js';
import { activeSilence } from '../config/silences.js';
import { runChecks } from '../engine/runner.js';
import type { AlarmEvent } from '../events/alarm.js';
import type { Finding } from '../findings.js';
import { applyFinding } from '../incidents/apply-finding.js';
import { decideEscalation, decideProposal } from '../incidents/human.js';
import { checkIdOf } from '../incidents/operator.js';
import { isFailing, type IncidentPolicy } from '../incidents/policy.js';
import { isActive, type CheckState } from '../incidents/types.js';
import { updateCheckState } from '../incidents/update-state.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import { probeRegistry } from '../probes/index.js';
import type { GuardRead, StateStore } from '../store/state-store.js';
import { guardedAct, settleGuard, targetKeyOf, type ActOutcome } from './act.js';
import { matchRunbook } from './match.js';

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
  meter?: Meter;
}

export type RunbookVerdict = 'fixed' | 'escalated' | 'observed' | 'proposed' | 'skipped' | 'acted' | 'resolved' | 'recorded' | 'unmatched';

export interface StepRecord {
  step: string;
  outcome: string;
  detail: string;
  durationMs: number;
}

export interface RunbookResult {
  alarm: string;
  state: string;
  runbook?: string;
  incidentId?: string;
  verdict: RunbookVerdict;
  steps: StepRecord[];
}

/** What a run carries from step to step. */
interface Run {
  runbook: RunbookConfig;
  eventId: string;
  incidentId: string;
  incidentVersion: number;
  steps: StepRecord[];
  verdict: RunbookVerdict;
  acted?: Extract<ActOutcome, { outcome: 'acted' }>;
  noteCount: number;
  /** Read with the alarm's state, for a runbook that acts first; used by that first act only. */
  known?: GuardRead;
  /** Timeline writes still on their way; awaited before the run reports. */
  pending: Promise<void>[];
}

const alarmCheckId = (alarmName: string) => `alarm:${alarmName}`;

/** One "CloudWatch Alarm State Change": record it on an incident and, on the way into ALARM, run its runbook. */
export async function handleAlarm(event: AlarmEvent, deps: RunbookDeps): Promise<RunbookResult> {
  const { alarmName, state, previousState } = event.detail;
  const base = { alarm: alarmName, state: state.value };
  const match = matchRunbook(deps.config.runbooks, event);
  if (!match) return { ...base, verdict: 'unmatched', steps: [] };
  const { runbook } = match;

  const checkId = alarmCheckId(alarmName);
  if (state.value === 'INSUFFICIENT_DATA' || (state.value === 'ALARM' && previousState?.value === 'ALARM')) {
    // Recorded, never acted on: no data is not evidence, and a repeat is not a new transition.
    const current = (await deps.store.getCheckStates([checkId])).get(checkId);
    if (isActive(current?.incident)) {
      await note(deps, current.incident.id, `${event.id}.0`, 'alarm', `${alarmName} is ${state.value}: ${state.reason}`);
    }
    return { ...base, runbook: runbook.id, ...(current?.incident ? { incidentId: current.incident.id } : {}), verdict: 'recorded', steps: [] };
  }

  const finding = alarmFinding(event, deps.clock.now());
  if (state.value === 'OK') {
    if (!runbook.resolveOnOk) return { ...base, runbook: runbook.id, verdict: 'recorded', steps: [] };
    const stored = (await deps.store.getCheckStates([checkId])).get(checkId);
    const { written, previous } = await applyFinding(deps.store, finding, findingContext(runbook, event, deps), stored);
    const incident = (written ?? previous)?.incident;
    const resolved = written?.transition?.kind === 'resolved';
    if (incident) await note(deps, incident.id, `${event.id}.0`, 'alarm', `${alarmName} is OK: ${state.reason}`);
    return { ...base, runbook: runbook.id, ...(incident ? { incidentId: incident.id } : {}), verdict: resolved ? 'resolved' : 'recorded', steps: [] };
  }

  // A runbook that acts first reads the guard with the alarm's state: one round trip less before acting.
  const first = runbook.steps[0];
  const read = first && 'act' in first ? await deps.store.getGuard(targetKeyOf(first.act, deps.config), checkId) : undefined;
  const stored = read ? read.check : (await deps.store.getCheckStates([checkId])).get(checkId);
  const { written, previous } = await applyFinding(deps.store, finding, findingContext(runbook, event, deps), stored);
  const current = (written ?? previous)!;
  const incidentId = current.incident!.id;
  const run: Run = { runbook, eventId: event.id, incidentId, incidentVersion: current.version, steps: [], verdict: 'recorded', noteCount: 0, pending: [] };
  if (read) run.known = { ...read, check: current };
  // Written while the runbook goes on, not before: nothing waits on this line of the timeline.
  pending(run, runNote(run, deps, 'alarm', `${alarmName} went ${previousState?.value ?? '?'} → ALARM: ${state.reason}`, `runbook ${runbook.id}`));

  if ('missingTags' in match) {
    await escalate(run, deps, `runbook ${runbook.id} matches by tags, but the event carries no alarmTags (turn on tag propagation); nothing was done`);
    return finish(run, base, deps);
  }
  await runSteps(run, 0, deps);
  return finish(run, base, deps);
}

/** Runs the runbook's steps from `from` on; stops at the first step that hands over. */
export async function runSteps(run: Run, from: number, deps: RunbookDeps): Promise<void> {
  for (let i = from; i < run.runbook.steps.length; i++) {
    const step = run.runbook.steps[i]!;
    const started = performance.now();
    const record = (name: string, outcome: string, detail: string) => run.steps.push({ step: name, outcome, detail, durationMs: Math.round(performance.now() - started) });

    if ('diagnose' in step) {
      const findings = await check(step.diagnose, deps);
      const detail = findings.map((f) => `${f.checkId} ${f.status}: ${f.summary}`).join('; ');
      await runNote(run, deps, 'diagnose', detail);
      record('diagnose', 'done', detail);
      continue;
    }

    if ('act' in step) {
      const known = run.known;
      delete run.known;
      const outcome = await guardedAct(
        { remediationId: step.act, eventId: run.eventId, incident: { id: run.incidentId, version: run.incidentVersion }, approved: false, note: (k, s, r) => runNote(run, deps, k, s, r), ...(known ? { known } : {}) },
        deps,
      );
      const stop = await afterAct(run, i, outcome, deps);
      record(`act ${step.act}`, outcome.outcome, 'result' in outcome ? outcome.result : `${outcome.plan ? `${outcome.plan.summary}: ` : ''}${outcome.reason}`);
      if (stop) return;
      continue;
    }

    if ('verify' in step) {
      if (!run.acted) {
        record(`verify ${step.verify.check}`, 'skipped', 'nothing was done to verify');
        continue;
      }
      const passed = await verify(step.verify, deps);
      const { remediation, targetKey } = run.acted;
      await settleGuard(deps.store, targetKey, run.eventId, passed.ok ? 'verified' : 'not-verified', deps.clock, remediation.circuitBreaker.failures);
      await runNote(run, deps, passed.ok ? 'verified' : 'not-verified', passed.detail);
      record(`verify ${step.verify.check}`, passed.ok ? 'passed' : 'failed', passed.detail);
      run.verdict = passed.ok ? 'fixed' : 'acted';
      continue;
    }

    if (run.verdict === 'fixed') {
      record('escalate', 'skipped', 'fixed; no human needed');
      continue;
    }
    await escalate(run, deps, step.escalate);
    record('escalate', 'escalated', step.escalate);
    return;
  }
}

/** Turns an act outcome into the run's course; true when the runbook stops here. */
export async function afterAct(run: Run, stepIndex: number, o: ActOutcome, deps: RunbookDeps): Promise<boolean> {
  switch (o.outcome) {
    case 'acted':
      run.acted = o;
      run.verdict = 'acted';
      await runNote(run, deps, 'acted', o.result);
      return false;
    case 'observed':
      run.verdict = 'observed';
      await runNote(run, deps, 'observed', `would ${o.plan.summary}`, o.reason);
      return true;
    case 'skipped':
      run.verdict = 'skipped';
      await runNote(run, deps, 'skipped', o.plan.summary, o.reason);
      return true;
    case 'proposed':
      await propose(run, stepIndex, o, deps);
      run.verdict = 'proposed';
      return true;
    default:
      await runNote(run, deps, o.outcome, o.plan?.summary ?? o.remediation.id, o.reason);
      await escalate(run, deps, o.reason);
      return true;
  }
}

async function propose(run: Run, stepIndex: number, o: Extract<ActOutcome, { outcome: 'proposed' }>, deps: RunbookDeps) {
  const id = `${createHash('sha256').update(run.eventId).digest('hex').slice(0, 10)}-${stepIndex}`;
  const expiresAt = new Date(deps.clock.now().getTime() + o.remediation.proposalMinutes * 60_000).toISOString();
  const payload = { remediation: o.remediation.id, approve: id, approvedBy: 'your-name', reason: 'why this is right' };
  const state = await updateCheckState(deps.store, checkIdOf(run.incidentId), (s) =>
    decideProposal(s, run.incidentId, `${o.plan.summary} (${o.reason})`, { payload, function: deps.remediateFunction, expiresAt }, deps.clock.now()),
  );
  await deps.store.putProposal({
    id,
    remediation: o.remediation.id,
    incidentId: run.incidentId,
    incidentVersion: state.version,
    summary: o.plan.summary,
    change: o.plan.change,
    expiresAt,
    runbook: run.runbook.id,
    step: stepIndex,
  });
  await runNote(run, deps, 'proposed', o.plan.summary, `approve with ${JSON.stringify(payload)} before ${expiresAt}`);
}

export async function verify(v: { check: string; settleSeconds: number; attempts: number; intervalSeconds: number }, deps: RunbookDeps): Promise<{ ok: boolean; detail: string }> {
  await deps.sleep(v.settleSeconds * 1000);
  let last: Finding | undefined;
  for (let attempt = 1; attempt <= v.attempts; attempt++) {
    [last] = await check([v.check], deps);
    if (last && !isFailing(last.status, { openOnWarn: false } as IncidentPolicy)) return { ok: true, detail: `${v.check} ${last.status} (attempt ${attempt}): ${last.summary}` };
    if (attempt < v.attempts) await deps.sleep(v.intervalSeconds * 1000);
  }
  return { ok: false, detail: `${v.check} still ${last?.status} after ${v.attempts} attempts: ${last?.summary}` };
}

function check(ids: string[], deps: RunbookDeps): Promise<Finding[]> {
  // In the order the step names them: the runbook's author chose what to look at first.
  const checks = ids.map((id) => deps.config.checks.find((c) => c.id === id)!);
  return runChecks(checks, { probes: probeRegistry, concurrency: deps.config.defaults.concurrency, defaultTimeoutMs: deps.config.defaults.timeoutMs, clock: deps.clock, aws: deps.aws });
}

async function escalate(run: Run, deps: RunbookDeps, reason: string): Promise<void> {
  run.verdict = 'escalated';
  await updateCheckState(deps.store, checkIdOf(run.incidentId), (s: CheckState | undefined) => decideEscalation(s, run.incidentId, reason, deps.clock.now()));
}

function runNote(run: Run, deps: RunbookDeps, kind: string, summary: string, reason?: string): Promise<void> {
  // The kind is in the key: a retried event rewrites the same notes, and adds the ones that differ.
  return note(deps, run.incidentId, `${run.eventId}.${++run.noteCount}.${kind}`, kind, summary, reason);
}

function note(deps: RunbookDeps, incidentId: string, key: string, kind: string, summary: string, reason?: string): Promise<void> {
  return deps.store.appendTimeline(incidentId, { at: deps.clock.now().toISOString(), kind, by: 'vigil', summary, ...(reason ? { reason } : {}), key });
}

/** A write that runs alongside what follows; `finish` waits for it, and a failure surfaces there. */
function pending(run: Run, write: Promise<void>): void {
  write.catch(() => undefined);
  run.pending.push(write);
}

async function finish(run: Run, base: { alarm: string; state: string }, deps: RunbookDeps): Promise<RunbookResult> {
  await Promise.all(run.pending);
  const trail = run.steps.map((s) => `${s.step}: ${s.outcome} (${s.durationMs} ms)`).join('; ');
  await runNote(run, deps, 'verdict', run.verdict, trail || undefined);
  return { ...base, runbook: run.runbook.id, incidentId: run.incidentId, verdict: run.verdict, steps: run.steps };
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
  return { policy, severity: runbook.severity, silence, now };
}

/** A runbook's verdict and each action's outcome, as Vigil's own metrics. */
export function meterRunbook(result: RunbookResult, meter: Meter | undefined): void {
  if (!meter) return;
  meter.count('RunbookVerdicts', 1, { name: 'Verdict', value: result.verdict });
  for (const s of result.steps) if (s.step.startsWith('act ')) meter.count('Remediations', 1, { name: 'Outcome', value: s.outcome });
}

export type { Run };
