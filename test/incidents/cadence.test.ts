import { describe, expect, it } from 'vitest';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { dueNotice } from '../../shared/incidents/cadence.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import type { CheckState, Incident } from '../../shared/state/check-state.js';
import { finding, minutesAfter } from '../support/findings.js';

// What an incident is due, minute by minute on a fixed clock: the escalation chain, the resolution deadline,
// reminders, stakeholder updates, and business hours that make a P3 wait for the morning.

const T = new Date('2026-12-07T08:00:00.000Z'); // Monday 09:00 in Berlin
const base: IncidentPolicy = {
  failureThreshold: 1,
  successThreshold: 1,
  openOnWarn: false,
  maxRepeats: 2,
  respondMinutes: 15,
  repeatMinutes: 5,
  updateMinutes: 15,
  resolveMinutes: 60,
  levels: [
    { name: 'secondary', atMinutes: 15 },
    { name: 'lead', atMinutes: 45 },
  ],
};
const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 'orders-health/1',
  checkId: 'orders-health',
  target: 'https://orders.example.com/health',
  severity: 'P1',
  state: 'open',
  silenced: false,
  openedAt: T.toISOString(),
  failingSince: T.toISOString(),
  summary: 'HTTP 503',
  observed: {},
  failuresAtOpen: 1,
  notificationsSent: 1,
  lastNotifiedAt: T.toISOString(),
  ...over,
});
const at = (minutes: number) => minutesAfter(T, minutes);

describe('dueNotice', () => {
  it.each<[string, Partial<Incident>, number, string | undefined]>([
    ['nothing yet', {}, 4, undefined],
    ['a reminder to the on-call', {}, 5, 'repeated'],
    ['the first level of the chain at its response time', { notificationsSent: 3 }, 15, 'escalated secondary 1'],
    [
      'the stakeholders an update, when nothing more urgent is due',
      { notificationsSent: 3, escalationLevel: 1, escalatedAt: at(15).toISOString() },
      16,
      'updated',
    ],
    ['the next level, after its own delay', { notificationsSent: 3, escalationLevel: 1, lastUpdateAt: at(30).toISOString() }, 45, 'escalated lead 2'],
    ['no level past the last', { notificationsSent: 3, escalationLevel: 2, lastUpdateAt: at(45).toISOString() }, 59, undefined],
    [
      'the resolution deadline, once, to the level after the last reached',
      { state: 'acknowledged', escalationLevel: 1, lastUpdateAt: at(59).toISOString() },
      60,
      'escalated lead 2 deadline',
    ],
    [
      'the deadline to the last level when all are reached',
      { notificationsSent: 3, escalationLevel: 2, lastUpdateAt: at(59).toISOString() },
      60,
      'escalated lead 2 deadline',
    ],
    ['no second deadline', { notificationsSent: 3, escalationLevel: 2, deadlineAt: at(60).toISOString(), lastUpdateAt: at(60).toISOString() }, 74, undefined],
    ['updates, acknowledged too', { state: 'acknowledged', lastUpdateAt: at(0).toISOString() }, 15, 'updated'],
    ['no reminder or escalation once acknowledged', { state: 'acknowledged', lastUpdateAt: at(20).toISOString() }, 30, undefined],
    ['the deadline, acknowledged too', { state: 'acknowledged', lastUpdateAt: at(55).toISOString() }, 60, 'escalated secondary 1 deadline'],
    [
      'times from when the on-call was told, for one held first',
      { toldAt: at(30).toISOString(), lastNotifiedAt: at(42).toISOString(), lastUpdateAt: at(30).toISOString() },
      44,
      undefined,
    ],
  ])('%s', (_, over, minute, expected) => {
    const due = dueNotice(incident(over), base, at(minute));
    const said = due && (due.kind === 'escalated' ? `escalated ${due.name} ${due.level}${due.deadline ? ' deadline' : ''}` : due.kind);
    expect(said).toBe(expected);
  });

  it('sends no updates and sets no deadline when the severity has none', () => {
    const quiet = { ...base, updateMinutes: 0, resolveMinutes: 0 };
    expect(dueNotice(incident({ state: 'acknowledged' }), quiet, at(600))).toBeUndefined();
  });

  it('says nothing outside the business hours the severity waits for', () => {
    const hours = { timeZone: 'Europe/Berlin', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const, start: '09:00', end: '18:00' };
    const waits = { ...base, hours: { ...hours, days: [...hours.days] } };
    expect(dueNotice(incident(), waits, at(-1))).toBeUndefined();
    expect(dueNotice(incident(), waits, at(5))?.kind).toBe('repeated');
    expect(dueNotice(incident(), waits, at(9 * 60))).toBeUndefined(); // 18:00 in Berlin
  });
});

describe('decideIncident with business hours', () => {
  const hours = {
    timeZone: 'Europe/Berlin',
    days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as ('MON' | 'TUE' | 'WED' | 'THU' | 'FRI')[],
    start: '09:00',
    end: '18:00',
  };
  const p3: IncidentPolicy = { ...base, hours };

  it('holds a P3 that opens on a Friday night until Monday morning, then pages saying it waited', () => {
    const friday = new Date('2026-12-11T20:13:00.000Z');
    const round = (state: CheckState | undefined, now: Date) =>
      decideIncident(state, finding('fail', now), { policy: p3, severity: 'P3', silence: undefined, now }) ?? state;
    const opened = round(undefined, friday)!;
    expect(opened.transition?.kind).toBe('opened');
    expect(opened.incident).toMatchObject({ silenced: true, afterHours: true, silenceReason: 'outside business hours: waits until Mon 09:00 Europe/Berlin' });
    const saturday = round(opened, new Date('2026-12-12T10:00:00.000Z'))!;
    expect(saturday.transition?.seq).toBe(opened.transition?.seq);
    const monday = round(saturday, new Date('2026-12-14T08:00:00.000Z'))!;
    expect(monday.transition).toMatchObject({
      kind: 'opened',
      reason: 'waited outside business hours since 2026-12-11T20:13:00.000Z; still failing as they begin',
    });
    expect(monday.incident).toMatchObject({ silenced: false, toldAt: '2026-12-14T08:00:00.000Z' });
    expect(monday.incident?.afterHours).toBeUndefined();
  });

  it('goes on updating stakeholders after the on-call acknowledges, until it resolves', () => {
    const policy: IncidentPolicy = { ...base };
    const round = (state: CheckState | undefined, minute: number, status: 'fail' | 'ok' = 'fail') =>
      decideIncident(state, finding(status, at(minute)), { policy, severity: 'P1', silence: undefined, now: at(minute) }) ?? state;
    let state = round(undefined, 0);
    state = decideHumanAction(state, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, at(2));
    const kinds: string[] = [];
    for (const minute of [5, 10, 15, 20, 30, 45]) {
      const next: CheckState = round(state, minute)!;
      if (next.transition?.seq !== state!.transition?.seq) kinds.push(`${minute}:${next.transition!.kind}`);
      state = next;
    }
    const resolved = round(state, 46, 'ok')!;
    expect(kinds).toEqual(['15:updated', '30:updated', '45:updated']);
    expect(resolved.transition?.kind).toBe('resolved');
    expect(round(resolved, 61, 'ok')?.transition?.kind).toBe('resolved');
  });
});
