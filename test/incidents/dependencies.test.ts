import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { dependencyDepths } from '../../shared/config/dependencies.js';
import { ConfigError } from '../../shared/errors.js';
import type { Status } from '../../shared/findings.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { causeFor, type Cause } from '../../shared/incidents/dependencies.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import type { IncidentPolicy } from '../../shared/incidents/policy.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

const policy: IncidentPolicy = { failureThreshold: 2, successThreshold: 2, openOnWarn: false, maxRepeats: 2, respondMinutes: 15, repeatMinutes: 5 };
const db: Cause = { checkId: 'orders-db', summary: 'port 5432 closed' };

/** One finding a minute for a dependent check, its parent down in the minutes `causedAt` says. */
function play(statuses: Status[], causedAt: (minute: number) => boolean) {
  let state: CheckState | undefined;
  const transitions: string[] = [];
  statuses.forEach((status, minute) => {
    const now = minutesAfter(T0, minute);
    const next = decideIncident(state, finding(status, now), { policy, severity: 'P1', silence: undefined, now, cause: causedAt(minute) ? db : undefined });
    if (next?.transition && next.transition.seq !== state?.transition?.seq)
      transitions.push(`${minute}:${next.transition.kind}${next.incident?.silenced ? ' (held)' : ''}`);
    if (next) state = next;
  });
  return { transitions, state: state! };
}

describe('a check that depends on a failing one', () => {
  it('opens an incident held as caused by it: recorded, not paged, no reminder and no escalation while the cause lasts', () => {
    const { transitions, state } = play(
      ['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail'],
      () => true,
    );
    expect(transitions).toEqual(['1:opened (held)']);
    expect(state.incident).toMatchObject({
      silenced: true,
      causedBy: 'orders-db',
      silenceReason: 'caused by orders-db: port 5432 closed',
      notificationsSent: 0,
    });
  });

  it('pages on its own when the check it depends on recovers and it still fails', () => {
    const { transitions, state } = play(['fail', 'fail', 'fail', 'fail'], (minute) => minute < 3);
    expect(transitions).toEqual(['1:opened (held)', '3:opened']);
    expect(state.incident).toMatchObject({ silenced: false, notificationsSent: 1 });
    expect(state.incident?.causedBy).toBeUndefined();
    expect(state.transition?.reason).toBe('orders-db recovered, and this still fails');
  });

  it('resolves quietly when it recovers with the check it depends on', () => {
    const { transitions } = play(['fail', 'fail', 'ok', 'ok'], (minute) => minute < 2);
    expect(transitions).toEqual(['1:opened (held)', '3:resolved (held)']);
  });

  it('stops reminding about an incident already paged once a check it depends on fails', () => {
    const { transitions } = play(['fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail'], (minute) => minute >= 3);
    expect(transitions).toEqual(['1:opened']);
  });
});

describe('causeFor', () => {
  const state = (failing: boolean, open: boolean): CheckState => ({
    checkId: 'orders-db',
    target: 'db:5432',
    version: 1,
    status: failing ? 'fail' : 'ok',
    statusSince: T0.toISOString(),
    streak: { failing, count: 1 },
    incidentCount: open ? 1 : 0,
    ...(open ? { incident: { id: 'orders-db/1', state: 'open', summary: 'port 5432 closed' } as CheckState['incident'] } : {}),
  });
  const parent = (f?: Status, s?: CheckState) => ({
    checkId: 'orders-db',
    policy,
    ...(f ? { finding: finding(f, T0, { summary: `db ${f}` }) } : {}),
    state: s,
  });

  it.each([
    ['failing in this round', parent('fail'), { checkId: 'orders-db', summary: 'db fail' }],
    ['passing in this round, its incident still open', parent('ok', state(false, true)), undefined],
    ['warning, which is not failing by its policy', parent('warn'), undefined],
    ['not run in this round, failing when last seen', parent(undefined, state(true, false)), { checkId: 'orders-db', summary: 'orders-db is fail' }],
    ['not run in this round, its incident open', parent(undefined, state(false, true)), { checkId: 'orders-db', summary: 'port 5432 closed' }],
    ['never seen', parent(undefined, undefined), undefined],
  ])('a parent %s', (_, view, cause) => {
    expect(causeFor([view])).toEqual(cause);
  });

  it('names the first parent that is down', () => {
    expect(causeFor([{ checkId: 'lb', policy, finding: finding('ok', T0) }, parent('fail')])).toMatchObject({ checkId: 'orders-db' });
  });
});

describe('dependsOn in the config', () => {
  const checks = (deps: Record<string, string[]>) =>
    Object.keys(deps).map((id) => ({ id, kind: 'tcp' as const, target: `${id}:443`, ...(deps[id]!.length ? { dependsOn: deps[id] } : {}) }));
  const problems = (deps: Record<string, string[]>) => {
    try {
      parseConfig({ checks: checks(deps) });
      return [];
    } catch (err) {
      return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('refuses an unknown id and a check depending on itself, naming where', () => {
    expect(problems({ a: ['nope'], b: ['b'] })).toEqual([
      'checks[0].dependsOn[0]: no check has id "nope" (check "a")',
      'checks[1].dependsOn[0]: "b" cannot depend on itself (check "b")',
    ]);
  });

  it('refuses a cycle, naming every check in it once', () => {
    expect(problems({ a: ['c'], b: ['a'], c: ['b'], d: ['a'] })).toEqual([
      'checks[0].dependsOn: a dependency cycle: a → c → b → a; a check cannot be caused by its own failure (check "a")',
    ]);
  });

  it('orders a chain so that dependents come first', () => {
    const config = parseConfig({ checks: checks({ api: ['lb'], lb: ['db'], db: [], other: [] }) });
    expect(Object.fromEntries(dependencyDepths(config.checks))).toEqual({ api: 2, lb: 1, db: 0, other: 0 });
  });
});

describe('a round in parts', () => {
  it('holds a dependent whose check runs in another part than the one it depends on, from that one as last recorded', async () => {
    const config = parseConfig({
      checks: [
        { id: 'orders-db', kind: 'tcp', target: 'db:5432' },
        { id: 'orders-api', kind: 'tcp', target: 'api:443', dependsOn: ['orders-db'] },
      ],
    });
    const store = new MemoryStateStore();
    const at = (minute: number) => ({ config, store, clock: { now: () => minutesAfter(T0, minute) }, log: silentLog });
    const fail = (checkId: string, minute: number) =>
      finding('fail', minutesAfter(T0, minute), { checkId, target: checkId === 'orders-db' ? 'db:5432' : 'api:443' });
    for (const minute of [0, 1]) {
      await recordRound([fail('orders-db', minute)], at(minute)); // part 1
      await recordRound([fail('orders-api', minute)], at(minute)); // part 2
    }
    const states = await store.getCheckStates(['orders-db', 'orders-api']);
    expect(states.get('orders-db')?.incident).toMatchObject({ silenced: false });
    expect(states.get('orders-api')?.incident).toMatchObject({ silenced: true, causedBy: 'orders-db' });
  });
});
