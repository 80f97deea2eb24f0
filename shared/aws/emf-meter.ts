import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type Meter } from '../metrics.js';

/** Meter as CloudWatch embedded metric format in the function's log: no API call, no extra latency. */
export function emfMeter(): Meter {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'vigil' });
  // Each value is flushed at once with its own dimension, so nothing is lost if the function dies later.
  const emit = (name: string, value: number, unit: (typeof MetricUnit)[keyof typeof MetricUnit], dimension?: { name: string; value: string }) => {
    const single = metrics.singleMetric();
    if (dimension) single.addDimension(dimension.name, dimension.value);
    single.addMetric(name, unit, value);
  };
  return {
    count: (name, value, dimension) => emit(name, value, MetricUnit.Count, dimension),
    gauge: (name, value) => emit(name, value, MetricUnit.Count),
  };
}
