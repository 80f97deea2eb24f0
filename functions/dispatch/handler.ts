import type { PlannedBucket, PlannedTick } from '../../shared/config/schedule-plan.js';
import { dispatchTick, type DispatchResult } from '../../shared/engine/dispatch.js';
import { dispatchEvent } from '../../shared/events/dispatch.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import type { Log } from '../../shared/log.js';

export interface DispatchHandlerDeps {
  /** The tick as planned at synth; undefined when this stack has no such tick. */
  tick(name: string): PlannedTick | undefined;
  send(bucket: PlannedBucket): Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  log: Log;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A schedule fired: start run-checks for each of its buckets, and fail loudly if any could not be started. */
export function createDispatchHandler({ tick, send, sleep = wait, log }: DispatchHandlerDeps) {
  return async (event: unknown): Promise<DispatchResult | InvalidRequest> => {
    const parsed = validateEvent(dispatchEvent, event);
    if (!parsed.ok) {
      log.error('invalid dispatch event', { problems: parsed.problems });
      return { error: 'invalid dispatch event', problems: parsed.problems, example: { tick: 'rate-1-minute-8c2bd7a4' } };
    }
    const planned = tick(parsed.data.tick);
    // A schedule left from an older deploy, or a typo by hand: nothing to run, and someone should know.
    if (!planned) throw new Error(`no tick named ${parsed.data.tick} in this deployment (vigil plan lists them)`);
    const result = await dispatchTick(planned, { send, sleep, log });
    log.info('tick dispatched', { tick: result.tick, sent: result.sent, checks: result.checks, failed: result.failed.length });
    // Failing the invocation sends it to the dead-letter queue, which is alarmed; the next tick runs anyway.
    if (result.failed.length)
      throw new Error(
        `${result.failed.length} of ${planned.buckets.length} run-checks invocations of ${planned.name} could not be started: ${result.failed[0]!.error}`,
      );
    return result;
  };
}
