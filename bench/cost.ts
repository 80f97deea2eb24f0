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
// Lambda's own START, END and REPORT lines in JSON log format, per invocation (not measurable here).
const PLATFORM_LOG_BYTES = 500;
const RUNS_PER_MONTH = 30 * 24 * 60; // one a minute
const usd = (x: number) => (x >= 100 ? `$${Math.round(x).toLocaleString('en')}` : x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toPrecision(2)}`);

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

export function costModel(measured: (Invocation & { latencyMs: number })[], series: number): string {
  const fixed = fixedMonthly(series);
  const rows = measured.map((m) => {
    const ms = median(m.runs.map((r) => r.ms));
    const reads = median(m.runs.map((r) => r.readUnits));
    const writes = median(m.runs.map((r) => r.writeUnits));
    const logBytes = median(m.runs.map((r) => r.logBytes)) + PLATFORM_LOG_BYTES;
    const parts = {
      duration: (ms / 1000) * MEMORY_GB * PRICE.lambdaGbSecond,
      request: PRICE.lambdaRequest,
      scheduler: PRICE.schedulerInvocation,
      dynamo: reads * PRICE.dynamoRead + writes * PRICE.dynamoWrite,
      logs: (logBytes / 1e9) * PRICE.logsGb,
    };
    const perInvocation = Object.values(parts).reduce((a, b) => a + b, 0);
    const perMillion = (perInvocation / m.checks) * 1e6;
    return { m, ms, reads, writes, logBytes, parts, perMillion };
  });
  const monthly = (n: number, perMillion: number) => (n * RUNS_PER_MONTH * perMillion) / 1e6 + fixed.usd;
  const [r53low, r53high] = PRICE.route53CheckMonth as [number, number];
  return [
    `One schedule's batch of ${measured[0]!.checks} HTTP checks through the run-checks handler (default concurrency ${measured[0]!.concurrency}), warm, with incident state in dynalite and no state changing; median of ${measured[0]!.runs.length} invocations, for targets answering in ${measured.map((m) => `${m.latencyMs} ms`).join(' and in ')}. Priced at us-east-1 list prices without free tiers: Lambda arm64 $${PRICE.lambdaGbSecond} per GB-second at ${MEMORY_GB * 1024} MB and $0.20 per million requests; EventBridge Scheduler $1 per million; DynamoDB on demand $0.125 per million reads (strongly consistent, ≤ 4 KB) and $0.625 per million writes; CloudWatch Logs $0.50 per GB ingested.`,
    '',
    '| per invocation of 50 checks | targets at ' + rows.map((r) => `${r.m.latencyMs} ms`).join(' | targets at ') + ' |',
    '| --- | ' + rows.map(() => '---:').join(' | ') + ' |',
    `| duration (billed) | ${rows.map((r) => `${round(r.ms, 0)} ms`).join(' | ')} |`,
    `| peak memory (of ${MEMORY_GB * 1024} MB) | ${rows.map((r) => `${round(r.m.peakRssMb, 0)} MB`).join(' | ')} |`,
    `| Lambda duration: ms / 1000 × ${MEMORY_GB} GB × $${PRICE.lambdaGbSecond} | ${rows.map((r) => usd(r.parts.duration)).join(' | ')} |`,
    `| Lambda request | ${rows.map((r) => usd(r.parts.request)).join(' | ')} |`,
    `| Scheduler invocation | ${rows.map((r) => usd(r.parts.scheduler)).join(' | ')} |`,
    `| DynamoDB: reads × $0.125/M + writes × $0.625/M | ${rows.map((r) => `${r.reads} R, ${r.writes} W: ${usd(r.parts.dynamo)}`).join(' | ')} |`,
    `| CloudWatch Logs: bytes (${PLATFORM_LOG_BYTES} of them Lambda's own lines, estimated) × $0.50/GB | ${rows.map((r) => `${r.logBytes} B: ${usd(r.parts.logs)}`).join(' | ')} |`,
    `| **per million check executions** (sum ÷ 50 × 10⁶; target < $1) | ${rows.map((r) => `**${usd(r.perMillion)}**: ${r.perMillion < 1 ? 'yes' : '**no**'}`).join(' | ')} |`,
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
