import * as z from '../zod.js';
import type { MetricDataQuery } from '../aws/metrics.js';
import { alarmName } from '../text.js';
import { missingExtra, PRESETS, presetExtraFields, type PresetName } from '../probes/metric-presets.js';
import { mathQueries, mathShape, metricQuery, metricShape } from '../probes/metric-query.js';
import { nameSchema, SEVERITIES } from './names.js';
import { nameOfAlarm } from './alarm-name.js';

const presetNames = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

const COMPARISONS = {
  '>': 'GreaterThanThreshold',
  '>=': 'GreaterThanOrEqualToThreshold',
  '<': 'LessThanThreshold',
  '<=': 'LessThanOrEqualToThreshold',
} as const;

/**
 * A CloudWatch alarm the stack creates. What it watches is one of: a preset (the guides' metrics, as
 * `metric` checks read them), a custom metric, metric math over named metrics, or a composite rule over
 * other alarms of this list by id. A runbook answers it by id (`match: { alarms: [...] }`).
 */
export const alarmSchema = z
  .strictObject({
    id: nameSchema,
    /** The CloudWatch alarm name. Default: the id. Give one per environment (`prod-orders-5xx`) when several share an account. */
    name: z.optional(alarmName),
    description: z.optional(z.string().check(z.maxLength(1024))),
    preset: z.optional(z.enum(presetNames)),
    /** For a preset: the resource it names (the LoadBalancer dimension, `cluster/service`, an instance id). */
    target: z.optional(z.string().check(z.minLength(1))),
    ...presetExtraFields,
    metric: z.optional(metricShape),
    /** Metric math: `expression` over `metrics` by their ids, e.g. `100 * errors / requests`. */
    math: z.optional(mathShape),
    /** A composite alarm: a rule over this list's alarms by id, e.g. `ALARM(orders-5xx) AND ALARM(orders-p95)`. */
    composite: z.optional(z.string().check(z.minLength(1), z.maxLength(10240))),
    threshold: z.optional(z.number()),
    /** Default: `>` for a metric where higher is worse, `<` where lower is. */
    comparison: z.optional(z.enum(['>', '>=', '<', '<='])),
    /** Default: 60. */
    periodSeconds: z._default(z.union([z.literal(10), z.literal(30), z.int().check(z.multipleOf(60), z.positive())]), 60),
    /** Periods looked at. Default: 5. */
    evaluationPeriods: z._default(z.int().check(z.minimum(1), z.maximum(100)), 5),
    /** Of those, how many must breach. Default: all of them. */
    datapointsToAlarm: z.optional(z.int().check(z.minimum(1))),
    /** What a period with no datapoint counts as. Default: missing (the alarm keeps its state). */
    missingData: z._default(z.enum(['missing', 'ignore', 'breaching', 'notBreaching']), 'missing'),
    /** Default: P2. */
    severity: z._default(z.enum(SEVERITIES), 'P2'),
    tags: z._default(z.record(z.string(), z.string()), {}),
  })
  .check(
    z.superRefine((a, ctx) => {
      const sources = [a.preset, a.metric, a.math, a.composite].filter((s) => s !== undefined).length;
      if (sources !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of preset, metric, math or composite: what the alarm watches' });
      if (a.preset && !a.target)
        ctx.addIssue({ code: 'custom', path: ['target'], message: `the preset ${a.preset} needs its target: ${PRESETS[a.preset].targetHint}` });
      const missing = a.preset && missingExtra(a.preset, a);
      if (missing) ctx.addIssue({ code: 'custom', path: [missing.path], message: missing.message });
      if (!a.composite && a.threshold === undefined)
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'required: the value the alarm compares with' });
      if (a.datapointsToAlarm !== undefined && a.datapointsToAlarm > a.evaluationPeriods)
        ctx.addIssue({ code: 'custom', path: ['datapointsToAlarm'], message: 'at most evaluationPeriods' });
    }),
  );

export type AlarmConfig = z.output<typeof alarmSchema>;

/** The alarm ids a composite rule names: `ALARM(a) OR OK(b)` names a and b. */
export function ruleAlarmIds(rule: string): string[] {
  return [...rule.matchAll(/\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^)"]+)"?\s*\)/g)].map((m) => m[1]!.trim());
}

/** The rule as CloudWatch takes it: each alarm by its name, quoted. */
export function compositeRule(rule: string, alarms: readonly AlarmConfig[]): string {
  return rule.replace(
    /\b(ALARM|OK|INSUFFICIENT_DATA)\(\s*"?([^)"]+)"?\s*\)/g,
    (_, state: string, id: string) => `${state}("${nameOfAlarm(alarms.find((a) => a.id === id.trim())!)}")`,
  );
}

/** The CloudWatch comparison operator. */
export function comparisonOf(alarm: AlarmConfig): (typeof COMPARISONS)[keyof typeof COMPARISONS] {
  const direction = alarm.preset ? PRESETS[alarm.preset].direction : 'above';
  return COMPARISONS[alarm.comparison ?? (direction === 'below' ? '<' : '>')];
}

/** The metric queries of a metric alarm, the one whose result is compared returned (CloudWatch alarms take at most one). */
export function alarmQueries(alarm: AlarmConfig): MetricDataQuery[] {
  const period = alarm.periodSeconds;
  if (alarm.preset) return PRESETS[alarm.preset].queries(alarm.target!, period, alarm);
  if (alarm.metric) return [metricQuery('value', alarm.metric, period, true)];
  if (alarm.math) return mathQueries(alarm.math, period);
  return [];
}
