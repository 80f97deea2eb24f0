import { ArnFormat, Aws, CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Peer, Port, SecurityGroup, Subnet, Vpc, type IPeer, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { isIP } from 'node:net';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { NetworkConfig } from '../shared/config/network.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { planTicks } from '../shared/config/schedule-plan.js';
import { bucketFiles } from './bucket-files.js';
import type { VigilConfig } from '../shared/config/schema.js';
import { Heartbeats } from './constructs/heartbeats.js';
import { AlarmResponder } from './constructs/alarm-responder.js';
import { Alerting } from './constructs/alerting.js';
import { AwsAccess } from './constructs/aws-access.js';
import { CheckSchedules } from './constructs/check-schedules.js';
import { DeadLetterQueue } from './constructs/dead-letter-queue.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifier } from './constructs/notifier.js';
import { StatusPage } from './constructs/status-page.js';
import { StateTable, type StateTableProps } from './constructs/state-table.js';
import { VigilFunction } from './constructs/vigil-function.js';
import { driverOf, needsOf, runbookCheckIds } from './needs.js';
import { regionProbeName, regionsOf } from './regions.js';
import { catalogFiles } from './check-catalog.js';
import { ConfigAlarms } from './constructs/config-alarms.js';
import { checkEnvironmentName, checkLimitsOnce } from './limits.js';
import type { Egress } from '../shared/permissions.js';
import { probeRegistry } from '../shared/probes/index.js';

/** Vigil in a CDK app: everything `cdk deploy` puts into an account, from one validated config. */
export interface VigilProps {
  /** The validated config (`loadConfigFile`, `parseConfig`): the checks, runbooks and remediations it runs. */
  readonly config: VigilConfig;
  /** Names this deployment, e.g. `prod`; part of resource names. */
  readonly environmentName: string;
  /** Subscribed to the alerts topic. @default none */
  readonly alertEmail?: string;
  /** Subscribed to the escalation topic. @default none */
  readonly escalationEmail?: string;
  /** Subscribes this address to the stakeholders topic (status updates). @default no subscription */
  readonly stakeholderEmail?: string;
  /**
   * Reserve concurrency for the functions that act (on-alarm 10, remediate 2, incidents 2) and the
   * public heartbeat URL (5, when the config has heartbeats), so an alarm storm cannot act without
   * bound and a flood of requests cannot starve the account. Lambda keeps 100 executions unreserved,
   * so this needs an account limit of at least 119 (114 without heartbeats; the usual 1,000 is
   * plenty; a new account's may be 10). @default false
   */
  readonly reserveConcurrency?: boolean;
  /** The state table a destroyed deployment kept, to reattach to it. @default a new table */
  readonly existingTable?: StateTableProps['existing'];
  /**
   * Topics a team already has, to notify through instead of Vigil's own (KMS-encrypted, TLS only).
   * Their policies must let `cloudwatch.amazonaws.com` publish, for Vigil's alarms on itself, and
   * their keys must let Vigil's functions and CloudWatch use them. @default two topics of Vigil's own
   */
  readonly topics?: { readonly alerts: ITopic; readonly escalations: ITopic; readonly stakeholders?: ITopic };
  /** A bus a team already has, for the transitions' hand-off events. @default a bus of Vigil's own, `vigil-<env>-incidents` */
  readonly eventBus?: IEventBus;
}

/**
 * Vigil as a construct, for a CDK app a platform team already has; `VigilStack` is the stand-alone
 * path. Two of them live side by side when their `environmentName`s differ (it names the functions,
 * the schedule group, the dashboard and the alarms).
 */
export class Vigil extends Construct {
  readonly table: StateTable['table'];
  readonly alerts: ITopic;
  readonly escalations: ITopic;
  /** The functions people invoke by hand, and the one that answers alarms. */
  readonly incidentsFunction: VigilFunction;
  readonly remediateFunction: VigilFunction;
  readonly onAlarmFunction: VigilFunction;

  constructor(scope: Construct, id: string, props: VigilProps) {
    super(scope, id);
    checkEnvironmentName(props.environmentName);
    const prefix = `vigil-${props.environmentName}`;
    // Everything below, the functions' bundles included, sees the alarms by the names they are deployed under.
    const config = withDeployedAlarmNames(props.config, prefix);
    const reserve = props.reserveConcurrency ?? false;

    const state = new StateTable(this, 'State', { ...(props.existingTable ? { existing: props.existingTable } : {}) });
    const tableEnv = { TABLE_NAME: state.table.tableName };
    const alerting = new Alerting(this, 'Alerting', {
      alertEmail: props.alertEmail,
      escalationEmail: props.escalationEmail,
      stakeholderEmail: props.stakeholderEmail,
      ...(props.topics ? { topics: props.topics } : {}),
    });
    const functionDeadLetters = new DeadLetterQueue(this, 'FunctionDeadLetters');

    const incidentsName = `${prefix}-incidents`;
    // Invoked by hand, synchronously: no retries of its own.
    // notify and incidents look checks up by id in files beside their code.
    const catalog = catalogFiles(config);
    const incidents = new VigilFunction(this, 'Incidents', {
      name: 'incidents',
      config,
      generatedFiles: catalog,
      functionName: incidentsName,
      timeout: Duration.seconds(30),
      environment: tableEnv,
      deadLetterQueue: functionDeadLetters,
      retryAttempts: 0,
      // Its remediations' code, for their targets (reset-circuit names one): none of it runs.
      kinds: [...new Set(config.remediations.map((r) => r.kind))],
      ...(reserve ? { reservedConcurrency: 2 } : {}),
    });
    state.grantOperator(incidents);
    // Every transition as an event: PagerDuty, Opsgenie or a chat tool subscribe with a rule (docs/operations.md).
    const handoffs = props.eventBus ?? new EventBus(this, 'Handoffs', { eventBusName: `${prefix}-incidents` });
    const statusPage = new StatusPage(this, 'StatusPage', { cloudfront: config.statusPage.cloudfront });
    const notifier = new Notifier(this, 'Notifier', {
      config,
      catalog,
      state,
      alerting,
      incidentsFunctionName: incidentsName,
      functionDeadLetters,
      handoffs,
      statusBucket: statusPage.bucket,
      statusUrl: statusPage.url,
    });

    const access = new AwsAccess(config);
    const plan = planTicks(config);
    // What AWS would refuse at deploy (resources, template size, filters, names) is refused here, saying what to change.
    checkLimitsOnce(Stack.of(this));
    // A failed round is not retried, nor one throttled past 5 minutes: the next one runs within its rate, and the failure is alarmed.
    const runChecksProps = {
      name: 'run-checks',
      config,
      timeout: runChecksTimeout(config),
      environment: tableEnv,
      deadLetterQueue: functionDeadLetters,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      quietPlatformLogs: true,
    };
    const checksOn = (network: 'public' | 'vpc') => config.checks.filter((c) => c.network === network);
    const checksIn = (network: 'public' | 'vpc') => needsOf(checksOn(network));
    // The checks ship beside the code, per bucket (what dispatch sends) and whole (for a run by hand): a cold start does not grow with them.
    const filesOf = bucketFiles(config, plan);
    const checkFiles = (network: 'public' | 'vpc') => ({ generatedFiles: filesOf(network) });
    const runChecks = new VigilFunction(this, 'RunChecks', { ...runChecksProps, ...checksIn('public'), ...checkFiles('public') });
    const placement = config.network ? this.placement(config, config.network) : undefined;
    const runChecksVpc = plan.some((tick) => tick.buckets.some((b) => b.network === 'vpc'))
      ? new VigilFunction(this, 'RunChecksVpc', { ...runChecksProps, ...checksIn('vpc'), ...checkFiles('vpc'), vpc: placement! })
      : undefined;
    this.askOtherRegions(runChecks, config, props.environmentName);
    for (const [fn, network] of [
      [runChecks, 'public'],
      [runChecksVpc, 'vpc'],
    ] as const) {
      if (!fn) continue;
      state.grantRecordRounds(fn);
      access.grantProbes(fn, checksOn(network));
    }

    if (config.alarms.length) new ConfigAlarms(this, 'ConfigAlarms', { config, alerts: alerting.alerts });
    const alarms = new AlarmResponder(this, 'Alarms', {
      config,
      state,
      access,
      prefix,
      functionDeadLetters,
      alerts: alerting.alerts,
      escalations: alerting.escalations,
      ...(reserve ? { onAlarmConcurrency: 10 } : {}),
      ...(placement && runbooksReachVpc(config) ? { vpc: placement } : {}),
    });
    const scheduleDeadLetters = new DeadLetterQueue(this, 'ScheduleDeadLetters');
    const schedules = new CheckSchedules(this, 'Schedules', {
      config,
      plan,
      targets: { public: runChecks, vpc: runChecksVpc },
      deadLetterQueue: scheduleDeadLetters,
      functionDeadLetters,
      groupName: prefix,
    });

    const heartbeatChecks = config.checks.filter((c) => c.kind === 'heartbeat').length;
    const heartbeats = heartbeatChecks
      ? new Heartbeats(this, 'Heartbeats', { config, state, prefix, deadLetterQueue: functionDeadLetters, ...(reserve ? { reservedConcurrency: 5 } : {}) })
      : undefined;

    new Monitoring(this, 'Monitoring', {
      prefix,
      functions: {
        dispatch: schedules.dispatch,
        'run-checks': runChecks,
        ...(runChecksVpc ? { 'run-checks-vpc': runChecksVpc } : {}),
        notify: notifier.function,
        'on-alarm': alarms.onAlarm,
        remediate: alarms.remediate,
        incidents,
        ...(heartbeats ? { heartbeat: heartbeats.fn } : {}),
      },
      // The public URL: a flood of requests is alarmed like a failure (jobs report once a period).
      ...(heartbeats ? { publicFunction: { fn: heartbeats.fn, floodPer5Minutes: Math.max(100, 20 * heartbeatChecks) } } : {}),
      ...(alarms.readsStream ? { runbookStreamReader: alarms.onAlarm } : {}),
      deadLetters: {
        'schedule-dlq': scheduleDeadLetters,
        'function-dlq': functionDeadLetters,
        'notify-dlq': notifier.deadLetters,
        'alarm-rule-dlq': alarms.deadLetters,
      },
      schedules: schedules.group,
      streamReader: notifier.function,
      topic: alerting.alerts,
    });

    this.table = state.table;
    this.alerts = alerting.alerts;
    this.escalations = alerting.escalations;
    this.incidentsFunction = incidents;
    this.remediateFunction = alarms.remediate;
    this.onAlarmFunction = alarms.onAlarm;

    // Nothing secret: what the operator's console (vigil --env), subscriptions and a redeploy need.
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('IncidentsFunction', incidents.functionName, 'Invoke from the Lambda console to list, get, ack, resolve and silence incidents');
    output(
      'RemediateFunction',
      alarms.remediate.functionName,
      'Invoke to run a remediation by hand (dry run first), approve a proposal, or flip the kill switch',
    );
    output('OnAlarmFunction', alarms.onAlarm.functionName, 'Answers CloudWatch alarm state changes with their runbooks');
    output('AlertsTopicArn', alerting.alerts.topicArn, 'Subscribe people, chat (AWS Chatbot) or a pager here; filter on severity, service, transition');
    output(
      'EventBusName',
      handoffs.eventBusName,
      'Every incident transition as an event (detail-type "Vigil Incident Transition"): add rules for pagers and chat',
    );
    output(
      'StakeholdersTopicArn',
      alerting.stakeholders.topicArn,
      "Status updates while an incident lasts (incidents.severities.*.updateMinutes, and the on-call's own)",
    );
    output(
      'StatusPageBucket',
      statusPage.bucket.bucketName,
      'The status page (index.html, summary.json, feed.atom), written on each change; private: serve it through CloudFront',
    );
    if (statusPage.url) output('StatusPageUrl', statusPage.url, 'The status page, through CloudFront (statusPage.cloudfront)');
    output('EscalationsTopicArn', alerting.escalations.topicArn, 'Escalations, and pages when Vigil cannot record an alarm');
    output(
      'DashboardUrl',
      `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${prefix}`,
      'What Vigil sees and does, and how Vigil itself is doing',
    );
    output('StateTableName', state.table.tableName, 'Kept on destroy: pass as -c stateTable to deploy again on the same history');
    output('StateTableStreamArn', state.table.tableStreamArn ?? '', 'Pass as -c stateTableStream with -c stateTable');
  }

  /** Checks that name regions ask Vigil's probe function there (infra/region-stack.ts, one stack per region): only those functions. */
  private askOtherRegions(runChecks: VigilFunction, config: VigilConfig, environmentName: string) {
    const stack = Stack.of(this);
    const elsewhere = regionsOf(config, Token.isUnresolved(stack.region) ? undefined : stack.region);
    if (!elsewhere.length) return;
    runChecks.addEnvironment('REGION_PROBE_FUNCTION', regionProbeName(environmentName));
    const functionIn = (region: string) =>
      stack.formatArn({
        service: 'lambda',
        region,
        resource: 'function',
        resourceName: regionProbeName(environmentName),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    runChecks.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: elsewhere.map(functionIn) }));
  }

  /** The configured subnets, and the configured security groups or one that lets out only what the checks need. */
  private placement(config: VigilConfig, network: NetworkConfig) {
    const vpc = Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: network.vpcId, availabilityZones: network.subnets.map((s) => s.availabilityZone) });
    const subnets = {
      subnets: network.subnets.map((s, i) => Subnet.fromSubnetAttributes(this, `Subnet${i}`, { subnetId: s.id, availabilityZone: s.availabilityZone })),
    };
    let securityGroups: ISecurityGroup[];
    if (network.securityGroupIds) {
      securityGroups = network.securityGroupIds.map((sg, i) => SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, sg));
    } else {
      const sg = new SecurityGroup(this, 'ChecksSecurityGroup', {
        vpc,
        description: 'Vigil checks in the VPC: out to the checked ports and HTTPS only',
        allowAllOutbound: false,
      });
      sg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'AWS APIs (DynamoDB, CloudWatch, SNS) and HTTPS targets');
      // Checks are placed in the VPC to reach private addresses: their ports go only there. A runbook's
      // step may run a public check from the VPC-placed on-alarm function: its port goes anywhere.
      const privately = network.cidr ? [network.cidr] : ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
      const stepChecks = runbooksReachVpc(config) ? runbookCheckIds(config) : new Set<string>();
      const rules = new Map<string, { peer: IPeer; port: Port }>();
      const allow = (e: Egress, to: string[]) => {
        for (const cidr of e.host && isIP(e.host) ? [`${e.host}/32`] : to)
          rules.set(`${e.protocol} ${e.port} ${cidr}`, {
            peer: cidr === '0.0.0.0/0' ? Peer.anyIpv4() : Peer.ipv4(cidr),
            port: e.protocol === 'udp' ? Port.udp(e.port) : Port.tcp(e.port),
          });
      };
      for (const check of config.checks) {
        const inVpc = check.network === 'vpc';
        if (!inVpc && !stepChecks.has(check.id)) continue;
        for (const e of egressOf(check)) if (e.port !== 443 || e.protocol !== 'tcp') allow(e, inVpc ? privately : ['0.0.0.0/0']);
      }
      for (const r of config.remediations.filter(reachesDatabase))
        for (const port of targetPorts(r.target)) if (port !== 443) allow({ protocol: 'tcp', port }, privately);
      for (const [description, { peer, port }] of rules) sg.addEgressRule(peer, port, `a checked target (${description})`);
      securityGroups = [sg];
    }
    return { vpc, subnets, securityGroups };
  }
}

/**
 * A config alarm is deployed as `vigil-<environment>-<id>` unless it names itself: two environments of
 * one config, or two Vigils in one stack, never define (nor answer) the same alarm, nor take a team's.
 */
export function withDeployedAlarmNames(config: VigilConfig, prefix: string): VigilConfig {
  return config.alarms.some((a) => !a.name) ? { ...config, alarms: config.alarms.map((a) => ({ ...a, name: a.name ?? `${prefix}-${a.id}` })) } : config;
}

/** Long enough for the largest planned invocation: its checks in waves of `concurrency`, each wave up to the longest timeout. */
export function runChecksTimeout(config: VigilConfig): Duration {
  const longest = Math.max(...config.checks.map((c) => c.timeoutMs ?? config.defaults.timeoutMs));
  const waves = Math.ceil(MAX_CHECKS_PER_INVOCATION / config.defaults.concurrency);
  return Duration.seconds(Math.min(900, Math.ceil((waves * longest) / 1000) + 10));
}

/** Runbooks (and manual remediations) reach the VPC when they act on a database or run a check placed there. */
function runbooksReachVpc(config: VigilConfig): boolean {
  const vpcChecks = new Set(config.checks.filter((c) => c.network === 'vpc').map((c) => c.id));
  return config.remediations.some(reachesDatabase) || [...runbookCheckIds(config)].some((id) => vpcChecks.has(id));
}

/** Remediations that connect to a database themselves (not through an AWS API), so from inside the VPC. */
const reachesDatabase = (r: VigilConfig['remediations'][number]): r is Extract<VigilConfig['remediations'][number], { target: string }> =>
  driverOf(r.kind) !== undefined;

/** The connections a check's probe makes: as its probe declares them, else over TCP to the ports its target names. */
function egressOf(check: VigilConfig['checks'][number]): Egress[] {
  const probe = probeRegistry.get(check.kind);
  if (probe?.egress) return probe.egress(check as never);
  return typeof check.target === 'string' ? targetPorts(check.target).map((port) => ({ protocol: 'tcp' as const, port })) : [];
}

/** The TCP ports a check's target talks to, when its target names one (URLs by their scheme). */
function targetPorts(target: string): number[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const url = new URL(target);
    const port = url.port ? Number(url.port) : ({ 'http:': 80, 'https:': 443 } as Record<string, number>)[url.protocol];
    return port ? [port] : [];
  }
  // host:port, host:port/database, or a replica set's host1:port,host2:port
  return [...target.matchAll(/:(\d{1,5})(?=\/|,|$)/g)].map((m) => Number(m[1]));
}
