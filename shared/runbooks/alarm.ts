import type { RunbookConfig } from '../config/runbooks.js';
import { activeSilence } from '../config/silence-windows.js';
import type { Silence } from '../config/silences.js';
import type { AlarmEvent } from '../events/alarm.js';
import type { Finding } from '../findings.js';
import { applyFinding } from '../incidents/apply-finding.js';
import { severityPolicy, type IncidentPolicy } from '../incidents/policy.js';
import { isActive } from '../state/check-state.js';
import { targetKeyOf } from './act.js';
import type { RunbookDeps, RunbookResult, Running } from './deps.js';
import { done, finish, launch, runSteps } from './execute.js';
import { matchRunbook } from './match.js';
import { line } from './steps.js';

const alarmCheckId = (alarmName: string) => `alarm:${alarmName}`;

/** One "CloudWatch Alarm State Change": record it on an incident and, on the way into ALARM, run its runbook. */
export async function handleAlarm(
  event: AlarmEvent,
  deps: RunbookDeps,
  match = matchRunbook(deps.config.runbooks, event, deps.config.alarms),
): Promise<RunbookResult> {
  if (!match) return { alarm: event.detail.alarmName, state: event.detail.state.value, verdict: 'unmatched', steps: [] };
  return launch(deps, { id: `alarm#${event.id}`, eventId: event.id, runbook: match.runbook }, (run) => alarmRun(event, match, run, deps));
}

/** The run of one alarm event, from wherever it stands. */
async function alarmRun(event: AlarmEvent, match: NonNullable<ReturnType<typeof matchRunbook>>, run: Running, deps: RunbookDeps): Promise<RunbookResult> {
  const { alarmName, state, previousState } = event.detail;
  const base = { alarm: alarmName, state: state.value };
  const { runbook } = match;
  const checkId = alarmCheckId(alarmName);
  // The silences operators stored (a deploy's), read alongside the alarm's state: no round trip more on the way to acting.
  const silences = deps.store.listSilences().catch((err: unknown) => {
    deps.log.warn("could not read the stored silences; deciding on the config's alone", { error: err instanceof Error ? err.message : String(err) });
    return [];
  });
  // Said on the incident's timeline (when it has one) as the run closes.
  const say = (incidentId: string | undefined, summary: string, reason?: string) => {
    if (!incidentId) return;
    run.record = { ...run.record, incidentId };
    run.queued.push(line(deps, 0, 0, 'alarm', summary, reason));
  };

  if (state.value === 'INSUFFICIENT_DATA' || (state.value === 'ALARM' && previousState?.value === 'ALARM')) {
    // Recorded, never acted on: no data is not evidence, and a repeat is not a new transition.
    const current = (await deps.store.getCheckStates([checkId])).get(checkId);
    if (isActive(current?.incident)) say(current.incident.id, `${alarmName} is ${state.value}: ${state.reason}`);
    return done(run, { ...base, runbook: runbook.id, ...(current?.incident ? { incidentId: current.incident.id } : {}), verdict: 'recorded', steps: [] }, deps);
  }

  const finding = alarmFinding(event, deps.clock.now());
  if (state.value === 'OK') {
    if (!runbook.resolveOnOk) return done(run, { ...base, runbook: runbook.id, verdict: 'recorded', steps: [] }, deps);
    const stored = (await deps.store.getCheckStates([checkId])).get(checkId);
    const { written, previous } = await applyFinding(deps.store, finding, await findingContext(runbook, event, deps, silences), stored);
    const incident = (written ?? previous)?.incident;
    const resolved = written?.transition?.kind === 'resolved';
    say(incident?.id, `${alarmName} is OK: ${state.reason}`);
    return done(
      run,
      { ...base, runbook: runbook.id, ...(incident ? { incidentId: incident.id } : {}), verdict: resolved ? 'resolved' : 'recorded', steps: [] },
      deps,
    );
  }

  if (run.record.incidentId === undefined) {
    // A runbook that acts first reads the guard with the alarm's state: one round trip less before acting.
    const first = runbook.steps[0];
    const read = first && 'act' in first ? await deps.store.getGuard(await targetKeyOf(first.act, deps.config), checkId) : undefined;
    const stored = read ? read.check : (await deps.store.getCheckStates([checkId])).get(checkId);
    const { written, previous } = await applyFinding(deps.store, finding, await findingContext(runbook, event, deps, silences), stored);
    const current = (written ?? previous)!;
    run.record = { ...run.record, incidentVersion: current.version };
    if (read) run.known = { ...read, check: current };
    // Written with the first step's commit, not before it: nothing on the way to acting waits on this line.
    say(current.incident!.id, `${alarmName} went ${previousState?.value ?? '?'} → ALARM: ${state.reason}`, `runbook ${runbook.id}`);
  }

  if ('missingTags' in match) {
    run.queued.push({
      kind: 'escalate',
      reason: `runbook ${runbook.id} matches by tags, but the event carries no alarmTags (turn on tag propagation); nothing was done`,
    });
    run.record = { ...run.record, verdict: 'escalated', stopped: true };
  }
  await runSteps(run, deps);
  return finish(run, base, deps);
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
async function findingContext(runbook: RunbookConfig, event: AlarmEvent, deps: RunbookDeps, silences: Promise<Silence[]>) {
  const policy: IncidentPolicy = {
    failureThreshold: 1,
    successThreshold: 1,
    openOnWarn: false,
    maxRepeats: deps.config.incidents.maxRepeats,
    ...severityPolicy(deps.config, runbook.severity),
  };
  const now = deps.clock.now();
  const target = { id: alarmCheckId(event.detail.alarmName), tags: event.detail.alarmTags ?? {} };
  const silence = activeSilence([...deps.config.silences, ...(await silences)], target, now);
  return { policy, severity: runbook.severity, silence, now, eventId: event.id };
}
