import type { Silence } from '../config/silences.js';
import type { Finding } from '../findings.js';
import type { CheckState, Incident, Transition } from './check-state.js';
import type { Brake } from './brake.js';
import type { GuardState, KillSwitch } from './guard.js';
import type { RunRecord } from './run.js';
import type { Heartbeats } from './heartbeat.js';
import type { StatusRecord } from './status.js';
import type { BucketWindows, RoundSummary, SummaryRead } from './round-summary.js';

export interface TimelineEntry {
  at: string;
  /** A transition kind, `notified`, or (later) a remediation step. */
  kind: string;
  by: string;
  summary: string;
  reason?: string;
  /** Makes a retried write of the same entry land on the same item. */
  key: string;
  /** For a notification's delivery line: the sends whose outcome is unknown so far. */
  sends?: number;
}

/** Each check's state and open incident: what every round and runbook decides on. */
export interface CheckStates {
  getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState>>;
  /** Writes `state` only if the stored version is still `expectedVersion` (undefined: no item yet); else StateConflictError. */
  putCheckState(state: CheckState, expectedVersion: number | undefined): Promise<void>;
}

/**
 * What spares a steady round its read of every check (docs/state.md): one summary item per run-checks
 * bucket, and a marker that every write of a check state outside a round moves.
 */
export interface RoundSummaries {
  /** The bucket's summary and the marker, in one consistent read; its windows too, when asked. */
  readSummary(bucket: string, options?: { windows?: boolean }): Promise<SummaryRead>;
  /** The bucket's windowed checks' latest rounds, written whole each round (a lost write costs one round of history). */
  putWindows(bucket: string, windows: BucketWindows): Promise<void>;
  /** Conditional on the version read, as putCheckState. */
  putSummary(summary: RoundSummary, expectedVersion: number | undefined): Promise<void>;
  deleteSummary(bucket: string): Promise<void>;
  /** Moves the marker: after an operator's or a runbook's write of a check state, or a silence added or lifted. */
  markStatesTouched(): Promise<void>;
}

/** Notable findings, kept for a while. */
export interface FindingsHistory {
  /** Kept until `expiresAt`. */
  recordFindings(findings: readonly Finding[], expiresAt: Date): Promise<void>;
  listFindings(checkId: string): Promise<Finding[]>;
}

/** Silences an operator added at run time (the config's own are in the config). */
export interface Silences {
  listSilences(): Promise<Silence[]>;
  putSilence(silence: Silence & { until: string }): Promise<void>;
  deleteSilence(id: string): Promise<void>;
}

/** Each incident's timeline: what happened, who did it, which messages went out. */
export interface Timeline {
  /** Idempotent: writing the same entry twice leaves one. */
  appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void>;
  getTimeline(incidentId: string): Promise<TimelineEntry[]>;
  /** One entry by its time and key, as written: how notify knows it has already sent a transition. */
  getTimelineEntry(incidentId: string, at: string, key: string): Promise<TimelineEntry | undefined>;
  /** A notification's delivery line: written over a `sending` line (a send under way), never over a final one. */
  putDeliveryLine(incidentId: string, entry: TimelineEntry): Promise<void>;
}

/** The incidents' own records, as the notify function last saw them, and the index of active ones. */
export interface IncidentRecords {
  /** Keeps the incident's own record current; an older transition never overwrites a newer one. */
  putIncident(incident: Incident, transition: Transition): Promise<void>;
  getIncident(incidentId: string): Promise<Incident | undefined>;
  /** Open and acknowledged incidents, oldest first. */
  listActiveIncidents(limit: number): Promise<{ incidents: Incident[]; more: boolean }>;
  /** Active incidents; when asked, only those each its own problem, and opened since a time. */
  countActiveIncidents(only?: IncidentCount): Promise<number>;
}

export interface IncidentCount {
  /** Each its own problem: not caused by a check it depends on, nor told with its group's first, nor silenced (someone said to leave it). */
  independent?: boolean;
  /** Opened at or after this ISO time. */
  openedSince?: string;
  /** Of Vigil's own checks only, not of alarms. */
  checksOnly?: boolean;
}

/** The brake over every automatic action (docs/state.md). */
export interface Brakes {
  getBrake(): Promise<Brake | undefined>;
  /** Conditional on the version read, as putCheckState. */
  putBrake(brake: Brake, expectedVersion: number | undefined): Promise<void>;
}

/** The status page's record (docs/state.md). */
export interface StatusRecords {
  getStatusRecord(): Promise<StatusRecord | undefined>;
  /** Conditional on the version read, as putCheckState. */
  putStatusRecord(record: StatusRecord, expectedVersion: number | undefined): Promise<void>;
}

/** What guards a remediation's target, and the kill switch. */
export interface Guards {
  /** A target's guard state, the kill switch and the brake, and the state of `checkId` when given, in one read. */
  getGuard(targetKey: string, checkId?: string): Promise<GuardRead>;
  /** Conditional on the version read, as putCheckState; StateConflictError when someone got there first. */
  putGuard(guard: GuardState, expectedVersion: number | undefined): Promise<void>;
  setKillSwitch(killSwitch: KillSwitch): Promise<void>;
}

/** Plans waiting for a human's approval. */
export interface Proposals {
  putProposal(proposal: Proposal): Promise<void>;
  getProposal(id: string): Promise<Proposal | undefined>;
}

/** Runbook runs, one per event (or approval, or manual request) they answer. */
export interface Runs {
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Conditional on the version read, as putCheckState. */
  putRun(run: RunRecord, expectedVersion: number | undefined): Promise<void>;
}

/**
 * Where Vigil keeps what it knows: every port above, on one table. Every write is one item,
 * conditional where it decides anything. Code takes the ports it uses, not this.
 */
export interface StateStore
  extends CheckStates, RoundSummaries, FindingsHistory, Silences, Timeline, IncidentRecords, Guards, Brakes, Proposals, Runs, Heartbeats, StatusRecords {}

/** What a guarded action decides on, read together. */
export interface GuardRead {
  guard: GuardState | undefined;
  killSwitch: KillSwitch | undefined;
  brake: Brake | undefined;
  /** The incident's check state, when asked for. */
  check?: CheckState | undefined;
}

/** A plan waiting for a human's approval. */
export interface Proposal {
  id: string;
  remediation: string;
  incidentId: string;
  /** The incident's version when planned: an approval of a stale plan is refused. */
  incidentVersion: number;
  summary: string;
  change: Record<string, unknown>;
  expiresAt: string;
  /** Where the runbook goes on after the approved action (its verify and escalate steps). */
  runbook: string;
  step: number;
}
