import { describe, expect, it } from 'vitest';
import type { Silence } from '../../shared/config/silences.js';
import type { Status } from '../../shared/findings.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

const policy: IncidentPolicy = { failureThreshold: 2, successThreshold: 2, openOnWarn: false, maxRepeats: 2, respondMinutes: 15, repeatMinutes: 5 };
const maintenance: Silence = { id: 'm', reason: 'Sunday maintenance', checks: ['api-health'] };

/** Feeds one finding a minute and keeps what each produced. */
function play(statuses: Status[], options: { policy?: IncidentPolicy; silenceAt?: (minute: number) => Silence | undefined; start?: CheckState } = {}) {
  let state = options.start;
  const steps: { minute: number; written: boolean; transition?: string; state: CheckState | undefined }[] = [];
  statuses.forEach((status, minute) => {
    const now = minutesAfter(T0, minute);
    const next = decideIncident(state, finding(status, now), { policy: options.policy ?? policy, severity: 'P1', silence: options.silenceAt?.(minute), now });
    const transition = next && next.transition?.seq !== state?.transition?.seq ? next.transition!.kind : undefined;
    if (next) state = next;
    steps.push({ minute, written: next !== undefined, ...(transition ? { transition } : {}), state });
  });
  return { steps, state: state!, transitions: steps.filter((s) => s.transition).map((s) => `${s.minute}:${s.transition}`) };
}

describe('decideIncident', () => {
  it('opens after failureThreshold consecutive failures, not after one', () => {
    const { transitions, state } = play(['ok', 'fail', 'ok', 'fail', 'fail']);
    expect(transitions).toEqual(['4:opened']);
    expect(state.incident).toMatchObject({
      id: 'api-health/1',
      state: 'open',
      failingSince: minutesAfter(T0, 3).toISOString(),
      failuresAtOpen: 2,
      notificationsSent: 1,
    });
  });

  it('resolves after successThreshold consecutive passes, so a flapping target stays one incident', () => {
    const { transitions, state } = play(['fail', 'fail', 'ok', 'fail', 'ok', 'ok']);
    expect(transitions).toEqual(['1:opened', '5:resolved']);
    expect(state.incident).toMatchObject({ state: 'resolved', resolvedBy: 'vigil', resolvedAt: minutesAfter(T0, 5).toISOString() });
    expect(state.transition?.reason).toBe('recovered: HTTP 200 in 40 ms');
  });

  it('opens a new incident, linked to the last, when a resolved one fails again', () => {
    const { transitions, state } = play(['fail', 'fail', 'ok', 'ok', 'fail', 'fail']);
    expect(transitions).toEqual(['1:opened', '3:resolved', '5:opened']);
    expect(state.incident).toMatchObject({ id: 'api-health/2', previousId: 'api-health/1' });
  });

  it('writes nothing while a check keeps passing, after one write to learn it', () => {
    const { steps } = play(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(steps.map((s) => s.written)).toEqual([true, false, false, false, false]);
  });

  it('writes nothing while an open incident keeps failing between reminders', () => {
    const { steps } = play(['fail', 'fail', 'fail', 'fail', 'fail']);
    expect(steps.map((s) => s.written)).toEqual([true, true, false, false, false]);
  });

  it('reminds every repeatMinutes, escalates once at the response SLA, and stops reminding after maxRepeats', () => {
    const { transitions, state } = play(Array<Status>(40).fill('fail'));
    // Opened at minute 1; reminders at 6 and 11 (maxRepeats 2); escalation at 16 (15 minutes after opening).
    expect(transitions).toEqual(['1:opened', '6:repeated', '11:repeated', '16:escalated']);
    expect(state.incident).toMatchObject({ notificationsSent: 3, escalatedAt: minutesAfter(T0, 16).toISOString() });
    expect(state.transition?.reason).toBe('not acknowledged within 15 minutes');
  });

  it('neither reminds nor escalates an acknowledged incident', () => {
    const opened = play(['fail', 'fail']).state;
    const acked = { ...opened, incident: { ...opened.incident!, state: 'acknowledged' as const } };
    const { transitions } = play(Array<Status>(30).fill('fail'), { start: acked });
    expect(transitions).toEqual([]);
  });

  it('counts warn as failing only when openOnWarn is set', () => {
    expect(play(['warn', 'warn', 'warn']).transitions).toEqual([]);
    expect(play(['warn', 'warn'], { policy: { ...policy, openOnWarn: true } }).transitions).toEqual(['1:opened']);
  });

  it('counts error (Vigil could not tell) as failing', () => {
    expect(play(['error', 'error']).transitions).toEqual(['1:opened']);
  });

  it('opens a silenced incident in a maintenance window, sending nothing, and tells the on-call if it is still failing after', () => {
    const { transitions, steps } = play(Array<Status>(8).fill('fail'), { silenceAt: (m) => (m < 5 ? maintenance : undefined) });
    expect(transitions).toEqual(['1:opened', '5:opened']);
    expect(steps[1]!.state!.incident).toMatchObject({ silenced: true, silenceReason: 'Sunday maintenance', notificationsSent: 0 });
    expect(steps[5]!.state!.incident).toMatchObject({ silenced: false, notificationsSent: 1 });
    expect(steps[5]!.state!.transition?.reason).toBe('silence ended while still failing');
  });

  it('closes the incident when the check is pointed at a new target (a new fingerprint)', () => {
    const opened = play(['fail', 'fail']).state;
    const now = minutesAfter(T0, 3);
    const next = decideIncident(opened, finding('fail', now, { target: 'https://api-v2.example.com/health' }), {
      policy,
      severity: 'P1',
      silence: undefined,
      now,
    });
    expect(next?.incident).toMatchObject({ id: 'api-health/1', state: 'resolved' });
    expect(next?.transition).toMatchObject({ kind: 'resolved', reason: 'target changed to https://api-v2.example.com/health' });
    expect(next?.streak).toEqual({ failing: true, count: 1 });
  });

  it('counts an event once: the same alarm event delivered again, minutes later, reminds nobody', () => {
    const ctx = (minute: number) => ({
      policy: { ...policy, failureThreshold: 1 },
      severity: 'P1' as const,
      silence: undefined,
      now: minutesAfter(T0, minute),
      eventId: 'alarm-event-1',
    });
    const opened = decideIncident(undefined, finding('fail', T0), ctx(0))!;
    expect(opened).toMatchObject({ lastEvent: 'alarm-event-1', transition: { kind: 'opened' } });
    expect(decideIncident(opened, finding('fail', minutesAfter(T0, 9)), ctx(9))).toBeUndefined();
    // Another event is new evidence.
    expect(decideIncident(opened, finding('fail', minutesAfter(T0, 9)), { ...ctx(9), eventId: 'alarm-event-2' })).toMatchObject({
      transition: { kind: 'repeated' },
    });
  });
});
