import * as z from '../zod.js';
import type { MetricDataQuery } from '../aws/metrics.js';

/** One CloudWatch metric, as checks and alarms name it. */
export const metricShape = z.strictObject({
  namespace: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  dimensions: z._default(z.record(z.string(), z.string()), {}),
  /** Average, Sum, Maximum, p95, … */
  stat: z._default(z.string(), 'Average'),
});

/** Metric math: `expression` over `metrics` by their ids, e.g. `100 * errors / requests`. */
export const mathShape = z.strictObject({
  expression: z.string().check(z.minLength(1)),
  metrics: z.record(z.string().check(z.regex(/^[a-z][a-zA-Z0-9_]*$/, 'a metric id: a lowercase letter, then letters, digits or _')), metricShape),
});

export type MetricSpec = z.output<typeof metricShape>;
export type MathSpec = z.output<typeof mathShape>;

export function metricQuery(id: string, m: MetricSpec, period: number, returnData: boolean): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })) },
      Period: period,
      Stat: m.stat,
    },
    ReturnData: returnData,
  };
}

/** The queries of a metric-math series: its metrics, and the expression over them as `value`, the one returned. */
export function mathQueries(math: MathSpec, period: number): MetricDataQuery[] {
  return [...Object.entries(math.metrics).map(([id, m]) => metricQuery(id, m, period, false)), { Id: 'value', Expression: math.expression, ReturnData: true }];
}
