import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDynamo } from '../../app/local/dynamo.js';
import { parseConfig } from '../../shared/config/load.js';
import type { Finding, Status } from '../../shared/findings.js';
import { applyHumanAction } from '../../shared/incidents/operator.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { SUMMARY_MAX_AGE_MS } from '../../shared/incidents/round-states.js';
import { silentLog } from '../../shared/log.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { fixedClock } from '../support/checks.js';
import { countReads, freshTable, startLocalDynamo } from '../support/dynamo.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// A bucket's rounds read one summary item, not each check, while the summary is known to be current:
// nothing an operator or a runbook wrote since (the marker), not older than 10 minutes, no round of
// the bucket lost or left half done. Whatever else happens, the next round reads each check again.

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());

const N = 50;
const BUCKET = 'b-0123456789abcdef';
const config = parseConfig({
  incidents: { grouping: { windowMinutes: 0 } },
  checks: Array.from({ length: N }, (_, i) => ({ id: `c-${i}`, kind: 'tcp', target: `db-${i}:5432` })),
});
/** Check `i` fails, the others pass. */
const only =
  (i: number) =>
  (j: number): Status =>
    j === i ? 'fail' : 'ok';
const round = (minute: number, statusOf: (i: number) => Status = () => 'ok'): Finding[] =>
  Array.from({ length: N }, (_, i) => finding(statusOf(i), minutesAfter(T0, minute), { checkId: `c-${i}`, target: `db-${i}:5432` }));

async function setup() {
  const table = await freshTable(dynamo);
  const reads = countReads(dynamo.client);
  const store = new DynamoStateStore(dynamo.doc, table);
  const deps = (minute: number, bucket: string | null = BUCKET) => ({
    config,
    store,
    clock: fixedClock(minutesAfter(T0, minute)),
    log: silentLog,
    bucket: bucket ?? undefined,
  });
  /** The check items a round read: what it costs per check. */
  const checkReads = async (run: () => Promise<unknown>) => {
    const before = reads().CHECK ?? 0;
    await run();
    return (reads().CHECK ?? 0) - before;
  };
  return { store, deps, checkReads };
}

describe("a bucket's summary", () => {
  it('spares a steady round every read of a check: the round reads one summary for the bucket', async () => {
    const { deps, checkReads } = await setup();
    expect(await checkReads(() => recordRound(round(0), deps(0)))).toBe(N);
    expect(await checkReads(() => recordRound(round(1), deps(1)))).toBe(0);
    expect(await checkReads(() => recordRound(round(2), deps(2)))).toBe(0);
  });

  it('decides on what the last rounds wrote: an incident opens and resolves on the summary alone', async () => {
    const { deps, store, checkReads } = await setup();
    await recordRound(round(0), deps(0));
    const kinds: string[] = [];
    const run = async (minute: number, statusOf?: (i: number) => Status) =>
      kinds.push(...(await recordRound(round(minute, statusOf), deps(minute))).transitions.map((t) => t.kind));
    expect(await checkReads(() => run(1, only(7)))).toBe(0);
    expect(await checkReads(() => run(2, only(7)))).toBe(0);
    expect(await checkReads(() => run(3))).toBe(0);
    expect(await checkReads(() => run(4))).toBe(0);
    expect(kinds).toEqual(['opened', 'resolved']);
    expect((await store.getCheckStates(['c-7'])).get('c-7')?.incident?.state).toBe('resolved');
  });

  it("sees an operator's resolution in the very next round: their write moves the marker", async () => {
    const { deps, store, checkReads } = await setup();
    await recordRound(round(0, only(3)), deps(0));
    await recordRound(round(1, only(3)), deps(1));
    // Resolved by hand while it still fails: the next round reads the checks again and counts the failure anew.
    await applyHumanAction(store, { op: 'resolve', incidentId: 'c-3/1', by: 'alice', reason: 'fixed the pool' }, fixedClock(minutesAfter(T0, 1.5)));
    expect(await checkReads(() => recordRound(round(2, only(3)), deps(2)))).toBe(N);
    // The round after reads the summary again, and the failure still there opens a new incident.
    let next: Awaited<ReturnType<typeof recordRound>> | undefined;
    expect(await checkReads(async () => void (next = await recordRound(round(3, only(3)), deps(3))))).toBe(0);
    expect(next!.transitions.map((t) => [t.incidentId, t.kind])).toEqual([['c-3/2', 'opened']]);
  });

  it('is read again from the checks after 10 minutes, whatever the marker says', async () => {
    const { deps, checkReads } = await setup();
    await recordRound(round(0), deps(0));
    const minutes = SUMMARY_MAX_AGE_MS / 60_000;
    expect(await checkReads(() => recordRound(round(minutes - 1), deps(minutes - 1)))).toBe(0);
    expect(await checkReads(() => recordRound(round(minutes), deps(minutes)))).toBe(N);
    expect(await checkReads(() => recordRound(round(minutes + 1), deps(minutes + 1)))).toBe(0);
  });

  it('is dropped or kept whole when two rounds of the bucket race: never left behind either', async () => {
    const { deps, store, checkReads } = await setup();
    await recordRound(round(0), deps(0));
    const failing = (i: number): Status => (i < 5 ? 'fail' : 'ok');
    const [a, b] = await Promise.all([recordRound(round(1, failing), deps(1)), recordRound(round(1, failing), deps(1))]);
    // Each writes the 5 failing checks, the second after reading again what the first wrote.
    expect(a.stateWrites + b.stateWrites).toBe(10);
    const { summary } = await store.readSummary(BUCKET);
    if (summary) {
      const stored = await store.getCheckStates(Object.keys(summary.states));
      expect(Object.values(summary.states).map((s) => s.version)).toEqual([...stored.values()].map((s) => s.version));
    }
    expect((await recordRound(round(2, failing), deps(2))).failed).toEqual([]);
    expect(await checkReads(() => recordRound(round(3, failing), deps(3)))).toBe(0);
  });

  it('is not kept for a round without a bucket (run by hand): it reads each check, as before', async () => {
    const { deps, store, checkReads } = await setup();
    expect(await checkReads(() => recordRound(round(0), deps(0, null)))).toBe(N);
    expect(await checkReads(() => recordRound(round(1), deps(1, null)))).toBe(N);
    expect((await store.readSummary(BUCKET)).summary).toBeUndefined();
  });

  it('covers only its own checks: a round of other checks under its name reads each one', async () => {
    const { deps, checkReads } = await setup();
    await recordRound(round(0).slice(0, 10), deps(0));
    expect(await checkReads(() => recordRound(round(1).slice(0, 20), deps(1)))).toBe(20);
    expect(await checkReads(() => recordRound(round(2).slice(0, 20), deps(2)))).toBe(0);
  });

  it('is dropped when the round could not save a state, or could not keep the summary: the next round reads each check', async () => {
    const { deps, store, checkReads } = await setup();
    await recordRound(round(0), deps(0));
    const refusing = Object.assign(Object.create(store) as typeof store, {
      putCheckState: async (state: { checkId: string }, expected: number | undefined) => {
        if (state.checkId === 'c-9') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return store.putCheckState(state as never, expected);
      },
    });
    const failed = await recordRound(round(1, only(9)), { ...deps(1), store: refusing });
    expect(failed.failed.map((f) => f.checkId)).toEqual(['c-9']);
    expect((await store.readSummary(BUCKET)).summary).toBeUndefined();
    expect(await checkReads(() => recordRound(round(2, only(9)), deps(2)))).toBe(N);

    const noSummary = Object.assign(Object.create(store) as typeof store, {
      putSummary: async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
    });
    await recordRound(round(3, only(9)), { ...deps(3), store: noSummary });
    expect(await checkReads(() => recordRound(round(4, only(9)), deps(4)))).toBe(N);
  });
});
