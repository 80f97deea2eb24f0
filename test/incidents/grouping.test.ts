import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { Status } from '../../shared/findings.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { leadOf, type GroupLead } from '../../shared/incidents/grouping.js';
import { operate } from '../../shared/incidents/operations.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

const policy: IncidentPolicy = { failureThreshold: 2, successThreshold: 2, openOnWarn: false, maxRepeats: 2, respondMinutes: 15, repeatMinutes: 5 };
const lead: GroupLead = { group: 'orders', checkId: 'orders-db', incidentId: 'orders-db/1' };

/** The state of a check whose incident opened `minute` minutes after T0. */
const openedAt = (checkId: string, minute: number, extra: object = {}): CheckState => ({
  checkId,
  target: `${checkId}:443`,
  version: 2,
  status: 'fail',
  statusSince: minutesAfter(T0, minute - 1).toISOString(),
  streak: { failing: true, count: 2 },
  incidentCount: 1,
  incident: {
    id: `${checkId}/1`,
    checkId,
    target: `${checkId}:443`,
    severity: 'P2',
    state: 'open',
    silenced: false,
    openedAt: minutesAfter(T0, minute).toISOString(),
    failingSince: minutesAfter(T0, minute - 1).toISOString(),
    summary: 'down',
    observed: {},
    failuresAtOpen: 2,
    notificationsSent: 1,
    ...extra,
  },
});

describe('the lead of a group', () => {
  const now = minutesAfter(T0, 10);
  it.each([
    ['the first to open within the window', [openedAt('b', 8), openedAt('a', 7)], 'a/1'],
    ['the first in config order among those opened at once', [openedAt('a', 8), openedAt('b', 8)], 'a/1'],
    ['none once the window has passed', [openedAt('a', 5)], undefined],
    ['not a silenced one', [openedAt('a', 7, { silenced: true }), openedAt('b', 8)], 'b/1'],
    ['not one held by a check it depends on', [openedAt('a', 7, { silenced: true, causedBy: 'db' })], undefined],
    ['not one told with another', [openedAt('a', 7, { groupedWith: 'x/1' }), openedAt('b', 9)], 'b/1'],
    ['not a resolved one', [{ ...openedAt('a', 7), incident: { ...openedAt('a', 7).incident!, state: 'resolved' as const } }], undefined],
  ])('is %s', (_, mates, expected) => {
    expect(leadOf('orders', mates, now, 5)?.incidentId).toBe(expected);
  });
});

/** One finding a minute for a member, told with the lead while `withLead` says so. */
function play(statuses: Status[], withLead: (minute: number) => boolean, start?: CheckState) {
  let state = start;
  const transitions: string[] = [];
  statuses.forEach((status, minute) => {
    const now = minutesAfter(T0, minute);
    const next = decideIncident(state, finding(status, now), { policy, severity: 'P2', silence: undefined, now, group: withLead(minute) ? lead : undefined });
    if (next?.transition && next.transition.seq !== state?.transition?.seq)
      transitions.push(`${minute}:${next.transition.kind}${next.incident?.silenced ? ' (held)' : ''}`);
    if (next) state = next;
  });
  return { transitions, state: state! };
}

describe('an incident told with its group lead', () => {
  it('opens held, names the lead, and sends no reminder while the lead lasts', () => {
    const { transitions, state } = play(Array<Status>(20).fill('fail'), () => true);
    expect(transitions).toEqual(['1:opened (held)']);
    expect(state.incident).toMatchObject({
      silenced: true,
      groupedWith: 'orders-db/1',
      silenceReason: 'told with orders-db/1, of its group orders',
      notificationsSent: 0,
    });
  });

  it('pages on its own once the lead is over and it still fails; resolves quietly when it recovers first', () => {
    const outlasts = play(['fail', 'fail', 'fail', 'fail'], (m) => m < 3);
    expect(outlasts.transitions).toEqual(['1:opened (held)', '3:opened']);
    expect(outlasts.state.transition?.reason).toBe('orders-db/1, which it was told with, is over, and this still fails');
    expect(outlasts.state.incident?.groupedWith).toBeUndefined();
    expect(play(['fail', 'fail', 'ok', 'ok'], () => true).transitions).toEqual(['1:opened (held)', '3:resolved (held)']);
  });

  it('does not page when acknowledged with its lead: someone has it', () => {
    const held = play(['fail', 'fail'], () => true).state;
    const acked = { ...held, incident: { ...held.incident!, state: 'acknowledged' as const, acknowledgedBy: 'alice' } };
    const after = decideIncident(acked, finding('fail', minutesAfter(T0, 3)), { policy, severity: 'P2', silence: undefined, now: minutesAfter(T0, 3) });
    expect(after?.transition?.seq).toBe(acked.transition?.seq);
    expect(after?.incident).toMatchObject({ state: 'acknowledged', silenced: false });
  });
});

describe('a round of a group failing together', () => {
  const config = parseConfig({
    checks: ['orders-db', 'orders-api', 'orders-web', 'orders-worker', 'billing'].map((id) => ({
      id,
      kind: 'tcp',
      target: `${id}:443`,
      tags: { service: id === 'billing' ? 'billing' : 'orders' },
    })),
  });
  const setup = () => {
    const store = new MemoryStateStore();
    const at = (minute: number) => ({ config, store, clock: { now: () => minutesAfter(T0, minute) }, log: silentLog });
    const round = (minute: number, failing: (id: string) => boolean, ids = config.checks.map((c) => c.id)) =>
      recordRound(
        ids.map((id) => finding(failing(id) ? 'fail' : 'ok', minutesAfter(T0, minute), { checkId: id, target: `${id}:443` })),
        at(minute),
      );
    return { store, round };
  };

  it('tells the first of the group, with the others held and named by it; another service stays its own', async () => {
    const { store, round } = setup();
    await round(0, () => true);
    const written: string[] = [];
    const put = store.putCheckState.bind(store);
    store.putCheckState = (state, expected) => (written.push(state.checkId), put(state, expected));
    const opened = await round(1, () => true);
    expect(opened.transitions.map((t) => t.incidentId)).toEqual(['orders-db/1', 'orders-api/1', 'orders-web/1', 'orders-worker/1', 'billing/1']);
    // The lead is written after the others, so its message (sent from its write) finds them.
    expect(written.at(-1)).toBe('orders-db');
    const states = await store.getCheckStates(config.checks.map((c) => c.id));
    expect(states.get('orders-db')?.incident).toMatchObject({ silenced: false, notificationsSent: 1 });
    for (const id of ['orders-api', 'orders-web', 'orders-worker'])
      expect(states.get(id)?.incident).toMatchObject({ silenced: true, groupedWith: 'orders-db/1' });
    expect(states.get('billing')?.incident).toMatchObject({ silenced: false });
    expect(states.get('billing')?.incident?.groupedWith).toBeUndefined();
  });

  it('joins one that opens within the window from another part, and pages one that opens after it', async () => {
    const { store, round } = setup();
    for (const m of [0, 1]) await round(m, (id) => id === 'orders-db', ['orders-db']);
    for (const m of [3, 4]) await round(m, () => true, ['orders-api']); // another part, 3 minutes later
    for (const m of [8, 9]) await round(m, () => true, ['orders-web']); // 8 minutes after: not the same moment
    const states = await store.getCheckStates(['orders-api', 'orders-web']);
    expect(states.get('orders-api')?.incident).toMatchObject({ silenced: true, groupedWith: 'orders-db/1' });
    expect(states.get('orders-web')?.incident).toMatchObject({ silenced: false });
  });

  it('acknowledging or silencing the lead covers the others; resolving it does not', async () => {
    const { store, round } = setup();
    for (const m of [0, 1]) await round(m, (id) => id !== 'billing');
    const deps = { config, store, clock: { now: () => minutesAfter(T0, 2) }, log: silentLog };
    const ack = await operate({ op: 'ack', incident: 'orders-db/1', by: 'alice', reason: 'on it' }, deps);
    expect(ack).toMatchObject({ done: 'orders-db/1 acknowledged by alice, with the 3 told with it (orders-api, orders-web, orders-worker)' });
    const states = await store.getCheckStates(['orders-api', 'orders-web', 'orders-worker']);
    for (const s of states.values()) expect(s.incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice' });

    await operate({ op: 'silence', incident: 'orders-db/1', for: 3_600_000, by: 'alice', reason: 'deploying' }, deps);
    expect((await store.listSilences())[0]).toMatchObject({ checks: ['orders-db', 'orders-api', 'orders-web', 'orders-worker'] });

    // The lead resolves by hand; the others still fail, stay acknowledged and silenced, and page nobody.
    await operate({ op: 'resolve', incident: 'orders-db/1', by: 'alice', reason: 'fixed' }, deps);
    const next = await round(3, (id) => id !== 'billing' && id !== 'orders-db');
    expect(next.transitions.filter((t) => t.kind === 'opened')).toEqual([]);
  });

  it('reads nothing more in a round in which nothing opens', async () => {
    const { store, round } = setup();
    await round(0, () => false);
    let reads = 0;
    const get = store.getCheckStates.bind(store);
    store.getCheckStates = (ids) => (reads++, get(ids));
    await round(1, () => false);
    expect(reads).toBe(1);
  });
});
