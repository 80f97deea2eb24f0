import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalDynamo } from '../../app/local/dynamo.js';
import { parseConfig } from '../../shared/config/load.js';
import type { Finding, Status } from '../../shared/findings.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { fixedClock } from '../support/checks.js';
import { countReads, countWrites, freshTable, startLocalDynamo } from '../support/dynamo.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// A windowed check in a bucket of 50: its latest rounds ride with the bucket's summary (read in the same
// request, one small item written each round), never a read of its own.

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());

const N = 50;
const BUCKET = 'b-window';
const config = parseConfig({
  incidents: { grouping: { windowMinutes: 0 } },
  checks: Array.from({ length: N }, (_, i) => ({
    id: `c-${i}`,
    kind: 'tcp',
    target: `db-${i}:5432`,
    // c-0 fails one round in three: never twice in a row, so never an incident on its own rounds.
    ...(i === 0 ? { window: { samples: 9, failingShare: { failAbove: 20 } }, incident: { failureThreshold: 2 } } : {}),
  })),
});
const round = (minute: number, c0: Status): Finding[] =>
  Array.from({ length: N }, (_, i) => finding(i === 0 ? c0 : 'ok', minutesAfter(T0, minute), { checkId: `c-${i}`, target: `db-${i}:5432` }));
const flaky = (minute: number): Status => (minute % 3 === 0 ? 'fail' : 'ok');

async function setup() {
  const table = await freshTable(dynamo);
  const reads = countReads(dynamo.client);
  const writes = countWrites(dynamo.client);
  const store = new DynamoStateStore(dynamo.doc, table);
  const deps = (minute: number) => ({ config, store, clock: fixedClock(minutesAfter(T0, minute)), log: silentLog, bucket: BUCKET });
  return { store, deps, reads, writes };
}

describe('a check judged over its window, round after round', () => {
  it("opens an incident on the window's failing share, which no single round would", async () => {
    const { deps, store } = await setup();
    const kinds: string[] = [];
    for (let minute = 0; minute < 12; minute++) kinds.push(...(await recordRound(round(minute, flaky(minute)), deps(minute))).transitions.map((t) => t.kind));
    expect(kinds).toEqual(['opened']);
    const state = (await store.getCheckStates(['c-0'])).get('c-0')!;
    expect(state.incident?.summary).toMatch(/; over the last 9 rounds: 3 of 9 rounds failing: 33\.33% \(fail above 20%\)$/);
  });

  it('costs a steady round no read of a check: the window comes with the summary, and one small write keeps it', async () => {
    const { deps, reads, writes } = await setup();
    await recordRound(round(0, 'ok'), deps(0));
    const before = { reads: reads(), writes: writes() };
    for (let minute = 1; minute <= 3; minute++) await recordRound(round(minute, 'ok'), deps(minute));
    const after = { reads: reads(), writes: writes() };
    expect((after.reads.CHECK ?? 0) - (before.reads.CHECK ?? 0)).toBe(0);
    // Each round: its one BatchGet (summary, marker, windows), and one write, of the windows.
    expect((after.reads.BUCKET ?? 0) - (before.reads.BUCKET ?? 0)).toBe(6);
    expect((after.writes.PutItemCommand ?? 0) - (before.writes.PutItemCommand ?? 0)).toBe(3);
  });

  it('starts again from what it has when its history is lost, saying how far it has got', async () => {
    const { deps, store } = await setup();
    for (let minute = 0; minute < 4; minute++) await recordRound(round(minute, 'ok'), deps(minute));
    await store.putWindows(BUCKET, {});
    await recordRound(round(4, 'fail'), deps(4));
    const { windows } = await store.readSummary(BUCKET, { windows: true });
    expect(windows).toEqual({ 'c-0': { s: 'f', v: [null] } });
  });
});
