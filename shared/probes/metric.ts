import * as z from '../zod.js';
import type { MetricDataQuery } from '../aws/metrics.js';
import type { Observation, Status } from '../findings.js';
import { gradeLower, gradeUpper } from '../thresholds.js';
import { missingExtra, PRESETS, presetExtraFields, type Preset, type PresetName } from './metric-presets.js';
import { mathQueries, mathShape, metricQuery, metricShape } from './metric-query.js';
import { defineProbe } from './probe.js';

const MINUTE_MS = 60_000;
const presetNames = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

const settings = z.strictObject({
  /** What is measured: for a preset, the resource it names (see the metric presets); otherwise a label for findings. */
  target: z.string().check(z.minLength(1)),
  /** One of the guides' metrics; or give `metric` instead. */
  preset: z.optional(z.enum(presetNames)),
  /** Any CloudWatch metric, when no preset fits. */
  metric: z.optional(metricShape),
  /** Metric math over several series, e.g. `{ expression: '100 * errors / requests', metrics: { errors: {…}, requests: {…} } }`. */
  math: z.optional(mathShape),
  ...presetExtraFields,
  /** Default: 60 seconds. */
  periodSeconds: z._default(z.int().check(z.minimum(1)), 60),
  /** How far back to look for the newest datapoint. Default: 10 minutes (metrics arrive late). */
  lookbackMinutes: z._default(z.number().check(z.positive()), 10),
  /** Default: the preset's. Required with `metric`. */
  thresholds: z.optional(z.strictObject({ warn: z.number(), fail: z.number() })),
  /** Default: the preset's; `above` with `metric`. */
  direction: z.optional(z.enum(['above', 'below'])),
  /** What no datapoint in the lookback means: a silent metric is its own outcome. Default: warn. */
  noData: z._default(z.enum(['ok', 'warn', 'fail', 'error']), 'warn'),
});

type MetricCheck = z.output<typeof settings>;

export const metricProbe = defineProbe({
  kind: 'metric',
  example: { preset: 'alb-5xx-rate', target: 'app/prod-alb/50dc6c495c0c9188' },
  description: "Reads a CloudWatch metric (or one of the guides' presets); checks its newest value against thresholds.",
  settings,
  uses: { aws: ['metrics'] },
  permissions: () => [
    { actions: ['cloudwatch:GetMetricData'], resources: ['*'], wildcard: 'cloudwatch:GetMetricData has no resource-level permissions: AWS accepts only "*".' },
  ],
  refine(s, ctx) {
    if ([s.preset, s.metric, s.math].filter((x) => x !== undefined).length !== 1)
      ctx.addIssue({ code: 'custom', message: 'give one of "preset", "metric" or "math"' });
    if ((s.metric || s.math) && !s.thresholds)
      ctx.addIssue({ code: 'custom', path: ['thresholds'], message: 'a custom metric needs thresholds: { warn, fail }' });
    const missing = s.preset && missingExtra(s.preset, s);
    if (missing) ctx.addIssue({ code: 'custom', path: [missing.path], message: missing.message });
  },
  describeTarget: (check) => (check.preset ? `${check.preset} ${check.target}` : check.target),
  secrets: () => [],
  async run(check, { signal, clock, aws }): Promise<Observation> {
    const c = check;
    const { queries, unit, direction, limits, region } = resolve(c);
    const end = clock.now();
    const start = new Date(end.getTime() - c.lookbackMinutes * MINUTE_MS);
    const series = await aws.metrics.getMetricData(queries, start, end, signal, region);
    const value = series.get('value')?.values[0];
    if (value === undefined || !Number.isFinite(value)) {
      return { status: c.noData as Status, summary: `no data in the last ${c.lookbackMinutes} minutes`, observed: {} };
    }
    const status = direction === 'above' ? gradeUpper(value, limits) : gradeLower(value, limits);
    const shown = `${round(value)} ${unit}`.trim();
    return {
      status,
      summary:
        status === 'ok'
          ? `${shown}`
          : `${shown} (${status} ${direction === 'above' ? 'at' : 'below'} ${status === 'fail' ? limits.fail : limits.warn} ${unit})`.replace(/ +\)/, ')'),
      observed: { value: round(value) },
      evidence: { recent: (series.get('value')?.values ?? []).slice(0, 5).map(round) },
    };
  },
});

function resolve(c: MetricCheck): {
  queries: MetricDataQuery[];
  unit: string;
  direction: 'above' | 'below';
  limits: { warn: number; fail: number };
  region?: string | undefined;
} {
  if (c.preset) {
    const p: Preset = PRESETS[c.preset];
    return {
      queries: p.queries(c.target, c.periodSeconds, c),
      region: p.region,
      unit: p.unit,
      direction: c.direction ?? p.direction,
      limits: c.thresholds ?? p.limits,
    };
  }
  return {
    queries: c.math ? mathQueries(c.math, c.periodSeconds) : [metricQuery('value', c.metric!, c.periodSeconds, true)],
    unit: '',
    direction: c.direction ?? 'above',
    limits: c.thresholds!,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
