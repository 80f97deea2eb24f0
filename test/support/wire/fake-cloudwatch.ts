import type { Service, WireResponse } from './faulty-handler.js';

/**
 * CloudWatch's GetMetricData behind the awsJson1_0 protocol, in process: every query answered with
 * one datapoint of `value`, complete, as the API reference shapes it.
 */
export function fakeCloudWatch(value = 1): Service {
  return async (request, body): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    if (op !== 'GetMetricData') return json(400, { __type: 'InvalidAction', message: `fake CloudWatch does not answer ${op}` });
    const { MetricDataQueries = [], EndTime } = JSON.parse(body || '{}') as { MetricDataQueries?: { Id: string }[]; EndTime?: number };
    const at = EndTime ?? Math.floor(Date.now() / 1000);
    return json(200, {
      MetricDataResults: MetricDataQueries.map((q) => ({ Id: q.Id, Label: q.Id, Timestamps: [at - 60], Values: [value], StatusCode: 'Complete' })),
      Messages: [],
    });
  };
}

const json = (statusCode: number, body: unknown): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify(body),
});
