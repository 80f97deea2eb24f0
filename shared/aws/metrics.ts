import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { REQUEST_TIMEOUTS } from './timeouts.js';
import { TargetUnresolvedError } from '../errors.js';

export type { MetricDataQuery };

export interface MetricSeries {
  id: string;
  /** Newest first, as GetMetricData returns them with ScanBy TimestampDescending. */
  values: number[];
  timestamps: Date[];
}

export interface MetricsPort {
  /** `region`: where the metrics live when not in Vigil's own region (CloudFront's are in us-east-1). */
  getMetricData(queries: MetricDataQuery[], start: Date, end: Date, signal?: AbortSignal, region?: string): Promise<Map<string, MetricSeries>>;
}

type Waiting = {
  queries: MetricDataQuery[];
  start: Date;
  end: Date;
  region: string | undefined;
  signal: AbortSignal | undefined;
  resolve: (m: Map<string, MetricSeries>) => void;
  reject: (e: unknown) => void;
};

const MAX_QUERIES = 500; // GetMetricData's limit per call

/**
 * GetMetricData for many checks at once: requests made in the same tick are merged into one
 * call (up to 500 queries), so a round of metric checks costs one API call, not one each.
 */
export class BatchingMetrics implements MetricsPort {
  private pending: Waiting[] = [];
  private scheduled = false;
  private calls = 0;
  private readonly elsewhere = new Map<string, CloudWatchClient>();

  constructor(
    private readonly cloudwatch: CloudWatchClient = new CloudWatchClient({ requestHandler: REQUEST_TIMEOUTS }),
    private readonly clientFor: (region: string) => CloudWatchClient = (region) => new CloudWatchClient({ region, requestHandler: REQUEST_TIMEOUTS }),
  ) {}

  /** GetMetricData calls made so far; for tests and benchmarks. */
  get callCount(): number {
    return this.calls;
  }

  getMetricData(queries: MetricDataQuery[], start: Date, end: Date, signal?: AbortSignal, region?: string): Promise<Map<string, MetricSeries>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ queries, start, end, region, signal, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush() {
    this.scheduled = false;
    const waiting = this.pending.splice(0);
    // Requests with the same window and region share a call; ids are prefixed so they cannot collide.
    const byWindow = new Map<string, typeof waiting>();
    for (const w of waiting) {
      const key = `${w.region ?? ''}|${w.start.toISOString()}|${w.end.toISOString()}`;
      byWindow.set(key, [...(byWindow.get(key) ?? []), w]);
    }
    for (const group of byWindow.values()) {
      let batch: typeof waiting = [];
      let size = 0;
      for (const w of group) {
        if (size + w.queries.length > MAX_QUERIES && batch.length) {
          void this.send(batch);
          batch = [];
          size = 0;
        }
        batch.push(w);
        size += w.queries.length;
      }
      if (batch.length) void this.send(batch);
    }
  }

  private client(region: string | undefined): CloudWatchClient {
    if (!region) return this.cloudwatch;
    let client = this.elsewhere.get(region);
    if (!client) this.elsewhere.set(region, (client = this.clientFor(region)));
    return client;
  }

  private async send(batch: Waiting[]) {
    const cloudwatch = this.client(batch[0]!.region);
    const prefix = (i: number) => `r${i}_`;
    const queries = batch.flatMap((w, i) =>
      w.queries.map((q) => ({
        ...q,
        Id: prefix(i) + q.Id,
        ...(q.Expression
          ? { Expression: q.Expression.replace(/\b([a-z][a-zA-Z0-9_]*)\b/g, (id) => (w.queries.some((o) => o.Id === id) ? prefix(i) + id : id)) }
          : {}),
      })),
    );
    // One call serves several checks: it is given up only when every one of them has given up.
    const abandoned = new AbortController();
    const signals = batch.map((w) => w.signal);
    const onAbort = () => signals.every((s) => s?.aborted) && abandoned.abort();
    for (const s of signals) s?.addEventListener('abort', onAbort, { once: true });
    onAbort();
    try {
      const series = new Map<string, MetricSeries>();
      let nextToken: string | undefined;
      do {
        this.calls += 1;
        const out = await cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: batch[0]!.start,
            EndTime: batch[0]!.end,
            ScanBy: 'TimestampDescending',
            NextToken: nextToken,
          }),
          { abortSignal: abandoned.signal },
        );
        for (const r of out.MetricDataResults ?? []) {
          if (r.StatusCode === 'PartialData' && !out.NextToken) throw new TargetUnresolvedError(`CloudWatch returned partial data for ${r.Id}`);
          const prior = series.get(r.Id!) ?? { id: r.Id!, values: [], timestamps: [] };
          series.set(r.Id!, { id: r.Id!, values: [...prior.values, ...(r.Values ?? [])], timestamps: [...prior.timestamps, ...(r.Timestamps ?? [])] });
        }
        nextToken = out.NextToken;
      } while (nextToken);
      batch.forEach((w, i) => {
        const own = new Map<string, MetricSeries>();
        for (const q of w.queries) {
          const s = series.get(prefix(i) + q.Id);
          if (s) own.set(q.Id!, { ...s, id: q.Id! });
        }
        w.resolve(own);
      });
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      for (const s of signals) s?.removeEventListener('abort', onAbort);
    }
  }
}

/** The port `aws.metrics` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): MetricsPort => new BatchingMetrics();

declare module './ports.js' {
  interface AwsPortMap {
    metrics: MetricsPort;
  }
}
