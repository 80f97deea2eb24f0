import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
  StopQueryCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { REQUEST_TIMEOUTS } from './timeouts.js';
import { TargetUnresolvedError } from '../errors.js';

export interface LogLine {
  at: Date;
  message: string;
  stream?: string | undefined;
}

export interface LogMatches {
  /** Events that matched in the window; a lower bound when `capped`. */
  count: number;
  /** Reading stopped at the event bound before the window was read to its end. */
  capped: boolean;
  /** The newest matching lines, newest first. */
  newest: LogLine[];
  /** Logs Insights only: what the query scanned, which is what it is billed by. */
  bytesScanned?: number | undefined;
}

export interface LogsWindow {
  group: string;
  start: Date;
  end: Date;
  /** How many of the newest lines to keep. */
  lines: number;
}

/** The CloudWatch Logs reads Vigil makes. */
export interface LogsPort {
  /** FilterLogEvents with a filter pattern, reading at most `maxEvents` matching events. */
  filter(window: LogsWindow & { pattern: string; maxEvents: number }, signal?: AbortSignal): Promise<LogMatches>;
  /** A Logs Insights query; stopped if the signal aborts first. */
  insights(window: LogsWindow & { query: string }, signal?: AbortSignal): Promise<LogMatches>;
  /** A Logs Insights query over several groups, its result rows as they come (a `stats … by` query's, say), field by field. */
  rows(window: { groups: string[]; start: Date; end: Date; query: string }, signal?: AbortSignal): Promise<Record<string, string>[]>;
}

const PAGE = 10_000; // FilterLogEvents' largest page

export class SdkLogs implements LogsPort {
  private readonly client: CloudWatchLogsClient;

  constructor(
    overrides: CloudWatchLogsClientConfig = {},
    /** Between GetQueryResults polls. */
    private readonly pollMs = 1_000,
    /** How long a query may run before it is stopped, where no signal bounds it (a remediation's plan): a slow query never holds a runbook. */
    private readonly maxQueryMs = 60_000,
  ) {
    this.client = new CloudWatchLogsClient({ requestHandler: REQUEST_TIMEOUTS, ...overrides });
  }

  async filter(w: LogsWindow & { pattern: string; maxEvents: number }, signal?: AbortSignal): Promise<LogMatches> {
    const lines: LogLine[] = [];
    let count = 0;
    let token: string | undefined;
    try {
      do {
        const out = await this.client.send(
          new FilterLogEventsCommand({
            logGroupName: w.group,
            filterPattern: w.pattern,
            startTime: w.start.getTime(),
            endTime: w.end.getTime(),
            limit: Math.min(PAGE, w.maxEvents - count),
            nextToken: token,
          }),
          { abortSignal: signal },
        );
        for (const e of out.events ?? []) lines.push({ at: new Date(e.timestamp ?? 0), message: e.message ?? '', stream: e.logStreamName });
        count += out.events?.length ?? 0;
        token = out.nextToken;
        // Keep only the newest few in memory, whatever the count.
        if (lines.length > w.lines * 4) lines.splice(0, lines.length, ...newestFirst(lines).slice(0, w.lines));
      } while (token && count < w.maxEvents);
    } catch (err) {
      throw notFound(err, w.group);
    }
    return { count, capped: Boolean(token), newest: newestFirst(lines).slice(0, w.lines) };
  }

  async insights(w: LogsWindow & { query: string }, signal?: AbortSignal): Promise<LogMatches> {
    const out = await this.query([w.group], `${w.query} | sort @timestamp desc | limit ${w.lines}`, w, signal);
    const newest = (out.results ?? []).map((fields) => {
      const get = (name: string) => fields.find((f) => f.field === name)?.value;
      return {
        at: new Date(`${get('@timestamp') ?? ''}Z`.replace(' ', 'T')),
        message:
          get('@message') ??
          fields
            .filter((f) => f.field !== '@ptr')
            .map((f) => `${f.field}=${f.value}`)
            .join(' '),
        stream: get('@logStream'),
      };
    });
    return { count: out.statistics?.recordsMatched ?? newest.length, capped: false, newest, bytesScanned: out.statistics?.bytesScanned };
  }

  async rows(w: { groups: string[]; start: Date; end: Date; query: string }, signal?: AbortSignal): Promise<Record<string, string>[]> {
    const out = await this.query(w.groups, w.query, w, signal);
    return (out.results ?? []).map((fields) => Object.fromEntries(fields.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? ''])));
  }

  /** Runs a query to its end, polling; a query left behind when the caller gives up is stopped. */
  private async query(groups: string[], queryString: string, w: { start: Date; end: Date }, signal?: AbortSignal): Promise<GetQueryResultsCommandOutput> {
    let queryId: string | undefined;
    try {
      // Insights takes epoch seconds.
      queryId = (
        await this.client.send(
          new StartQueryCommand({
            ...(groups.length === 1 ? { logGroupName: groups[0] } : { logGroupNames: groups }),
            queryString,
            startTime: Math.floor(w.start.getTime() / 1000),
            endTime: Math.ceil(w.end.getTime() / 1000),
          }),
          { abortSignal: signal },
        )
      ).queryId;
    } catch (err) {
      throw notFound(err, groups.join(', '));
    }
    if (!queryId) throw new TargetUnresolvedError('Logs Insights started no query');
    const giveUpAt = signal ? Infinity : Date.now() + this.maxQueryMs;
    let gaveUp = false;
    try {
      for (;;) {
        const out = await this.client.send(new GetQueryResultsCommand({ queryId }), { abortSignal: signal });
        if (out.status === 'Complete') return out;
        if (out.status !== 'Scheduled' && out.status !== 'Running')
          throw new TargetUnresolvedError(`Logs Insights query ${out.status?.toLowerCase() ?? 'ended'}: check the query`);
        if (Date.now() >= giveUpAt) {
          gaveUp = true;
          throw new TargetUnresolvedError(`Logs Insights query still running after ${Math.round(this.maxQueryMs / 1000)} s: narrow the query or its window`);
        }
        await sleep(this.pollMs, undefined, { signal });
      }
    } catch (err) {
      // A query left running keeps scanning, and billing: stop it on the way out.
      if (signal?.aborted || gaveUp) await this.client.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      throw err;
    }
  }
}

const newestFirst = (lines: LogLine[]) => [...lines].sort((a, b) => b.at.getTime() - a.at.getTime());

function notFound(err: unknown, group: string): unknown {
  return err instanceof ResourceNotFoundException ? new TargetUnresolvedError(`log group ${group} not found: check the name and the region`) : err;
}

/** The port `aws.logs` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): LogsPort => new SdkLogs();

declare module './ports.js' {
  interface AwsPortMap {
    logs: LogsPort;
  }
}
