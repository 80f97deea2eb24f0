import * as z from '../zod.js';
import { oneLine } from '../text.js';
import { incidentId, who } from './who.js';

const DAY_MS = 86_400_000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: DAY_MS } as const;

/** "30m", "4h", "2d" → milliseconds; at most 7 days, so no silence is forgotten. */
const silenceLength = z
  .pipe(
    z.string().check(z.regex(/^\d+[mhd]$/, 'expected a length like "30m", "4h" or "2d"')),
    z.transform((s) => Number(s.slice(0, -1)) * UNIT_MS[s.at(-1) as keyof typeof UNIT_MS]),
  )
  .check(z.refine((ms) => ms > 0 && ms <= 7 * DAY_MS, 'between 1m and 7d'));

const tagText = z.string().check(z.minLength(1), z.maxLength(128), oneLine);

/** A silence names the check, the incident whose check it is, or the tags of every check it covers (a deploy's service). */
const silenceTarget = {
  check: z.optional(z.string().check(z.minLength(1), z.maxLength(64), oneLine)),
  incident: z.optional(incidentId),
  tags: z.optional(z.record(tagText, tagText).check(z.refine((t) => Object.keys(t).length > 0, 'name at least one tag, e.g. {"service": "orders"}'))),
};
const oneTarget = [
  (r: { check?: unknown; incident?: unknown; tags?: unknown }) => [r.check, r.incident, r.tags].filter((x) => x !== undefined).length === 1,
  { message: 'give one of "check", "incident" or "tags"' },
] as const;

const OPS = ['list', 'get', 'ack', 'resolve', 'update', 'silence', 'unsilence', 'reset-circuit', 'release-brake'] as const;

/** What an operator sends the incidents function from the Lambda console. */
export const incidentsRequest = z.discriminatedUnion(
  'op',
  [
    z.strictObject({ op: z.literal('list'), state: z._default(z.enum(['active', 'open', 'acknowledged']), 'active'), limit: z._default(z.int().check(z.minimum(1), z.maximum(100)), 20) }),
    z.strictObject({ op: z.literal('get'), incident: incidentId, timeline: z._default(z.int().check(z.minimum(1), z.maximum(100)), 20) }),
    z.strictObject({ op: z.literal('ack'), incident: incidentId, ...who }),
    z.strictObject({ op: z.literal('resolve'), incident: incidentId, ...who }),
    /** A status update to the stakeholders topic (and, when public, the status page), e.g. what was done and what comes next. */
    z.strictObject({
      op: z.literal('update'),
      incident: incidentId,
      by: who.by,
      message: z.string().check(z.trim(), z.minLength(1, 'say what stakeholders should know, e.g. "rolled back v1.4.2; errors falling"'), z.maxLength(1000), oneLine),
      public: z._default(z.boolean(), false),
    }),
    z.strictObject({ op: z.literal('silence'), ...silenceTarget, for: z.prefault(silenceLength, '4h'), ...who }).check(z.refine(...oneTarget)),
    z.strictObject({ op: z.literal('unsilence'), ...silenceTarget, ...who }).check(z.refine(...oneTarget)),
    /** Closes an open circuit on one target, e.g. `ecs:prod/orders-api`; noted on the incident, if one is named. */
    z.strictObject({ op: z.literal('reset-circuit'), target: z.string().check(z.minLength(1), z.maxLength(200), oneLine), incident: z.optional(incidentId), ...who }),
    /** Lifts the brake over every automatic action now. */
    z.strictObject({ op: z.literal('release-brake'), ...who }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `give "op", one of: ${OPS.join(', ')}` : undefined) },
);

export type IncidentsRequest = z.output<typeof incidentsRequest>;

type Examples = Record<(typeof OPS)[number], Record<string, unknown>>;

/** Payloads that work with this config: its first check and its first remediation's target, not the sample's. */
export function incidentsExamples(names: { check: string; target: string }): Examples {
  const incident = `${names.check}/1`;
  return {
    list: { op: 'list' },
    get: { op: 'get', incident },
    ack: { op: 'ack', incident, by: 'alice', reason: 'looking into it' },
    resolve: { op: 'resolve', incident, by: 'alice', reason: 'rolled back the bad deploy' },
    update: { op: 'update', incident, by: 'alice', message: 'Rolled back v1.4.2; the error rate is falling. Next update in 15 minutes.', public: true },
    silence: { op: 'silence', check: names.check, for: '2h', by: 'alice', reason: 'planned database maintenance' },
    unsilence: { op: 'unsilence', check: names.check, by: 'alice', reason: 'maintenance done early' },
    'reset-circuit': { op: 'reset-circuit', target: names.target, by: 'alice', reason: 'memory leak fixed in v1.4.2' },
    'release-brake': { op: 'release-brake', by: 'alice', reason: 'the outage is understood; let the runbooks act' },
  };
}

/** The example for the op given, or all of them when the op itself is the problem. */
export function examplesFor(event: unknown, names: { check: string; target: string }): { example: unknown } | { examples: Examples } {
  const op = (event as { op?: unknown } | null)?.op;
  const examples = incidentsExamples(names);
  return typeof op === 'string' && op in examples ? { example: examples[op as keyof Examples] } : { examples };
}
