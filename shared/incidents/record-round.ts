import pLimit from 'p-limit';
import type { Clock } from '../clock.js';
import type { CheckConfig, VigilConfig } from '../config/schema.js';
import { activeSilence } from '../config/silence-windows.js';
import { matesIn } from '../config/groups.js';
import type { Finding } from '../findings.js';
import type { Log } from '../log.js';
import type { CheckStates, FindingsHistory, RoundSummaries, Silences } from '../state/ports.js';
import type { CheckState } from '../state/check-state.js';
import { keepRoundSummary, readRoundStates } from './round-states.js';
import { applyFinding } from './apply-finding.js';
import type { FindingContext } from './decide.js';
import { groupsOfRound } from './round-groups.js';
import { policyFor } from './policy.js';
import { causeFor } from './dependencies.js';
import { dependencyDepths } from '../config/dependencies.js';
import { isNewTransition, type Transition } from '../state/check-state.js';
import type { BucketWindows } from '../state/round-summary.js';
import { judgeWindow } from './window.js';

const DAY_MS = 86_400_000;

export interface RoundDeps {
  config: VigilConfig;
  store: CheckStates & RoundSummaries & FindingsHistory & Pick<Silences, 'listSilences'>;
  clock: Clock;
  log: Log;
  /** The run-checks bucket this round is (dispatch names it): its summary spares a steady round a read per check. */
  bucket?: string | undefined;
}

export interface RoundRecord {
  /** New transitions, in check order: what the notify function will send. */
  transitions: Transition[];
  /** Check-state items written; zero for a round in which nothing changed. */
  stateWrites: number;
  /** Findings kept in the history: every failure, and every change of status. */
  recorded: number;
  /** Checks whose state could not be saved this round; the others are not disturbed. */
  failed: { checkId: string; error: string }[];
}

/** The round's windowed findings judged over their windows, and the windows with this round in them; a check no longer windowed drops out. */
function judgeWindows(
  probed: readonly Finding[],
  checks: ReadonlyMap<string, CheckConfig>,
  before: BucketWindows,
): { findings: Finding[]; windows: BucketWindows } {
  const windows: BucketWindows = Object.fromEntries(Object.entries(before).filter(([id]) => checks.get(id)?.window));
  const findings = probed.map((f) => {
    const window = checks.get(f.checkId)?.window;
    if (!window) return f;
    const judged = judgeWindow(window, before[f.checkId], f);
    windows[f.checkId] = judged.history;
    return judged.finding;
  });
  return { findings, windows };
}

/** Turns a round of findings into incident state: one conditional write per check that changed, none for the rest. */
export async function recordRound(probed: readonly Finding[], { config, store, clock, log, bucket }: RoundDeps): Promise<RoundRecord> {
  const now = clock.now();
  const checks = new Map(config.checks.map((c) => [c.id, c]));
  // With the round's own checks, the checks they depend on that ran elsewhere (another part, another schedule): as last recorded.
  const ids = new Set(probed.map((f) => f.checkId));
  const parents = probed.flatMap((f) => checks.get(f.checkId)?.dependsOn ?? []).filter((id) => !ids.has(id));
  const windowed = probed.some((f) => checks.get(f.checkId)?.window);
  const read = await readRoundStates([...ids], [...new Set(parents)], bucket, store, now, { windows: windowed });
  const states = read.states;
  // Each windowed check judged over its latest rounds too, before anything decides on its finding.
  const { findings, windows } = windowed ? judgeWindows(probed, checks, read.windows ?? {}) : { findings: probed, windows: undefined };
  // What each check's state is after the round: what it wrote, or what it read (again, after a lost race).
  const final = new Map<string, CheckState>([...ids].flatMap((id) => (states.has(id) ? [[id, states.get(id)!]] : [])));
  const silences = [...config.silences, ...(await store.listSilences())];
  const record: RoundRecord = { transitions: [], stateWrites: 0, recorded: 0, failed: [] };
  const byCheck = new Map<string, Transition>();

  const thisRound = new Map(findings.map((f) => [f.checkId, f]));
  const causeOf = (check: CheckConfig) =>
    check.dependsOn &&
    causeFor(check.dependsOn.map((id) => ({ checkId: id, finding: thisRound.get(id), state: states.get(id), policy: policyFor(checks.get(id)!, config) })));
  const contextOf = (check: CheckConfig): FindingContext => ({
    policy: policyFor(check, config),
    severity: check.severity,
    silence: activeSilence(silences, check, now),
    now,
    cause: causeOf(check),
  });
  const windowMinutes = config.incidents.grouping.windowMinutes;
  const groups =
    windowMinutes > 0
      ? await groupsOfRound(findings, { checks: config.checks, matesOf: (id) => matesIn(config, id), states, store, windowMinutes, now }, contextOf)
      : undefined;
  const settle = async (finding: Finding, check: CheckConfig) => {
    const ctx = { ...contextOf(check), group: groups?.toldWith.get(check.id) };
    const { previous, written } = await applyFinding(store, finding, ctx, states.get(finding.checkId));
    const after = written ?? previous;
    if (after) final.set(finding.checkId, after);
    if (!written) return;
    record.stateWrites += 1;
    if (isNewTransition(previous, written)) byCheck.set(finding.checkId, written.transition!);
  };

  const limit = pLimit(config.defaults.concurrency);
  const one = (finding: Finding) =>
    limit(async () => {
      const check = checks.get(finding.checkId);
      if (!check) return;
      try {
        await settle(finding, check);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        log.error(`could not save the state of ${finding.checkId}`, { checkId: finding.checkId, error });
        record.failed.push({ checkId: finding.checkId, error });
      }
    });
  // Dependents first, and a group's lead after the rest: when a check's message is sent, the states it lists are there.
  const depths = dependencyDepths(config.checks);
  const order = (f: Finding) => 2 * (depths.get(f.checkId) ?? 0) - (groups?.leads.has(f.checkId) ? 1 : 0);
  for (const layer of [...new Set(findings.map(order))].sort((a, b) => b - a)) await Promise.all(findings.filter((f) => order(f) === layer).map(one));
  for (const f of findings) {
    const t = byCheck.get(f.checkId);
    if (t) record.transitions.push(t);
  }

  await keepRoundSummary(read, [...ids], final, { changed: record.stateWrites > 0, failed: record.failed.length > 0 }, { store, now, log });
  // A window lost costs its history, never the round: it fills again round by round, and says how far it has got.
  if (windows && read.base)
    await store.putWindows(read.base.bucket, windows).catch((err) => log.warn(`could not keep the windows of ${read.base!.bucket}`, { error: String(err) }));

  // A steady warning is not news; a failure is evidence worth keeping every time.
  const notable = findings.filter((f) => f.status === 'fail' || f.status === 'error' || states.get(f.checkId)?.status !== f.status);
  await store.recordFindings(notable, new Date(now.getTime() + config.incidents.historyDays * DAY_MS));
  record.recorded = notable.length;
  return record;
}
