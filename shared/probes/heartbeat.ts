import * as z from '../zod.js';
import type { Observation, Status } from '../findings.js';
import { defineProbe } from './probe.js';
import { SetupError } from '../errors.js';

const MINUTE_MS = 60_000;

const settings = z.strictObject({
  /** The job that reports in, as findings name it, e.g. "nightly backup (cron on db-admin-1)". Default: the check's id. */
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** How often the job reports: 1440 for a daily job, 43200 for a monthly one (30 days). */
  periodMinutes: z.number().check(z.positive(), z.maximum(60 * 24 * 45)),
  /** How late a report may be before it is missing. Default: a tenth of the period, at least 5 minutes. */
  graceMinutes: z.optional(z.number().check(z.nonnegative())),
  /** What no report at all means (a job not run since Vigil was deployed). Default: warn. */
  noReport: z._default(z.enum(['ok', 'warn', 'fail']), 'warn'),
});

/**
 * A push check: the job reports in (`vigil heartbeat <id>`, or the heartbeat function URL), and the
 * schedule only reads the newest report. Missing past its period and grace, or reported failed, it fails.
 */
export const heartbeatProbe = defineProbe({
  kind: 'heartbeat',
  example: { target: 'nightly pg_dump of billing', periodMinutes: 1440, graceMinutes: 120 },
  description:
    'A job that reports in (backups, certificate renewals, hygiene jobs): fails when its report is missing past its period and grace, or says it failed.',
  uses: {},
  settings,
  describeTarget: (check) => check.target ?? `heartbeat ${(check as { id?: string }).id ?? ''}`.trim(),
  secrets: () => [],
  async run(check, { heartbeats, clock }): Promise<Observation> {
    if (!heartbeats) throw new SetupError('heartbeat checks read the state table: run them deployed, or locally with `vigil invoke run-checks`');
    const id = (check as unknown as { id: string }).id;
    const report = await heartbeats.getHeartbeat(id);
    const grace = check.graceMinutes ?? Math.max(5, check.periodMinutes / 10);
    const expect = `every ${span(check.periodMinutes)}, ${span(grace)} grace`;
    if (!report) return { status: check.noReport as Status, summary: `no report yet (expected ${expect})`, observed: {} };
    const ageMinutes = (clock.now().getTime() - new Date(report.at).getTime()) / MINUTE_MS;
    const observed = { ageMinutes: Math.round(ageMinutes * 10) / 10 };
    const said = report.message ? `: ${report.message}` : '';
    const evidence = { lastReport: report };
    if (ageMinutes > check.periodMinutes + grace)
      return { status: 'fail', summary: `missing: last report ${span(ageMinutes)} ago (expected ${expect})${said}`, observed, evidence };
    if (report.status === 'fail') return { status: 'fail', summary: `the job reported failure ${span(ageMinutes)} ago${said}`, observed, evidence };
    return { status: 'ok', summary: `reported ${span(ageMinutes)} ago${said}`, observed, evidence };
  },
});

/** 90 → "1.5 h", 2880 → "2 d", 45 → "45 min". */
function span(minutes: number): string {
  if (minutes >= 2 * 1440) return `${Math.round((minutes / 1440) * 10) / 10} d`;
  if (minutes >= 60) return `${Math.round((minutes / 60) * 10) / 10} h`;
  return `${Math.round(minutes)} min`;
}
