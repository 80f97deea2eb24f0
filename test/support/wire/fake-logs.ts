import type { Service, WireResponse } from './faulty-handler.js';

/**
 * CloudWatch Logs behind the awsJson1_1 protocol, in process: FilterLogEvents over `lines`, and a
 * Logs Insights query that completes at once (a `stats` query's rows are `statsRows`), as the API reference shapes them.
 */
export function fakeLogs(lines: string[] = [], statsRows: Record<string, string>[] = []): Service {
  // A `stats` query answers with `statsRows`, one row per group; any other with `lines`.
  const statsQueries = new Set<string>();
  let queries = 0;
  return async (request, body): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const input = JSON.parse(body || '{}') as { queryString?: string; queryId?: string };
    const now = Date.now();
    switch (op) {
      case 'FilterLogEvents':
        return json(200, {
          events: lines.map((message, i) => ({ logStreamName: 'ecs/orders-api/1', timestamp: now - i * 1000, message, ingestionTime: now, eventId: `e${i}` })),
          searchedLogStreams: [],
        });
      case 'StartQuery': {
        const queryId = `q-smoke-${++queries}`;
        if (/\|\s*stats\b|^\s*stats\b/.test(input.queryString ?? '')) statsQueries.add(queryId);
        return json(200, { queryId });
      }
      case 'GetQueryResults':
        if (statsQueries.has(input.queryId ?? ''))
          return json(200, {
            status: 'Complete',
            results: statsRows.map((row) => Object.entries(row).map(([field, value]) => ({ field, value }))),
            statistics: { recordsMatched: statsRows.length, recordsScanned: 100, bytesScanned: 2048 },
          });
        // Insights writes @timestamp as "2026-11-23 03:01:00.000", UTC without a zone.
        return json(200, {
          status: 'Complete',
          results: lines.map((message) => [
            { field: '@timestamp', value: new Date(now).toISOString().replace('T', ' ').replace('Z', '') },
            { field: '@message', value: message },
          ]),
          statistics: { recordsMatched: lines.length, recordsScanned: 100, bytesScanned: 2048 },
        });
      case 'StopQuery':
        return json(200, { success: true });
      default:
        return json(400, { __type: 'InvalidOperationException', message: `fake CloudWatch Logs does not answer ${op}` });
    }
  };
}

const json = (statusCode: number, body: unknown): WireResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});
