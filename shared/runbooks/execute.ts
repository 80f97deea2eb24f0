import type { RunbookConfig } from '../config/runbooks.js';
import type { Meter } from '../metrics.js';
import type { RunRecord } from '../state/run.js';
import { commit, type Effect } from './commit.js';
import type { RunbookDeps, RunbookResult, Running } from './deps.js';
import { release, startRun } from './lease.js';
import { advance, finishRun, nextStep } from './run-record.js';
import { line, perform } from './steps.js';

export type { RunbookDeps, RunbookResult, RunbookStore, Running } from './deps.js';
export { RunInProgressError } from '../errors.js';

/** Where a run starts: its id (one run per event), the step it starts at and what it carries (`seed`), and the line that says why. */
export interface RunStart {
  id: string;
  eventId: string;
  runbook: RunbookConfig;
  seed?: Partial<RunRecord>;
  opening?: Effect;
}

/**
 * Every run the same way: claim it (or answer a replay of its event), then `body`; a failed attempt lets
 * go of the run at once, so Lambda's retry takes over where it stopped. An alarm's run starts at step 0,
 * an approval's at the proposed step, a manual run at its act, a check's at step 0 on its open incident.
 */
export async function launch<R>(deps: RunbookDeps, start: RunStart, body: (run: Running) => Promise<R>): Promise<R> {
  const started = await startRun(deps, start.id, start.eventId, start.runbook, start.seed);
  if ('replay' in started) return started.replay as R;
  const { run } = started;
  try {
    if (start.opening && run.record.steps.length === 0) run.queued.push(start.opening);
    return await body(run);
  } catch (err) {
    await release(run, deps);
    throw err;
  }
}

/** Runs the runbook from where the run stands; each step's effects and the run are committed before the next step. */
export async function runSteps(run: Running, deps: RunbookDeps): Promise<void> {
  for (let step = nextStep(run.record, run.runbook); step; step = nextStep(run.record, run.runbook)) {
    if (asleep(run, deps)) return;
    const started = performance.now();
    const { effects, ...outcome } = await perform(step, run, deps);
    const advanced = advance(run.record, { ...outcome, record: { ...outcome.record, durationMs: Math.round(performance.now() - started) } });
    // The run moves on only once its effects are written: an attempt that fails here lets go of the run before this step.
    // A read-only step is cheaper to run again than to save.
    run.record = await commit(advanced, [...run.queued, ...effects], deps, step.kind !== 'diagnose' && step.kind !== 'pass');
    run.queued = [];
  }
}

/** Whether the run sleeps in a wait step: the wake-up is scheduled, and nothing more is done until then. */
export const asleep = (run: Running, deps: RunbookDeps) => run.record.waitUntil !== undefined && new Date(run.record.waitUntil) > deps.clock.now();

/** The runbook's verdict on the timeline, and the run closed with its result; a run asleep lets go of its lease instead, to be woken. */
export async function finish(
  run: Running,
  base: { alarm?: string; check?: string; state: string; approvedBy?: string },
  deps: RunbookDeps,
): Promise<RunbookResult> {
  const { record } = run;
  if (asleep(run, deps)) {
    await release(run, deps);
    return { ...base, runbook: run.runbook.id, incidentId: record.incidentId!, verdict: record.verdict, steps: record.steps, waitingUntil: record.waitUntil! };
  }
  const trail = record.steps.map((s) => `${s.step}: ${s.outcome} (${s.durationMs} ms)`).join('; ');
  run.queued.push(line(deps, 99, 0, 'verdict', record.verdict, trail || undefined));
  return done(
    run,
    {
      ...base,
      runbook: run.runbook.id,
      incidentId: record.incidentId!,
      verdict: record.verdict,
      steps: record.steps,
      ...(record.attempts > 1 ? { attempts: record.attempts } : {}),
    },
    deps,
  );
}

/** The run closed with its result, which a replay of its event then quotes; what is queued is written first. */
export async function done<R extends object>(run: Running, result: R, deps: RunbookDeps): Promise<R> {
  run.record = await commit(finishRun(run.record, result as Record<string, unknown>, deps.clock.now()), run.queued, deps);
  run.queued = [];
  return result;
}

/** A runbook's verdict and each action's outcome, as Vigil's own metrics. */
export function meterRunbook(result: RunbookResult, meter: Meter | undefined): void {
  if (!meter) return;
  meter.count('RunbookVerdicts', 1, { name: 'Verdict', value: result.verdict });
  for (const s of result.steps) if (s.step.startsWith('act ')) meter.count('Remediations', 1, { name: 'Outcome', value: s.outcome });
}
