import { CfnAlarm, CfnCompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Stack, Token } from 'aws-cdk-lib';
import { PRESETS, type Preset } from '../../shared/probes/metric-presets.js';
import { Construct } from 'constructs';
import { alarmQueries, comparisonOf, compositeRule, ruleAlarmIds, type AlarmConfig } from '../../shared/config/alarms.js';
import { nameOfAlarm } from '../../shared/config/alarm-name.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { namesOf } from '../../shared/runbooks/match.js';

export interface ConfigAlarmsProps {
  readonly config: VigilConfig;
  /** Where an alarm no runbook answers sends its state changes; one a runbook answers reaches it through EventBridge. */
  readonly alerts: ITopic;
}

/** The config's `alarms`: one CloudWatch alarm each (composite ones over the others), named as runbooks match them. */
export class ConfigAlarms extends Construct {
  constructor(scope: Construct, id: string, props: ConfigAlarmsProps) {
    super(scope, id);
    const { config } = props;
    const answered = new Set(config.runbooks.flatMap((r) => namesOf(r, config.alarms) ?? []));
    const made = new Map<string, CfnAlarm | CfnCompositeAlarm>();
    const region = Stack.of(this).region;
    for (const [i, alarm] of config.alarms.entries()) {
      const home = alarm.preset && (PRESETS[alarm.preset] as Preset).region;
      // An alarm lives in its metric's region; this stack's alarms live in the stack's.
      if (home && region !== home)
        throw new Error(
          `alarms[${i}].preset: ${alarm.preset} reads metrics in ${home}, and an alarm must be in its metric's region; this stack deploys to ${Token.isUnresolved(region) ? 'a region not set at synth' : region}. Watch it with a \`metric\` check (it reads ${home}), or deploy Vigil there.`,
        );
    }
    // Metric alarms first: a composite one is created after the alarms its rule names.
    const ordered = [...config.alarms.filter((a) => !a.composite), ...config.alarms.filter((a) => a.composite)];
    for (const alarm of ordered) {
      const name = nameOfAlarm(alarm);
      // A runbook's alarm is told to the on-call by Vigil, with its incident; any other goes to the alerts topic as CloudWatch words it.
      const actions = answered.has(name) ? {} : { alarmActions: [props.alerts.topicArn], okActions: [props.alerts.topicArn] };
      const common = { alarmName: name, alarmDescription: describe(alarm), actionsEnabled: true, ...actions };
      const made1 = alarm.composite
        ? new CfnCompositeAlarm(this, alarm.id, { ...common, alarmRule: compositeRule(alarm.composite, config.alarms) })
        : new CfnAlarm(this, alarm.id, { ...common, ...metricAlarm(alarm) });
      for (const other of alarm.composite ? ruleAlarmIds(alarm.composite) : []) made1.node.addDependency(made.get(other)!);
      made.set(alarm.id, made1);
    }
  }
}

function metricAlarm(alarm: AlarmConfig) {
  return {
    comparisonOperator: comparisonOf(alarm),
    threshold: alarm.threshold!,
    evaluationPeriods: alarm.evaluationPeriods,
    datapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
    treatMissingData: alarm.missingData,
    metrics: alarmQueries(alarm).map((q) => ({
      id: q.Id!,
      returnData: q.ReturnData ?? false,
      ...(q.Expression ? { expression: q.Expression, period: alarm.periodSeconds } : {}),
      ...(q.MetricStat
        ? {
            metricStat: {
              metric: {
                namespace: q.MetricStat.Metric!.Namespace!,
                metricName: q.MetricStat.Metric!.MetricName!,
                dimensions: (q.MetricStat.Metric!.Dimensions ?? []).map((d) => ({ name: d.Name!, value: d.Value! })),
              },
              period: q.MetricStat.Period!,
              stat: q.MetricStat.Stat!,
            },
          }
        : {}),
    })),
    tags: Object.entries({ severity: alarm.severity, ...alarm.tags }).map(([key, value]) => ({ key, value })),
  };
}

/** The description people read in the console and in CloudWatch's own message: what it is, and its severity. */
const describe = (alarm: AlarmConfig) => `[${alarm.severity}] ${alarm.description ?? alarm.id} (defined in vigil.config.ts)`.slice(0, 1024);
