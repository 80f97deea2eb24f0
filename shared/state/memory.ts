import type { Silence } from '../config/silences.js';
import type { Finding } from '../findings.js';
import { knownSecrets } from '../secrets/mask.js';
import type { CheckState, Incident, Transition } from './check-state.js';
import type { GuardState, KillSwitch } from './guard.js';
import type { HeartbeatReport } from './heartbeat.js';
import { StateConflictError } from '../errors.js';
import type { GuardRead, IncidentCount, Proposal, StateStore, TimelineEntry } from './ports.js';
import type { Brake } from './brake.js';
import type { StatusRecord } from './status.js';
import type { BucketWindows, RoundSummary, SummaryRead } from './round-summary.js';
import type { RunRecord } from './run.js';
import { keys } from './table.js';

type Key = { pk: string; sk: string };

/**
 * Every state port in one process's memory, held to the same contract tests as the DynamoDB adapter:
 * the same keys and sort order, the same conditions, copies in and out (nothing a caller keeps can
 * change what is stored), and secrets masked on the way in. For tests of the middle and the demo.
 */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, Map<string, unknown>>();

  async getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState>> {
    const states = new Map<string, CheckState>();
    for (const id of checkIds) {
      const state = this.get<CheckState>(keys.checkState(id));
      if (state) states.set(id, state);
    }
    return states;
  }

  async putCheckState(state: CheckState, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.checkState(state.checkId), state, expectedVersion, `check ${state.checkId}`);
  }

  async readSummary(bucket: string, options: { windows?: boolean } = {}): Promise<SummaryRead> {
    return {
      summary: this.get<RoundSummary>(keys.summary(bucket)),
      touched: this.get<number>(keys.statesTouched()) ?? 0,
      ...(options.windows ? { windows: this.get<BucketWindows>(keys.windows(bucket)) ?? {} } : {}),
    };
  }

  async putWindows(bucket: string, windows: BucketWindows): Promise<void> {
    this.put(keys.windows(bucket), windows);
  }

  async putSummary(summary: RoundSummary, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.summary(summary.bucket), summary, expectedVersion, `summary of ${summary.bucket}`);
  }

  async deleteSummary(bucket: string): Promise<void> {
    const { pk, sk } = keys.summary(bucket);
    this.items.get(pk)?.delete(sk);
  }

  async markStatesTouched(): Promise<void> {
    this.put(keys.statesTouched(), (this.get<number>(keys.statesTouched()) ?? 0) + 1);
  }

  async recordFindings(findings: readonly Finding[]): Promise<void> {
    for (const f of findings) this.put(keys.finding(f.checkId, f.startedAt), f);
  }

  async listFindings(checkId: string): Promise<Finding[]> {
    return this.query(keys.finding(checkId, '').pk);
  }

  async listSilences(): Promise<Silence[]> {
    return this.query(keys.silence('').pk);
  }

  async putSilence(silence: Silence & { until: string }): Promise<void> {
    this.put(keys.silence(silence.id), silence);
  }

  async deleteSilence(id: string): Promise<void> {
    const { pk, sk } = keys.silence(id);
    this.items.get(pk)?.delete(sk);
  }

  async appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void> {
    const key = keys.timeline(incidentId, entry.at, entry.key);
    if (!this.get(key)) this.put(key, entry);
  }

  async putDeliveryLine(incidentId: string, entry: TimelineEntry): Promise<void> {
    const key = keys.timeline(incidentId, entry.at, entry.key);
    const stored = this.get<TimelineEntry>(key);
    if (!stored || stored.kind === 'sending') this.put(key, entry);
  }

  async getTimelineEntry(incidentId: string, at: string, key: string): Promise<TimelineEntry | undefined> {
    return this.get(keys.timeline(incidentId, at, key));
  }

  async getTimeline(incidentId: string): Promise<TimelineEntry[]> {
    return this.query(keys.incident(incidentId).pk, 'T#');
  }

  async putIncident(incident: Incident, transition: Transition): Promise<void> {
    const key = keys.incident(incident.id);
    const stored = this.get<{ seq: number }>(key);
    // A retried stream record: an older transition never undoes a newer one.
    if (!stored || stored.seq <= transition.seq) this.put(key, { seq: transition.seq, incident });
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return this.get<{ incident: Incident }>(keys.incident(id))?.incident;
  }

  async listActiveIncidents(limit: number): Promise<{ incidents: Incident[]; more: boolean }> {
    const active = this.active();
    return { incidents: active.slice(0, limit), more: active.length > limit };
  }

  async countActiveIncidents(only: IncidentCount = {}): Promise<number> {
    return this.active().filter(
      (i) =>
        !(only.independent && (i.causedBy || i.groupedWith || i.silenced)) &&
        !(only.openedSince && i.openedAt < only.openedSince) &&
        !(only.checksOnly && i.checkId.startsWith('alarm:')),
    ).length;
  }

  async getGuard(targetKey: string, checkId?: string): Promise<GuardRead> {
    return {
      guard: this.get<GuardState>(keys.guard(targetKey)),
      killSwitch: this.get<KillSwitch>(keys.killSwitch()),
      brake: this.get<Brake>(keys.brake()),
      ...(checkId ? { check: this.get<CheckState>(keys.checkState(checkId)) } : {}),
    };
  }

  async putGuard(guard: GuardState, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.guard(guard.targetKey), guard, expectedVersion, `guard of ${guard.targetKey}`);
  }

  async getBrake(): Promise<Brake | undefined> {
    return this.get<Brake>(keys.brake());
  }

  async putBrake(brake: Brake, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.brake(), brake, expectedVersion, 'brake');
  }

  async getStatusRecord(): Promise<StatusRecord | undefined> {
    return this.get<StatusRecord>(keys.status());
  }

  async putStatusRecord(record: StatusRecord, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.status(), record, expectedVersion, 'status page');
  }

  async setKillSwitch(killSwitch: KillSwitch): Promise<void> {
    this.put(keys.killSwitch(), killSwitch);
  }

  async putProposal(proposal: Proposal): Promise<void> {
    this.put(keys.proposal(proposal.id), proposal);
  }

  async getProposal(id: string): Promise<Proposal | undefined> {
    return this.get(keys.proposal(id));
  }

  async getHeartbeat(checkId: string): Promise<HeartbeatReport | undefined> {
    return this.get(keys.heartbeat(checkId));
  }

  async putHeartbeat(checkId: string, report: HeartbeatReport): Promise<void> {
    const stored = this.get<HeartbeatReport>(keys.heartbeat(checkId));
    if (!stored || stored.at <= report.at) this.put(keys.heartbeat(checkId), report);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.get(keys.run(id));
  }

  async putRun(run: RunRecord, expectedVersion: number | undefined): Promise<void> {
    this.putVersioned(keys.run(run.id), run, expectedVersion, `run ${run.id}`);
  }

  /** Every item, as a table scan would return it: what a test or the demo shows whole. */
  snapshot(): { pk: string; sk: string; value: unknown }[] {
    return [...this.items].flatMap(([pk, items]) => [...items].map(([sk, value]) => ({ pk, sk, value: structuredClone(value) })));
  }

  private putVersioned(key: Key, value: { version: number }, expectedVersion: number | undefined, what: string): void {
    const stored = this.get<{ version: number }>(key);
    if (expectedVersion === undefined ? stored !== undefined : stored?.version !== expectedVersion)
      throw new StateConflictError(`${what} changed since version ${expectedVersion ?? 'none'}`);
    this.put(key, value);
  }

  /** Active incidents by when they opened, as the sparse index sorts them. */
  private active(): Incident[] {
    const all: Incident[] = [];
    for (const [pk, items] of this.items) {
      const { incident } = ((pk.startsWith('INCIDENT#') ? items.get('META') : undefined) as { incident?: Incident } | undefined) ?? {};
      if (incident && incident.state !== 'resolved') all.push(structuredClone(incident));
    }
    return all.sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : 0));
  }

  private get<T>({ pk, sk }: Key): T | undefined {
    const value = this.items.get(pk)?.get(sk);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  private put({ pk, sk }: Key, value: unknown): void {
    let items = this.items.get(pk);
    if (!items) this.items.set(pk, (items = new Map()));
    // As DynamoDB's document client stores it: undefined attributes dropped, secrets masked.
    items.set(sk, knownSecrets.deep(JSON.parse(JSON.stringify(value))));
  }

  /** The items under one partition key (whose sort key starts with `prefix`), in sort key order. */
  private query<T>(pk: string, prefix = ''): T[] {
    const items = [...(this.items.get(pk) ?? [])].filter(([sk]) => sk.startsWith(prefix));
    return items.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => structuredClone(value) as T);
  }
}
