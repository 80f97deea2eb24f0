import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { RunbookConfig } from '../config/runbooks.js';
import type { VigilConfig } from '../config/schema.js';
import type { Log } from '../log.js';
import type { Meter } from '../metrics.js';
import type { Publisher } from '../notifications/publisher.js';
import type { HeartbeatReader } from '../probes/probe.js';
import type { Brakes, CheckStates, GuardRead, Guards, IncidentRecords, Proposals, RoundSummaries, Runs, Silences, Timeline } from '../state/ports.js';
import type { RunbookVerdict, RunRecord, StepRecord } from '../state/run.js';
import type { Effect } from './commit.js';
import type { Waker } from '../aws/waker.js';

/** The state a run reads and writes: its record, the incident's check state, guards, timeline, proposals; heartbeats for its checks. */
export type RunbookStore = Runs &
  CheckStates &
  Pick<RoundSummaries, 'markStatesTouched'> &
  Guards &
  Brakes &
  Pick<IncidentRecords, 'countActiveIncidents' | 'listActiveIncidents'> &
  Timeline &
  Proposals &
  Pick<Silences, 'listSilences' | 'putSilence'> &
  HeartbeatReader;

export interface RunbookDeps {
  config: VigilConfig;
  store: RunbookStore;
  aws: AwsPorts;
  clock: Clock;
  log: Log;
  /** Waits for settle delays; tests pass one that returns at once. */
  sleep: (ms: number) => Promise<void>;
  /** Named in proposals as the function that approves them. */
  remediateFunction: string;
  /** When this invocation will be stopped: a run's lease lasts no longer, so a retry after a crash can take over. */
  deadline: () => Date;
  /** Who holds a run's lease: one id per attempt, so the attempt going on after a failed write finds the run its own. */
  holder?: string;
  /** The Lambda request id, the same for every retry of one invocation: a retry takes over its own dead attempt's run at once. */
  invocation?: string;
  /** A stream record's run: one invocation at a time holds it, so a lease found is a dead attempt's. */
  holderGone?: boolean;
  meter?: Meter;
  /** Where an action with no incident to carry its message is told (the alerts topic): a manual run on no incident. */
  notices?: { publisher: Publisher; topic: string };
  /** What wakes a run that waits: a one-time EventBridge Scheduler schedule deployed. */
  waker?: Waker;
}

export interface RunbookResult {
  /** The alarm that started the run; for a run a check started, `check` instead. */
  alarm?: string;
  check?: string;
  /** The alarm's state, or what the check's incident did (`opened`, `failing 3 rounds`, …). */
  state: string;
  runbook?: string;
  incidentId?: string;
  /** For an approval's run: who approved it. */
  approvedBy?: string;
  verdict: RunbookVerdict;
  steps: StepRecord[];
  /** Set when the event had already been handled: what its first delivery did. Nothing was done again. */
  replay?: { of: string; at: string; firstVerdict: RunbookVerdict };
  /** Set when an earlier attempt failed or died before this one finished the run. */
  attempts?: number;
  /** Set while the run sleeps in a wait step: it goes on at this time, woken by a one-time schedule. */
  waitingUntil?: string;
}

/** A run as this attempt carries it: the stored record, and what only this attempt holds. */
export interface Running {
  record: RunRecord;
  runbook: RunbookConfig;
  /** Read with the alarm's state, for a runbook that acts first; used by that first act only. */
  known?: GuardRead;
  /** Lines that go out with the next commit (what started the run). */
  queued: Effect[];
}
