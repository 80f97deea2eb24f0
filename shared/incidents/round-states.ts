import { StateConflictError } from '../errors.js';
import type { Log } from '../log.js';
import type { CheckState } from '../state/check-state.js';
import type { CheckStates, RoundSummaries } from '../state/ports.js';
import type { BucketWindows, RoundSummary } from '../state/round-summary.js';

/** A summary is read again from the checks' own items after this long, whatever the marker says: the bound on a write it missed. */
export const SUMMARY_MAX_AGE_MS = 10 * 60_000;
/** Past this, a summary is not kept (DynamoDB holds 400 KB an item): the bucket's rounds read each check. */
const SUMMARY_MAX_BYTES = 300_000;

/** How a round got its states, and so what it owes the bucket's summary afterwards. */
export interface StatesRead {
  states: Map<string, CheckState>;
  /** The windowed checks' latest rounds, read with the summary (none without a bucket: a manual run keeps no window). */
  windows?: BucketWindows;
  /** Absent for a round with no bucket (a manual run): it reads each check and keeps no summary. */
  base?: { bucket: string; summary: RoundSummary | undefined; touched: number; refreshed: boolean };
}

/** Whether a bucket's summary can stand in for its checks' items this round. Pure. */
export function summaryHolds(summary: RoundSummary | undefined, touched: number, ids: readonly string[], now: Date): summary is RoundSummary {
  if (!summary || summary.touchedSeen !== touched) return false;
  if (now.getTime() - Date.parse(summary.filledAt) >= SUMMARY_MAX_AGE_MS) return false;
  const covered = new Set(summary.checks);
  return ids.every((id) => covered.has(id));
}

/**
 * The states a round decides on: its bucket's summary when it holds (one read for the bucket), else each
 * check's item. Checks it depends on outside the bucket are always read from their items.
 */
export async function readRoundStates(
  ids: readonly string[],
  parents: readonly string[],
  bucket: string | undefined,
  store: CheckStates & RoundSummaries,
  now: Date,
  options: { windows?: boolean } = {},
): Promise<StatesRead> {
  if (bucket === undefined) return { states: await store.getCheckStates([...ids, ...parents]) };
  // The marker is read before the states, so a write it does not count is one the states may already show.
  const { summary, touched, windows } = await store.readSummary(bucket, options);
  const kept = windows ? { windows } : {};
  if (summaryHolds(summary, touched, ids, now)) {
    const covered = new Set(summary.checks);
    const outside = parents.filter((id) => !covered.has(id));
    const states = outside.length ? await store.getCheckStates(outside) : new Map<string, CheckState>();
    for (const id of [...ids, ...parents.filter((p) => covered.has(p))]) if (summary.states[id]) states.set(id, summary.states[id]);
    return { states, ...kept, base: { bucket, summary, touched, refreshed: false } };
  }
  return { states: await store.getCheckStates([...ids, ...parents]), ...kept, base: { bucket, summary, touched, refreshed: true } };
}

/**
 * Brings the bucket's summary up to what the round left: written after the round's own writes, on the
 * version read, so two rounds of one bucket racing cannot leave a summary behind either's writes. When
 * the round could not save a state, or lost that race, the summary is deleted: the next round reads each check.
 */
export async function keepRoundSummary(
  read: StatesRead,
  ids: readonly string[],
  final: ReadonlyMap<string, CheckState>,
  outcome: { changed: boolean; failed: boolean },
  deps: { store: RoundSummaries; now: Date; log: Log },
): Promise<void> {
  const base = read.base;
  if (!base) return;
  const drop = () =>
    deps.store.deleteSummary(base.bucket).catch((err) => deps.log.warn(`could not drop the summary of ${base.bucket}`, { error: String(err) }));
  if (outcome.failed) return drop();
  // A steady round on a summary that held: nothing to write, nothing read per check.
  if (!outcome.changed && !base.refreshed) return;
  const next: RoundSummary = {
    bucket: base.bucket,
    checks: [...ids],
    states: Object.fromEntries(ids.flatMap((id) => (final.has(id) ? [[id, final.get(id)!]] : []))),
    touchedSeen: base.touched,
    filledAt: base.refreshed || !base.summary ? deps.now.toISOString() : base.summary.filledAt,
    version: (base.summary?.version ?? 0) + 1,
  };
  if (Buffer.byteLength(JSON.stringify(next)) > SUMMARY_MAX_BYTES) return drop();
  try {
    await deps.store.putSummary(next, base.summary?.version);
  } catch (err) {
    if (!(err instanceof StateConflictError)) deps.log.warn(`could not keep the summary of ${base.bucket}`, { error: String(err) });
    await drop();
  }
}
