import * as z from '../zod.js';
import type { Observation } from '../findings.js';
import { gradeUpper, upperLimits } from '../thresholds.js';
import { defineProbe } from './probe.js';

const MINUTE_MS = 60_000;
/** Logs Insights' price per GB scanned (us-east-1, 2026): a query's finding reports its cost. */
const INSIGHTS_USD_PER_GB = 0.005;
const LINE_CHARS = 300;

const settings = z.strictObject({
  /** The log group's name, e.g. `/ecs/orders-api`. */
  target: z.string().check(z.regex(/^[\w\-./#]{1,512}$/, 'expected a log group name, e.g. "/ecs/orders-api"')),
  /** A CloudWatch Logs filter pattern, e.g. `ERROR`, `"authentication failed"`, `?ECONNREFUSED ?ETIMEDOUT`. */
  pattern: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** A Logs Insights query instead, e.g. `filter @message like /ERROR/ and @message not like /health/`; it is sorted and limited by Vigil. */
  query: z.optional(z.string().check(z.minLength(1), z.maxLength(10_000))),
  /** How far back to look. Default: 5 minutes. */
  windowMinutes: z._default(z.number().check(z.positive(), z.maximum(24 * 60)), 5),
  /** Matching events in the window. Default: warn 1, fail 10. */
  thresholds: z.prefault(z.strictObject({ matches: upperLimits(1, 10) }), {}),
  /** The newest matching lines kept as evidence, masked and cut to 300 characters. Default: 5. */
  lines: z._default(z.int().check(z.minimum(0), z.maximum(20)), 5),
  /** Filter patterns: at most this many events are read; the count is then "at least". Default: 10000. */
  maxEvents: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 10_000),
});

export const logsProbe = defineProbe({
  kind: 'logs',
  example: { target: '/ecs/orders-api', pattern: '?ERROR ?ECONNREFUSED ?ETIMEDOUT', thresholds: { matches: { warn: 5, fail: 50 } } },
  description: 'Counts the log events matching a filter pattern or a Logs Insights query over a window; the newest lines, masked, as evidence.',
  settings,
  uses: { aws: ['logs'] },
  permissions: (check, arns) => {
    const group = arns.of('logs', `log-group:${check.target}:*`);
    if (check.pattern)
      return [
        {
          actions: ['logs:FilterLogEvents'],
          resources: [group],
          wildcard: 'A log group ARN ends in ":*", its streams; the statement is held to the configured group.',
        },
      ];
    return [
      {
        actions: ['logs:StartQuery'],
        resources: [group],
        wildcard: 'A log group ARN ends in ":*", its streams; the statement is held to the configured group.',
      },
      {
        actions: ['logs:GetQueryResults', 'logs:StopQuery'],
        resources: ['*'],
        wildcard: 'logs:GetQueryResults and logs:StopQuery take a query id, not a resource: AWS accepts only "*".',
      },
    ];
  },
  refine(check, ctx) {
    if ((check.pattern === undefined) === (check.query === undefined))
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'give one of "pattern" (a filter pattern) or "query" (Logs Insights)' });
  },
  describeTarget: (check) => `${check.target} ${check.pattern ? `pattern ${JSON.stringify(check.pattern)}` : 'query'}`,
  secrets: () => [],
  async run(check, { aws, signal, clock, redact }): Promise<Observation> {
    if (!aws.logs) throw new Error('no CloudWatch Logs client configured');
    const end = clock.now();
    const window = { group: check.target, start: new Date(end.getTime() - check.windowMinutes * MINUTE_MS), end, lines: check.lines };
    const found = check.pattern
      ? await aws.logs.filter({ ...window, pattern: check.pattern, maxEvents: check.maxEvents }, signal)
      : await aws.logs.insights({ ...window, query: check.query! }, signal);
    const status = gradeUpper(found.count, check.thresholds.matches);
    const count = `${found.count}${found.capped ? '+' : ''}`;
    // Masked before cut: no piece of a secret survives the cut.
    const newest = found.newest.map((l) => ({ at: l.at.toISOString(), message: cut(redact(l.message.trim())), ...(l.stream ? { stream: l.stream } : {}) }));
    const observed: Record<string, number> = { matches: found.count };
    if (found.bytesScanned !== undefined) observed.bytesScanned = found.bytesScanned;
    const cost = found.bytesScanned === undefined ? {} : { costUsd: Math.round((found.bytesScanned / 1e9) * INSIGHTS_USD_PER_GB * 1e6) / 1e6 };
    const head = `${count} matching event${found.count === 1 ? '' : 's'} in ${check.windowMinutes} min`;
    const summary = status === 'ok' || !newest[0] ? head : `${head}; newest: ${cut(newest[0].message, 120)}`;
    return { status, summary, observed, evidence: { newest, ...(found.capped ? { capped: `stopped after ${check.maxEvents} events` } : {}), ...cost } };
  },
});

const cut = (text: string, max = LINE_CHARS) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
