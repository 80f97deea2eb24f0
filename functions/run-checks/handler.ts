import type { AwsPorts } from '../../shared/aws/ports.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { runSelection } from '../../shared/engine/index.js';
import { VigilError } from '../../shared/errors.js';
import { runChecksEvent, runChecksExample } from '../../shared/events/run-checks.js';
import { summarise, type RoundSummary } from '../../shared/findings-summary.js';
import { formatPath } from '../../shared/config/load.js';
import type { Log } from '../../shared/log.js';
import { recordRound, type RoundRecord } from '../../shared/incidents/record-round.js';
import type { StateStore } from '../../shared/store/state-store.js';

export interface RunChecksDeps {
  config: VigilConfig;
  log: Log;
  clock?: Clock;
  /** Where incident state lives; without it findings are only returned and logged. */
  store?: StateStore;
  /** AWS APIs for the ECS and CloudWatch probes. Default: the SDK. */
  aws?: AwsPorts;
}

export type RunChecksResult =
  | (RoundSummary & { incidents?: Pick<RoundRecord, 'transitions' | 'stateWrites' | 'failed'> })
  | { error: string; problems?: string[]; example: unknown };

/** Runs the checks a schedule (or an operator) names and logs each finding. */
export function createRunChecksHandler({ config, log, clock = systemClock, store, aws }: RunChecksDeps) {
  return async (event: unknown): Promise<RunChecksResult> => {
    const parsed = runChecksEvent.safeParse(event);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`);
      log.error('invalid run-checks event', { problems });
      return { error: 'invalid run-checks event', problems, example: runChecksExample };
    }
    let summary: RoundSummary;
    try {
      summary = summarise(await runSelection(config, parsed.data, { clock, aws }));
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      log.error(err.message);
      return { error: err.message, example: runChecksExample };
    }
    for (const finding of summary.findings) {
      // ERROR is kept for Vigil's own failures; a failing target is a finding.
      const level = finding.status === 'ok' ? 'info' : 'warn';
      log[level](`${finding.checkId} ${finding.status}: ${finding.summary}`, { finding });
    }
    if (!store) {
      log.info('round done', { ran: summary.ran, counts: summary.counts });
      return summary;
    }
    const { transitions, stateWrites, failed } = await recordRound(summary.findings, { config, store, clock, log });
    log.info('round done', { ran: summary.ran, counts: summary.counts, transitions: transitions.length, stateWrites });
    return { ...summary, incidents: { transitions, stateWrites, failed } };
  };
}
