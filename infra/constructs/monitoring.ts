import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TRANSITION_KINDS } from '../../shared/state/check-state.js';
import { METRICS_NAMESPACE, type DimensionName, type MetricName } from '../../shared/metrics.js';
import { RUNBOOK_VERDICTS } from '../../shared/state/run.js';

export interface MonitoringProps {
  /** e.g. `vigil-prod`: names the dashboard and the alarms. */
  readonly prefix: string;
  /** Every function, by the name people know it by. */
  readonly functions: Record<string, IFunction>;
  /** Every dead-letter and on-failure queue, by what lands in it. */
  readonly deadLetters: Record<string, IQueue>;
  readonly schedules: ScheduleGroup;
  /** The function reading the state table's stream, whose falling behind delays every notification. */
  readonly streamReader: IFunction;
  /** on-alarm, when it reads the stream too: its falling behind delays the runbooks checks start. @default none */
  readonly runbookStreamReader?: IFunction;
  /** A function behind a public URL, and the invocations in five minutes past which it is a flood. @default none */
  readonly publicFunction?: { readonly fn: IFunction; readonly floodPer5Minutes: number };
  /** Where Vigil's alarms about itself go. */
  readonly topic: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Who watches the watcher: a dashboard of what Vigil sees and does, and alarms when Vigil itself fails. */
export class Monitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    const alarm = (id: string, description: string, metric: IMetric, threshold = 1) => {
      const a = new Alarm(this, id, {
        alarmName: `${props.prefix}-${id}`,
        alarmDescription: `Vigil itself: ${description}`,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means nothing failed.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-errors`, `the ${name} function failed (see its log group)`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }));
    }
    for (const [name, queue] of Object.entries(props.deadLetters)) {
      alarm(
        `${name}-dead-letters`,
        `work failed all its retries and waits in ${name}`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      );
    }
    alarm(
      'schedules-failing',
      'schedules could not invoke run-checks (target errors or dropped invocations)',
      sumOf({
        errors: props.schedules.metricTargetErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        dropped: props.schedules.metricDropped({ period: FIVE_MINUTES, statistic: 'Sum' }),
      }),
    );
    alarm(
      'functions-throttled',
      'Lambda throttled a Vigil function: the account or its reserved concurrency is at its limit',
      sumOf(Object.fromEntries(Object.values(props.functions).map((fn, i) => [`t${i}`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })]))),
    );
    alarm(
      'notify-stream-behind',
      "notify is five minutes or more behind the state table's stream: notifications are late",
      props.streamReader.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' }),
      5 * 60_000,
    );
    if (props.runbookStreamReader) {
      alarm(
        'on-alarm-stream-behind',
        "on-alarm is five minutes or more behind the state table's stream: the runbooks checks start are late",
        props.runbookStreamReader.metric('IteratorAge', { period: FIVE_MINUTES, statistic: 'Maximum' }),
        5 * 60_000,
      );
    }
    if (props.publicFunction) {
      const { fn, floodPer5Minutes } = props.publicFunction;
      alarm(
        'heartbeat-flood',
        `the public heartbeat URL took ${floodPer5Minutes} requests or more in five minutes: jobs report once a period, so this is a flood (or a misbehaving job)`,
        fn.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
        floodPer5Minutes,
      );
    }

    const functions = Object.entries(props.functions);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.prefix,
      widgets: [
        [
          new TextWidget({
            markdown: `# ${props.prefix}\nWhat Vigil sees and does, and how Vigil itself is doing. Alarms on Vigil's own failures go to the alerts topic.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          graph(
            'Check outcomes',
            ['ok', 'warn', 'fail', 'error'].map((s) => vigil('CheckOutcomes', 'Sum', 'Status', s)),
          ),
          new SingleValueWidget({ title: 'Open incidents', metrics: [vigil('OpenIncidents', 'Maximum')], width: 6, height: 6 }),
          graph(
            'Incident transitions',
            ['opened', 'escalated', 'acknowledged', 'resolved'].map((k) => vigil('IncidentTransitions', 'Sum', 'Kind', k)),
            6,
          ),
        ],
        [
          graph(
            'Remediations by outcome',
            ['acted', 'unknown', 'observed', 'proposed', 'skipped', 'escalated', 'refused', 'failed', 'stale'].map((o) =>
              vigil('Remediations', 'Sum', 'Outcome', o),
            ),
          ),
          graph(
            'Runbook verdicts',
            RUNBOOK_VERDICTS.map((v) => vigil('RunbookVerdicts', 'Sum', 'Verdict', v)),
          ),
        ],
        [
          graph(
            'Notifications sent, by transition',
            TRANSITION_KINDS.map((k) => vigil('Notifications', 'Sum', 'Kind', k)),
          ),
          graph(
            'Notifications sent with no answer (most likely delivered)',
            TRANSITION_KINDS.map((k) => vigil('NotificationsUnconfirmed', 'Sum', 'Kind', k)),
          ),
        ],
        [
          graph(
            'Function errors',
            functions.map(([name, fn]) => fn.metricErrors({ label: name, period: FIVE_MINUTES })),
          ),
          graph(
            'Function duration p99',
            functions.map(([name, fn]) => fn.metricDuration({ label: name, statistic: 'p99', period: FIVE_MINUTES })),
          ),
        ],
        [
          graph(
            'Dead-letter queue depth',
            Object.entries(props.deadLetters).map(([name, q]) =>
              q.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum', period: FIVE_MINUTES }),
            ),
          ),
          graph('Schedules', [
            props.schedules.metricAttempts({ label: 'attempts' }),
            props.schedules.metricTargetErrors({ label: 'target errors' }),
            props.schedules.metricDropped({ label: 'dropped' }),
          ]),
        ],
      ],
    });
  }
}

function vigil(name: MetricName, statistic: string, dimension?: DimensionName, value?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: 'vigil', ...(dimension && value ? { [dimension]: value } : {}) },
    statistic,
    period: FIVE_MINUTES,
    ...(value ? { label: value } : {}),
  });
}

/** The sum of metrics that report only when something happens: a missing point counts as 0, so the sum exists whenever one of them does. */
function sumOf(metrics: Record<string, IMetric>): MathExpression {
  return new MathExpression({
    expression: Object.keys(metrics)
      .map((k) => `FILL(${k}, 0)`)
      .join(' + '),
    usingMetrics: metrics,
    period: FIVE_MINUTES,
  });
}

function graph(title: string, metrics: IMetric[], width = 12): GraphWidget {
  return new GraphWidget({ title, left: metrics, width, height: 6 });
}
