import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings.js';
import { knownSecrets } from '../../shared/secrets/mask.js';
import type { CheckState, Incident, Transition } from '../../shared/state/check-state.js';
import type { GuardState } from '../../shared/state/guard.js';
import { StateConflictError } from '../../shared/errors.js';
import type { StateStore, TimelineEntry } from '../../shared/state/ports.js';
import type { RunRecord } from '../../shared/state/run.js';

const T0 = '2026-12-01T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const incident = (id: string, openedAt: string, state: Incident['state'] = 'open'): Incident => ({
  id,
  checkId: id.split('/')[0]!,
  target: 'https://example.test',
  severity: 'P2',
  state,
  silenced: false,
  openedAt,
  failingSince: openedAt,
  summary: 'down',
  observed: {},
  failuresAtOpen: 3,
  notificationsSent: 0,
});

const checkState = (checkId: string, version: number, summary = 'ok'): CheckState => ({
  checkId,
  target: 'https://example.test',
  version,
  status: 'ok',
  statusSince: T0,
  streak: { failing: false, count: 1 },
  incidentCount: 0,
  incident: { ...incident(`${checkId}/1`, T0), summary },
});

const transition = (seq: number, incidentId: string): Transition => ({ seq, kind: 'opened', incidentId, at: at(seq), by: 'vigil' });
const line = (minute: number, key: string, kind = 'opened'): TimelineEntry => ({ at: at(minute), kind, by: 'vigil', summary: kind, key });
const guard = (version: number): GuardState => ({ targetKey: 'ecs:prod/api', version, actions: [], failedVerifications: version });
const run = (version: number): RunRecord => ({
  id: 'alarm#e1',
  version,
  runbook: 'rb',
  eventId: 'e1',
  next: version,
  steps: [],
  verdict: 'acted',
  status: 'running',
  attempts: 1,
  startedAt: T0,
});
const finding = (minute: number): Finding => ({
  checkId: 'api',
  kind: 'http',
  target: 'https://example.test',
  status: 'fail',
  summary: `down at ${minute}`,
  observed: {},
  startedAt: at(minute),
  durationMs: 5,
});

/**
 * What every implementation of the state ports promises, whatever holds the items: the conditions,
 * the orders, the idempotent writes, and that a value read is the value written (a copy, masked).
 */
export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name}: the state store contract`, () => {
    it('writes a check state only on the version it read, and says when someone got there first', async () => {
      const store = await open();
      await store.putCheckState(checkState('api', 1), undefined);
      await expect(store.putCheckState(checkState('api', 1), undefined)).rejects.toBeInstanceOf(StateConflictError);
      await expect(store.putCheckState(checkState('api', 3), 2)).rejects.toBeInstanceOf(StateConflictError);
      await store.putCheckState(checkState('api', 2, 'second'), 1);
      const states = await store.getCheckStates(['api', 'never-seen']);
      expect([...states.keys()]).toEqual(['api']);
      expect(states.get('api')).toMatchObject({ version: 2, incident: { summary: 'second' } });
    });

    it('keeps a bucket summary on the version read, reads it with the outside-writes marker, and deletes it', async () => {
      const store = await open();
      expect(await store.readSummary('b-1')).toEqual({ summary: undefined, touched: 0 });
      const summary = { bucket: 'b-1', checks: ['api', 'db'], states: { api: checkState('api', 4) }, touchedSeen: 0, filledAt: T0, version: 1 };
      await store.putSummary(summary, undefined);
      await expect(store.putSummary({ ...summary, version: 2 }, 3)).rejects.toBeInstanceOf(StateConflictError);
      await store.markStatesTouched();
      await store.markStatesTouched();
      expect(await store.readSummary('b-1')).toEqual({ summary, touched: 2 });
      expect(await store.readSummary('b-2')).toEqual({ summary: undefined, touched: 2 });
      await store.deleteSummary('b-1');
      expect((await store.readSummary('b-1')).summary).toBeUndefined();
    });

    it("keeps a bucket's windows beside its summary, read with it only when asked", async () => {
      const store = await open();
      expect((await store.readSummary('b-1', { windows: true })).windows).toEqual({});
      const windows = { api: { s: 'oofo', v: [41, 40, null, 52.5] }, db: { s: 'o', v: [null] } };
      await store.putWindows('b-1', windows);
      await store.putWindows('b-1', { ...windows, db: { s: 'oo', v: [null, 3] } });
      expect(await store.readSummary('b-1', { windows: true })).toEqual({
        summary: undefined,
        touched: 0,
        windows: { ...windows, db: { s: 'oo', v: [null, 3] } },
      });
      expect(await store.readSummary('b-1')).not.toHaveProperty('windows');
      expect((await store.readSummary('b-2', { windows: true })).windows).toEqual({});
    });

    it('reads every check state asked for, however many', async () => {
      const store = await open();
      const ids = Array.from({ length: 130 }, (_, i) => `check-${i}`);
      for (const id of ids) await store.putCheckState(checkState(id, 1), undefined);
      expect((await store.getCheckStates(ids)).size).toBe(130);
    });

    it('hands out copies: changing what was read or written changes nothing stored', async () => {
      const store = await open();
      const written = checkState('api', 1);
      await store.putCheckState(written, undefined);
      written.status = 'fail';
      const read = (await store.getCheckStates(['api'])).get('api')!;
      read.streak.count = 99;
      expect((await store.getCheckStates(['api'])).get('api')).toMatchObject({ status: 'ok', streak: { count: 1 } });
    });

    it('masks every secret the process knows in what it stores', async () => {
      const store = await open();
      const secret = `contract-secret-${name.replace(/\W/g, '')}-7f3a9c`;
      knownSecrets.add(secret);
      await store.putCheckState(checkState('leaky', 1, `connect failed for postgres://app:${secret}@db`), undefined);
      await store.appendTimeline('leaky/1', { ...line(1, 'k'), summary: `token ${secret}` });
      const leaky = checkState('leaky', 1, `connect failed for postgres://app:${secret}@db`);
      await store.putSummary({ bucket: 'b-leaky', checks: ['leaky'], states: { leaky }, touchedSeen: 0, filledAt: T0, version: 1 }, undefined);
      const stored = JSON.stringify(
        [await store.getCheckStates(['leaky']), await store.getTimeline('leaky/1'), await store.readSummary('b-leaky')].map((x) =>
          x instanceof Map ? [...x] : x,
        ),
      );
      expect(stored).not.toContain(secret);
      expect(stored.match(/connect failed for/g)).toHaveLength(2);
    });

    it('keeps findings in the order they were taken', async () => {
      const store = await open();
      await store.recordFindings([finding(3), finding(1), finding(2)], new Date(at(60 * 24)));
      expect((await store.listFindings('api')).map((f) => f.summary)).toEqual(['down at 1', 'down at 2', 'down at 3']);
      expect(await store.listFindings('other')).toEqual([]);
    });

    it('adds, lists and deletes silences', async () => {
      const store = await open();
      const silence = { id: 'deploy', checks: { ids: ['api'] }, reason: 'deploy', until: at(30) };
      await store.putSilence(silence as never);
      await store.putSilence({ ...silence, id: 'another' } as never);
      expect((await store.listSilences()).map((s) => s.id)).toEqual(['another', 'deploy']);
      await store.deleteSilence('deploy');
      expect((await store.listSilences()).map((s) => s.id)).toEqual(['another']);
    });

    it('writes a timeline line once, however often it is appended, and reads the timeline in time order', async () => {
      const store = await open();
      await store.appendTimeline('api/1', line(2, 'b'));
      await store.appendTimeline('api/1', line(1, 'a'));
      await store.appendTimeline('api/1', { ...line(1, 'a'), summary: 'a retry that says otherwise' });
      expect((await store.getTimeline('api/1')).map((e) => `${e.key} ${e.summary}`)).toEqual(['a opened', 'b opened']);
      expect(await store.getTimelineEntry('api/1', at(1), 'a')).toMatchObject({ summary: 'opened' });
      expect(await store.getTimelineEntry('api/1', at(1), 'missing')).toBeUndefined();
      expect(await store.getTimeline('other/1')).toEqual([]);
    });

    it('writes a delivery line over a send under way, never over a final one', async () => {
      const store = await open();
      await store.putDeliveryLine('api/1', { ...line(1, 'd', 'sending'), sends: 1 });
      await store.putDeliveryLine('api/1', { ...line(1, 'd', 'sending'), sends: 2 });
      expect(await store.getTimelineEntry('api/1', at(1), 'd')).toMatchObject({ kind: 'sending', sends: 2 });
      await store.putDeliveryLine('api/1', line(1, 'd', 'notified'));
      await store.putDeliveryLine('api/1', { ...line(1, 'd', 'sending'), sends: 3 });
      expect(await store.getTimelineEntry('api/1', at(1), 'd')).toMatchObject({ kind: 'notified' });
    });

    it('keeps an incident record at its newest transition, and lists the active ones oldest first', async () => {
      const store = await open();
      await store.putIncident({ ...incident('b/1', at(2)), summary: 'newer' }, transition(5, 'b/1'));
      await store.putIncident({ ...incident('b/1', at(2)), summary: 'older, retried' }, transition(4, 'b/1'));
      await store.putIncident(incident('a/1', at(1)), transition(1, 'a/1'));
      await store.putIncident(incident('c/1', at(3)), transition(1, 'c/1'));
      await store.putIncident(incident('gone/1', at(0), 'resolved'), transition(2, 'gone/1'));
      expect(await store.getIncident('b/1')).toMatchObject({ summary: 'newer' });
      expect(await store.getIncident('nobody/1')).toBeUndefined();
      expect(await store.countActiveIncidents()).toBe(3);
      // The brake's counts: each its own problem, and opened since a time.
      await store.putIncident({ ...incident('d/1', at(4)), causedBy: 'a' }, transition(1, 'd/1'));
      await store.putIncident({ ...incident('e/1', at(4)), groupedWith: 'c/1' }, transition(1, 'e/1'));
      await store.putIncident({ ...incident('f/1', at(4)), silenced: true }, transition(1, 'f/1'));
      expect(await store.countActiveIncidents()).toBe(6);
      expect(await store.countActiveIncidents({ independent: true })).toBe(3);
      expect(await store.countActiveIncidents({ independent: true, openedSince: at(2) })).toBe(2);
      expect(await store.countActiveIncidents({ openedSince: at(3) })).toBe(4);
      await store.putIncident({ ...incident('alarm:x/1', at(4)), checkId: 'alarm:x' }, transition(1, 'alarm:x/1'));
      expect(await store.countActiveIncidents({ independent: true, openedSince: at(3) })).toBe(2);
      expect(await store.countActiveIncidents({ independent: true, openedSince: at(3), checksOnly: true })).toBe(1);
      await store.putIncident({ ...incident('alarm:x/1', at(4), 'resolved'), checkId: 'alarm:x' }, transition(2, 'alarm:x/1'));
      for (const id of ['d/1', 'e/1', 'f/1']) await store.putIncident(incident(id, at(4), 'resolved'), transition(2, id));
      const first = await store.listActiveIncidents(2);
      expect(first).toMatchObject({ incidents: [{ id: 'a/1' }, { id: 'b/1' }], more: true });
      expect((await store.listActiveIncidents(10)).more).toBe(false);
      // Resolved: out of the index.
      await store.putIncident(incident('a/1', at(1), 'resolved'), transition(2, 'a/1'));
      expect((await store.listActiveIncidents(10)).incidents.map((i) => i.id)).toEqual(['b/1', 'c/1']);
    });

    it('writes the brake on the version read, reads it alone and with a guard, and tells a lost race', async () => {
      const store = await open();
      expect(await store.getBrake()).toBeUndefined();
      await store.putBrake({ version: 1, actions: [{ at: at(1), eventId: 'e1', target: 'ecs:prod/api' }] }, undefined);
      await expect(store.putBrake({ version: 1, actions: [] }, undefined)).rejects.toBeInstanceOf(StateConflictError);
      await store.putBrake({ version: 2, actions: [], engaged: { at: at(2), reason: 'too many' } }, 1);
      await store.setKillSwitch({ automationEnabled: true });
      expect(await store.getBrake()).toMatchObject({ version: 2, engaged: { reason: 'too many' } });
      expect((await store.getGuard('ecs:prod/api')).brake).toMatchObject({ version: 2 });
      expect((await store.getGuard('ecs:prod/api')).killSwitch).toEqual({ automationEnabled: true });
    });

    it('reads a guard with the kill switch and a check state at once, and writes it on the version read', async () => {
      const store = await open();
      expect(await store.getGuard('ecs:prod/api')).toEqual({ guard: undefined, killSwitch: undefined, brake: undefined });
      await store.putGuard(guard(1), undefined);
      await expect(store.putGuard(guard(1), undefined)).rejects.toBeInstanceOf(StateConflictError);
      await store.putGuard(guard(2), 1);
      await store.setKillSwitch({ automationEnabled: false, by: 'ana', reason: 'migration' });
      await store.putCheckState(checkState('api', 1), undefined);
      expect(await store.getGuard('ecs:prod/api', 'api')).toMatchObject({
        guard: { version: 2, failedVerifications: 2 },
        killSwitch: { automationEnabled: false, by: 'ana' },
        check: { checkId: 'api', version: 1 },
      });
      expect((await store.getGuard('ecs:prod/api', 'no-such-check')).check).toBeUndefined();
    });

    it('keeps proposals by id', async () => {
      const store = await open();
      const proposal = { id: 'p1', remediation: 'rollback', incidentId: 'api/1', incidentVersion: 4, summary: 'roll back', change: { to: 7 } };
      await store.putProposal({ ...proposal, expiresAt: at(30), runbook: 'rb', step: 1 });
      expect(await store.getProposal('p1')).toMatchObject({ change: { to: 7 }, step: 1 });
      expect(await store.getProposal('p2')).toBeUndefined();
    });

    it('writes a run on the version read', async () => {
      const store = await open();
      await store.putRun(run(1), undefined);
      await expect(store.putRun(run(2), undefined)).rejects.toBeInstanceOf(StateConflictError);
      await store.putRun(run(2), 1);
      await expect(store.putRun(run(3), 1)).rejects.toBeInstanceOf(StateConflictError);
      expect(await store.getRun('alarm#e1')).toMatchObject({ version: 2, next: 2 });
      expect(await store.getRun('alarm#e2')).toBeUndefined();
    });

    it('keeps the newest heartbeat report: an older one arriving late changes nothing', async () => {
      const store = await open();
      await store.putHeartbeat('backup', { at: at(10), status: 'ok', via: 'url' });
      await store.putHeartbeat('backup', { at: at(5), status: 'fail', via: 'cli' });
      expect(await store.getHeartbeat('backup')).toEqual({ at: at(10), status: 'ok', via: 'url' });
      await store.putHeartbeat('backup', { at: at(20), status: 'fail', message: 'disk full', via: 'cli' });
      expect(await store.getHeartbeat('backup')).toMatchObject({ status: 'fail', message: 'disk full' });
      expect(await store.getHeartbeat('other')).toBeUndefined();
    });
  });
}
