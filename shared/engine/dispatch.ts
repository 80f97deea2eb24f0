import pLimit from 'p-limit';
import type { PlannedBucket, PlannedTick } from '../config/schedule-plan.js';
import type { Log } from '../log.js';

/** Sends per second at least: a small tick goes out at once. */
const MIN_RATE = 50;
/** A large tick is spread over this long, so run-checks rises to a steady concurrency instead of a spike. */
const SPREAD_MS = 20_000;
/** Invoke calls in flight at once. */
const IN_FLIGHT = 16;

export interface DispatchDeps {
  /** Starts one run-checks invocation (asynchronous: it returns once Lambda has queued the event). */
  send(bucket: PlannedBucket): Promise<void>;
  sleep(ms: number): Promise<void>;
  log: Log;
}

export interface DispatchResult {
  tick: string;
  sent: number;
  checks: number;
  failed: { checks: string[]; error: string }[];
}

/** The buckets in waves of one second each: all at once up to 50, else spread over at most 20 s. */
export function waves<T>(buckets: readonly T[]): T[][] {
  const perSecond = Math.max(MIN_RATE, Math.ceil(buckets.length / (SPREAD_MS / 1000)));
  const out: T[][] = [];
  for (let i = 0; i < buckets.length; i += perSecond) out.push(buckets.slice(i, i + perSecond));
  return out;
}

/**
 * Sends each bucket of a tick to run-checks, wave by wave. A bucket whose send fails (after the SDK's
 * retries) is reported, not retried here: the others still go, and the caller fails the invocation
 * so the failure is alarmed. A resend would run the checks twice, which state writes tolerate.
 */
export async function dispatchTick(tick: PlannedTick, { send, sleep, log }: DispatchDeps): Promise<DispatchResult> {
  const result: DispatchResult = { tick: tick.name, sent: 0, checks: 0, failed: [] };
  const limit = pLimit(IN_FLIGHT);
  const all = waves(tick.buckets);
  for (const [i, wave] of all.entries()) {
    const started = Date.now();
    await Promise.all(
      wave.map((bucket) =>
        limit(async () => {
          try {
            await send(bucket);
            result.sent += 1;
            result.checks += bucket.checks.length;
          } catch (err) {
            const error = err instanceof Error ? err.message : String(err);
            log.error(`could not start run-checks for ${bucket.checks.length} checks of ${tick.name}`, { checks: bucket.checks, error });
            result.failed.push({ checks: bucket.checks, error });
          }
        }),
      ),
    );
    const rest = 1000 - (Date.now() - started);
    if (i < all.length - 1 && rest > 0) await sleep(rest);
  }
  return result;
}
