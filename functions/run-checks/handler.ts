import type { AwsPorts } from '../../shared/aws/ports.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { runSelection, type RegionProbes } from '../../shared/engine/index.js';
import { VigilError } from '../../shared/errors.js';
import { runChecksEvent, runChecksExample } from '../../shared/events/run-checks.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import { summarise } from '../../shared/findings-summary.js';
import type { Finding, Status } from '../../shared/findings.js';
import type { Log } from '../../shared/log.js';
import { silentMeter, type Meter } from '../../shared/metrics.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import type { Transition } from '../../shared/state/check-state.js';
import type { StateStore } from '../../shared/state/ports.js';

export interface RunChecksDeps {
  config: VigilConfig;
  /** The config a round of this bucket (or, without one, a run by hand) decides on. Default: `config`. */
  configFor?: (bucket: string | undefined) => VigilConfig;
  log: Log;
  clock?: Clock;
  /** Where incident state lives; without it findings are only returned and logged. */
  store?: StateStore;
  /** AWS APIs for the ECS and CloudWatch probes. Default: the SDK. */
  aws?: AwsPorts;
  meter?: Meter;
  /** This function's region, and Vigil's probe functions in the others, for checks that name regions. */
  regions?: { home: string; probes?: RegionProbes | undefined };
}

/** Short enough for the Lambda console's result pane; the full findings are in the log. */
export type FindingLine = Pick<Finding, 'checkId' | 'status' | 'summary' | 'durationMs'>;

export interface RunChecksSummary {
  ran: number;
  counts: Record<Status, number>;
  findings: FindingLine[];
  /** Why nothing was recorded, when nothing was. */
  recorded: true | string;
  incidents?: { transitions: Pick<Transition, 'incidentId' | 'kind' | 'by' | 'reason'>[]; stateWrites: number; failed: { checkId: string; error: string }[] };
}

export type RunChecksResult = RunChecksSummary | InvalidRequest;

/** Runs the checks a schedule (or an operator) names and logs each finding. */
export function createRunChecksHandler({
  config: base,
  configFor = () => base,
  log,
  clock = systemClock,
  store,
  aws,
  meter = silentMeter,
  regions,
}: RunChecksDeps) {
  return async (event: unknown): Promise<RunChecksResult> => {
    const parsed = validateEvent(runChecksEvent, event);
    if (!parsed.ok) {
      log.error('invalid run-checks event', { problems: parsed.problems });
      return { error: 'invalid run-checks event', problems: parsed.problems, example: runChecksExample(base) };
    }
    const { dryRun, bucket, ...selection } = parsed.data;
    const config = configFor(bucket);
    let findings: Finding[];
    try {
      // Heartbeat checks read their reports from the same table the round writes to.
      findings = await runSelection(config, { ...selection, inParts: true }, { clock, aws, heartbeats: store, ...(regions ? { regions } : {}) });
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      log.error(err.message);
      return { error: err.message, problems: [err.message], example: runChecksExample(config) };
    }
    const { ran, counts } = summarise(findings);
    for (const [status, n] of Object.entries(counts)) if (n) meter.count('CheckOutcomes', n, { name: 'Status', value: status });
    for (const finding of findings) {
      // ERROR is kept for Vigil's own failures; a failing target is a finding. A passing check is
      // DEBUG: at a check a minute, its line would cost more in CloudWatch Logs than running it.
      const level = finding.status === 'ok' ? 'debug' : 'warn';
      log[level](`${finding.checkId} ${finding.status}: ${finding.summary}`, { finding });
    }
    const summary = { ran, counts, findings: findings.map(({ checkId, status, summary, durationMs }) => ({ checkId, status, summary, durationMs })) };
    const skipped = dryRun ? 'dry run: nothing recorded, nobody notified' : !store ? 'no state table (TABLE_NAME unset): nothing recorded' : undefined;
    if (skipped) {
      log.info('round done', { ran, counts, recorded: skipped });
      return { ...summary, recorded: skipped };
    }
    const { transitions, stateWrites, failed } = await recordRound(findings, { config, store: store!, clock, log, bucket });
    for (const t of transitions) meter.count('IncidentTransitions', 1, { name: 'Kind', value: t.kind });
    log.info('round done', { ran, counts, transitions: transitions.length, stateWrites });
    const described = transitions.map(({ incidentId, kind, by, reason }) => ({ incidentId, kind, by, ...(reason ? { reason } : {}) }));
    return { ...summary, recorded: true, incidents: { transitions: described, stateWrites, failed } };
  };
}
