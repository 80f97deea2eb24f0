// The cost model: measured invocations priced at public us-east-1 list prices, free tiers left out.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VigilStack } from '../infra/vigil-stack.js';
import { parseConfig } from '../shared/config/load.js';
import rawConfig from '../vigil.config.js';
import { median, round } from './stats.js';

/** What invocation-run.ts measured for one schedule's batch of checks. */
export interface Invocation {
  checks: number;
  concurrency: number;
  runs: { ms: number; readUnits: number; writeUnits: number; logBytes: number }[];
  peakRssMb: number;
}

const PRICE = {
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1e6,
  schedulerInvocation: 1 / 1e6,
  dynamoRead: 0.125 / 1e6, // a strongly consistent read of an item up to 4 KB
  dynamoWrite: 0.625 / 1e6, // a write of an item up to 1 KB
  logsGb: 0.5,
  metricSeriesMonth: 0.3,
  alarmMonth: 0.1,
  kmsKeyMonth: 1,
  dashboardMonth: 3, // the first 3 of an account are free
  syntheticsRun: 0.0012,
  route53CheckMonth: [0.5, 0.75],
};
const MEMORY_GB = 256 / 1024; // VigilFunction's default
const DISPATCH_GB = 128 / 1024;
/** A tick's dispatch runs about this long per bucket it starts (16 Invoke calls in flight, about 20 ms each), and sleeps its pacing. */
const DISPATCH_MS_PER_BUCKET = 1.25;
/** The ticks priced: a small deployment's (one bucket, 50 checks) and 100,000 checks on one rate (2,000 buckets, spread over 20 s). */
const TICKS = [
  { buckets: 1, label: 'a tick of 1 bucket (50 checks)', pacingMs: 0 },
  { buckets: 2000, label: 'a tick of 2,000 buckets (100,000 checks)', pacingMs: 19_000 },
];
/** What the Scheduler's invocation and the dispatch function cost one bucket of a tick. */
const tickShare = (t: (typeof TICKS)[number]) =>
  (PRICE.schedulerInvocation + PRICE.lambdaRequest + ((t.buckets * DISPATCH_MS_PER_BUCKET + t.pacingMs) / 1000) * DISPATCH_GB * PRICE.lambdaGbSecond) /
  t.buckets;
const RUNS_PER_MONTH = 30 * 24 * 60; // one a minute
const usd = (x: number) =>
  x >= 100 ? `$${Math.round(x).toLocaleString('en')}` : x >= 1 ? `$${x.toFixed(2)}` : x >= 0.01 ? `$${x.toFixed(3)}` : `$${x.toPrecision(2)}`;

/** The monthly charges that do not grow with checks, counted in the stack synthesized for vigil.config.ts. */
function fixedMonthly(series: number) {
  const template = Template.fromStack(
    new VigilStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Cost', { config: parseConfig(rawConfig), environmentName: 'cost' }),
  );
  const count = (type: string) => Object.keys(template.findResources(type)).length;
  // An alarm is billed per metric it watches: one, or each metric of its math expression.
  const alarmMetrics = Object.values(template.findResources('AWS::CloudWatch::Alarm')).reduce<number>(
    (n, a) => n + ((a.Properties.Metrics as { MetricStat?: unknown }[] | undefined)?.filter((m) => m.MetricStat).length ?? 1),
    0,
  );
  const keys = count('AWS::KMS::Key');
  const dashboards = count('AWS::CloudWatch::Dashboard');
  return {
    alarmMetrics,
    keys,
    dashboards,
    series,
    usd: alarmMetrics * PRICE.alarmMonth + keys * PRICE.kmsKeyMonth + dashboards * PRICE.dashboardMonth + series * PRICE.metricSeriesMonth,
  };
}

const SHARE_NAMES: Record<string, string> = {
  duration: 'Lambda duration (waiting on the targets)',
  request: 'the Lambda request',
  dynamo: 'DynamoDB',
  logs: 'CloudWatch Logs',
  tick: 'the Scheduler and dispatch',
};

export function costModel(measured: (Invocation & { latencyMs: number })[], series: number): string {
  const fixed = fixedMonthly(series);
  const rows = measured.map((m) => {
    const ms = median(m.runs.map((r) => r.ms));
    const reads = median(m.runs.map((r) => r.readUnits));
    const writes = median(m.runs.map((r) => r.writeUnits));
    // Lambda's own START and REPORT lines are not sent: run-checks' system logs are at WARN (infra/vigil.ts).
    const logBytes = median(m.runs.map((r) => r.logBytes));
    const parts = {
      duration: (ms / 1000) * MEMORY_GB * PRICE.lambdaGbSecond,
      request: PRICE.lambdaRequest,
      dynamo: reads * PRICE.dynamoRead + writes * PRICE.dynamoWrite,
      logs: (logBytes / 1e9) * PRICE.logsGb,
    };
    const own = Object.values(parts).reduce((a, b) => a + b, 0);
    const perMillionAt = TICKS.map((t) => ((own + tickShare(t)) / m.checks) * 1e6);
    const perMillion = perMillionAt[0]!;
    const largest = Object.entries({ ...parts, tick: tickShare(TICKS[1]!) }).sort((a, b) => b[1] - a[1])[0]!;
    return { m, ms, reads, writes, logBytes, parts, perMillion, perMillionAt, largest };
  });
  const monthly = (n: number, perMillion: number) => (n * RUNS_PER_MONTH * perMillion) / 1e6 + fixed.usd;
  const [r53low, r53high] = PRICE.route53CheckMonth as [number, number];
  return [
    `One bucket of ${measured[0]!.checks} HTTP checks as dispatch sends it, through the run-checks handler (default concurrency ${measured[0]!.concurrency}), warm, with incident state in dynalite and no state changing: the round reads the bucket's summary, the outside-writes marker and the silences, and writes nothing. Median of ${measured[0]!.runs.length} invocations, for targets answering in ${measured.map((m) => `${m.latencyMs} ms`).join(' and in ')}. Priced at us-east-1 list prices without free tiers: Lambda arm64 $${PRICE.lambdaGbSecond} per GB-second at ${MEMORY_GB * 1024} MB (dispatch at 128 MB) and $0.20 per million requests; EventBridge Scheduler $1 per million; DynamoDB on demand $0.125 per million read units (strongly consistent, 4 KB each) and $0.625 per million write units (1 KB); CloudWatch Logs $0.50 per GB ingested. The Scheduler's invocation and the dispatch function's are shared by every bucket of a tick: priced for ${TICKS.map((t) => t.label).join(' and for ')}.`,
    '',
    '| per invocation of 50 checks | targets at ' + rows.map((r) => `${r.m.latencyMs} ms`).join(' | targets at ') + ' |',
    '| --- | ' + rows.map(() => '---:').join(' | ') + ' |',
    `| duration (billed) | ${rows.map((r) => `${round(r.ms, 0)} ms`).join(' | ')} |`,
    `| peak memory (of ${MEMORY_GB * 1024} MB) | ${rows.map((r) => `${round(r.m.peakRssMb, 0)} MB`).join(' | ')} |`,
    `| Lambda duration: ms / 1000 × ${MEMORY_GB} GB × $${PRICE.lambdaGbSecond} | ${rows.map((r) => usd(r.parts.duration)).join(' | ')} |`,
    `| Lambda request (dispatch's asynchronous Invoke) | ${rows.map((r) => usd(r.parts.request)).join(' | ')} |`,
    ...TICKS.map((t) => `| Scheduler and dispatch, the bucket's share of ${t.label} | ${rows.map(() => usd(tickShare(t))).join(' | ')} |`),
    `| DynamoDB: read units × $0.125/M + write units × $0.625/M | ${rows.map((r) => `${r.reads} R, ${r.writes} W: ${usd(r.parts.dynamo)}`).join(' | ')} |`,
    `| CloudWatch Logs: bytes of the function's own lines (Lambda's are left out: system logs at WARN) × $0.50/GB | ${rows.map((r) => `${r.logBytes} B: ${usd(r.parts.logs)}`).join(' | ')} |`,
    ...TICKS.map(
      (t, i) =>
        `| **per million check executions**, ${t.label} (sum ÷ 50 × 10⁶; target < $0.05) | ${rows.map((r) => `**${usd(r.perMillionAt[i]!)}**: ${r.perMillionAt[i]! < 0.05 ? 'yes' : '**no**'}`).join(' | ')} |`,
    ),
    `| largest share at 100,000 checks | ${rows.map((r) => `${SHARE_NAMES[r.largest[0]]}, ${Math.round((100 * r.largest[1]) / (Object.values(r.parts).reduce((a, b) => a + b, 0) + tickShare(TICKS[1]!)))}%`).join(' | ')} |`,
    '',
    `Fixed each month, whatever the number of checks, as counted in the stack synthesized for vigil.config.ts: ${fixed.alarmMetrics} alarm metrics × $0.10, ${fixed.dashboards} dashboard × $3 (free if it is one of the account's first 3), ${fixed.keys} KMS key × $1, ${fixed.series} metric series × $0.30 = ${usd(fixed.usd)}. A check that changes state also writes its state and incident once (about 2 write units, ${usd(2 * PRICE.dynamoWrite)}), and each notification is an SNS publish.`,
    '',
    `| checks every minute (${RUNS_PER_MONTH.toLocaleString('en')} runs each a month) | Vigil, targets at ${rows.map((r) => `${r.m.latencyMs} ms`).join(' / ')} | CloudWatch Synthetics ($0.0012 a run) | Route 53 health checks ($0.50–$0.75 a check a month) |`,
    '| ---: | ---: | ---: | ---: |',
    ...[100, 1000].map(
      (n) =>
        `| ${n.toLocaleString('en')} | ${rows.map((r) => usd(monthly(n, r.perMillion))).join(' / ')} a month | ${usd(n * RUNS_PER_MONTH * PRICE.syntheticsRun)} | ${usd(n * r53low)}–${usd(n * r53high)} |`,
    ),
    `| per million check executions | ${rows.map((r) => usd(r.perMillion)).join(' / ')} | ${usd(PRICE.syntheticsRun * 1e6)} | ${usd((r53low / RUNS_PER_MONTH) * 1e6)}–${usd((r53high / RUNS_PER_MONTH) * 1e6)} (a month's price over one run a minute) |`,
    '',
    'Route 53 checks from several regions every 30 s and Synthetics runs a browser: they buy more per run than one HTTP request. The comparison is for the runbook check a team would otherwise write as a canary or a health check.',
  ].join('\n');
}

/** What judging checks over a window adds to a steady round of the same bucket, measured both ways in one run. */
export function windowCost(plain: Invocation, windowed: Invocation, windowedChecks: number): string {
  const at = (m: Invocation) => ({
    ms: median(m.runs.map((r) => r.ms)),
    reads: median(m.runs.map((r) => r.readUnits)),
    writes: median(m.runs.map((r) => r.writeUnits)),
  });
  const a = at(plain);
  const b = at(windowed);
  const perMillion = (x: typeof a) =>
    ((x.reads * PRICE.dynamoRead + x.writes * PRICE.dynamoWrite + (x.ms / 1000) * MEMORY_GB * PRICE.lambdaGbSecond) / plain.checks) * 1e6;
  return [
    `**Trends.** The same bucket with ${windowedChecks} of its ${plain.checks} checks judged over a window of 100 rounds (error share and p95, the sample's API window), the windows full: the round reads them in the request that reads the summary, and writes them back in one item.`,
    '',
    '| a steady round of 50 checks | no window | ' + `${windowedChecks} windowed |`,
    '| --- | ---: | ---: |',
    `| DynamoDB read units | ${a.reads} | ${b.reads} |`,
    `| DynamoDB write units | ${a.writes} | ${b.writes} |`,
    `| duration | ${round(a.ms, 0)} ms | ${round(b.ms, 0)} ms (${round(b.ms / a.ms, 2)}×) |`,
    `| DynamoDB and duration, per million check executions | ${usd(perMillion(a))} | ${usd(perMillion(b))} (+${usd(perMillion(b) - perMillion(a))}) |`,
  ].join('\n');
}
