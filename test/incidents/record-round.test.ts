import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { Finding, Status } from '../../shared/findings.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import type { LocalDynamo } from '../../app/local/dynamo.js';
import { silentLog } from '../../shared/log.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { fixedClock } from '../support/checks.js';
import { allItems, countWrites, freshTable, startLocalDynamo } from '../support/dynamo.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());

const N = 100;
const config = parseConfig({
  // Each check on its own here: grouping by service is test/incidents/grouping.test.ts's.
  incidents: { historyDays: 30, grouping: { windowMinutes: 0 } },
  checks: Array.from({ length: N }, (_, i) => ({ id: `c-${i}`, kind: 'tcp', target: `db-${i}:5432`, tags: { service: i % 2 ? 'orders' : 'search' } })),
});

const round = (minute: number, statusOf: (i: number) => Status): Finding[] =>
  Array.from({ length: N }, (_, i) => finding(statusOf(i), minutesAfter(T0, minute), { checkId: `c-${i}`, target: `db-${i}:5432` }));

async function setup() {
  const table = await freshTable(dynamo);
  const writes = countWrites(dynamo.client);
  const store = new DynamoStateStore(dynamo.doc, table);
  const deps = (minute: number) => ({ config, store, clock: fixedClock(minutesAfter(T0, minute)), log: silentLog });
  return { table, store, deps, writes };
}

describe('recordRound against DynamoDB (dynalite)', () => {
  it('costs no writes for a round in which nothing changes, and writes only what changes', async () => {
    const { deps, store } = await setup();
    const first = await recordRound(
      round(0, () => 'ok'),
      deps(0),
    );
    expect(first.stateWrites).toBe(N); // learning each check once

    const steady = await recordRound(
      round(1, () => 'ok'),
      deps(1),
    );
    expect(steady).toMatchObject({ stateWrites: 0, recorded: 0, transitions: [] });

    // 1% fail twice: two state writes each (failing, then opened), plus their history.
    await recordRound(
      round(2, (i) => (i === 7 ? 'fail' : 'ok')),
      deps(2),
    );
    const opened = await recordRound(
      round(3, (i) => (i === 7 ? 'fail' : 'ok')),
      deps(3),
    );
    expect(opened).toMatchObject({ stateWrites: 1, recorded: 1 });
    expect(opened.transitions).toEqual([{ seq: 1, kind: 'opened', incidentId: 'c-7/1', at: minutesAfter(T0, 3).toISOString(), by: 'vigil' }]);
    expect((await store.getCheckStates(['c-7'])).get('c-7')?.incident?.state).toBe('open');
  });

  it('lets two concurrent rounds for the same check open exactly one incident', async () => {
    const { deps, store, table } = await setup();
    await recordRound(
      round(0, (i) => (i < 10 ? 'fail' : 'ok')),
      deps(0),
    );
    const [a, b] = await Promise.all([
      recordRound(
        round(1, (i) => (i < 10 ? 'fail' : 'ok')),
        deps(1),
      ),
      recordRound(
        round(1, (i) => (i < 10 ? 'fail' : 'ok')),
        deps(1),
      ),
    ]);
    expect(a.transitions.length + b.transitions.length).toBe(10);
    expect([...a.failed, ...b.failed]).toEqual([]);
    const states = await store.getCheckStates(Array.from({ length: 10 }, (_, i) => `c-${i}`));
    expect([...states.values()].map((s) => s.incident?.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `c-${i}/1`).sort());
    expect([...states.values()].every((s) => s.incidentCount === 1)).toBe(true);
    expect((await allItems(dynamo, table)).filter((i) => i.type === 'check')).toHaveLength(N);
  });

  it('keeps notable findings in the history with a TTL of historyDays', async () => {
    const { deps, store, table } = await setup();
    await recordRound(
      round(0, (i) => (i === 3 ? 'fail' : 'ok')),
      deps(0),
    );
    const history = await store.listFindings('c-3');
    expect(history.map((f) => f.status)).toEqual(['fail']);
    const item = (await allItems(dynamo, table)).find((i) => i.type === 'finding' && (i.finding as Finding).checkId === 'c-3')!;
    expect(item.expiresAt).toBe(Math.floor(T0.getTime() / 1000) + 30 * 86_400);
  });

  it('honours a silence stored by an operator: the incident opens silenced', async () => {
    const { deps, store } = await setup();
    await store.putSilence({ id: 'orders-deploy', reason: 'orders deploy', tags: { service: 'orders' }, until: minutesAfter(T0, 60).toISOString(), by: 'bob' });
    await recordRound(
      round(0, () => 'fail'),
      deps(0),
    );
    const second = await recordRound(
      round(1, () => 'fail'),
      deps(1),
    );
    const states = await store.getCheckStates(['c-1', 'c-2']);
    expect(states.get('c-1')?.incident).toMatchObject({ silenced: true, silenceReason: 'orders deploy' });
    expect(states.get('c-2')?.incident).toMatchObject({ silenced: false });
    expect(second.transitions).toHaveLength(N);
  });

  it('sends the writes a round of N checks is documented to cost', async () => {
    const { deps, writes } = await setup();
    await recordRound(
      round(0, () => 'ok'),
      deps(0),
    );
    const before = writes();
    await recordRound(
      round(1, () => 'ok'),
      deps(1),
    );
    // docs/state.md: a steady round sends no write request at all (the empty history batch is skipped).
    expect(writes()).toEqual(before);
  });

  it('tells a flapping check once, judges it again once it held still, and times reminders and escalation by the injected clock', async () => {
    const { deps } = await setup();
    const flapping: Status[] = ['fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok'];
    const seen: string[] = [];
    for (const [minute, status] of flapping.entries()) {
      seen.push(
        ...(
          await recordRound(
            round(minute, (i) => (i === 0 ? status : 'ok')),
            deps(minute),
          )
        ).transitions.map((t) => t.kind),
      );
    }
    // 7 changes in 8 minutes: more than the default 6 within an hour.
    expect(seen).toEqual(['flapping']);

    // Now down for good, after holding still (passing) for longer than the default 30 minutes: the flapping
    // incident resolves on what it held, and the new failure pages as usual. Default P3 policy: reminders every 60 min, response SLA 240 min.
    const at = (minute: number) =>
      recordRound(
        round(minute, (i) => (i === 0 ? 'fail' : 'ok')),
        deps(minute),
      );
    const kinds = async (minute: number) => (await at(minute)).transitions.map((t) => `${t.kind}@${minute - 100}`);
    const timeline = [...(await kinds(100)), ...(await kinds(101)), ...(await kinds(160)), ...(await kinds(161)), ...(await kinds(221)), ...(await kinds(341))];
    expect(timeline).toEqual(['resolved@0', 'opened@1', 'repeated@61', 'repeated@121', 'escalated@241']);
  });
});
