import { alarmEvent } from '../../shared/events/alarm.js';
import { validateEvent } from '../../shared/events/validate.js';
import type { Once } from '../../shared/notifications/once.js';
import { handleAlarm, meterRunbook, type RunbookDeps, type RunbookResult } from '../../shared/runbooks/execute.js';

export interface OnAlarmDeps extends RunbookDeps {
  /** The same event delivered twice runs once (Powertools idempotency on the event id). */
  once: Once;
}

export type OnAlarmResult = RunbookResult | { error: string; problems: string[] };

/**
 * EventBridge "CloudWatch Alarm State Change" → incident and runbook. An unexpected error is logged
 * and rethrown, so EventBridge retries and then dead-letters it; the guard state makes a retry
 * skip any action already taken for this event.
 */
export function createOnAlarmHandler(deps: OnAlarmDeps) {
  return async (event: unknown): Promise<OnAlarmResult> => {
    // Alarm events carry their configuration; 64 KB leaves room for composite rules and many metrics.
    const parsed = validateEvent(alarmEvent, event, 64 * 1024);
    if (!parsed.ok) {
      deps.log.error('not a CloudWatch Alarm State Change event', { problems: parsed.problems });
      return { error: 'not a CloudWatch Alarm State Change event', problems: parsed.problems };
    }
    try {
      // Metered inside: a replayed duplicate is not counted again.
      const result = await deps.once(`alarm#${parsed.data.id}`, async () => {
        const handled = await handleAlarm(parsed.data, deps);
        meterRunbook(handled, deps.meter);
        return handled;
      });
      deps.log.info(`${result.alarm} ${result.state}: ${result.verdict}`, { result });
      return result;
    } catch (err) {
      deps.log.error(`alarm ${parsed.data.detail.alarmName} not handled; it will be retried`, { eventId: parsed.data.id, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  };
}
