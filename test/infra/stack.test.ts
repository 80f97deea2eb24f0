import { App, Stack } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Vigil, VigilStack } from '../../infra/vigil-stack.js';
import { loadConfigFile, parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { TRANSITION_KINDS } from '../../shared/state/check-state.js';
import { RUNBOOK_VERDICTS } from '../../shared/state/run.js';
import { planTicks } from '../../shared/config/schedule-plan.js';

/** Skips bundling the functions' code: these tests read the template (bench/ measures the bundles). */
const noBundling = { context: { 'aws:cdk:bundling-stacks': [] } };

function synth(config: VigilConfig, extra: { alertEmail?: string } = {}): Template {
  const app = new App(noBundling);
  return Template.fromStack(new VigilStack(app, 'Test', { config, environmentName: 'test', ...extra }));
}

/** Every policy attached to a role: inline, and the managed ones CDK adds when a role's inline policy outgrows IAM's limit. */
function policiesOf(template: Template): ReturnType<Template['findResources']> {
  return { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
}

/** The IAM actions granted to the role of the function whose logical id starts with `prefix`. */
function actionsOf(template: Template, prefix: string): string[] {
  const policies = Object.values(policiesOf(template)).filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(prefix)));
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat())).sort();
}

/** The conditions of each statement that grants `action` to the role of the function whose logical id starts with `prefix`. */
function conditionsOf(template: Template, prefix: string, action: string): unknown[] {
  return Object.values(policiesOf(template))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(prefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((st: { Action: unknown }) => [st.Action].flat().includes(action))
    .map((st: { Condition?: unknown }) => st.Condition);
}

let sample: Template;
let sampleConfig: VigilConfig;
beforeAll(async () => {
  sampleConfig = await loadConfigFile('vigil.config.ts');
  sample = synth(sampleConfig);
});

/** The sample's schedules of check rounds (into dispatch), and of runbooks (into on-alarm). */
const schedulesInto = (target: RegExp) =>
  Object.values(sample.findResources('AWS::Scheduler::Schedule')).filter((s) => target.test(s.Properties.Target.Arn['Fn::GetAtt'][0]));
const tickSchedules = () => schedulesInto(/^(SchedulesDispatch|Dispatch)/);
const runbookSchedules = () => schedulesInto(/^AlarmsOnAlarm/);

describe('VigilStack', () => {
  it('runs checks in a Node.js 22 arm64 function with JSON logs kept a month', () => {
    sample.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    sample.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it("leaves Lambda's START and REPORT lines out of the logs of the functions that run every minute per bucket, and only theirs", () => {
    const functions = sample.findResources('AWS::Lambda::Function');
    const quiet = Object.entries(functions)
      .filter(([, f]) => f.Properties.LoggingConfig?.SystemLogLevel === 'WARN')
      .map(([id]) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(quiet.sort()).toEqual(['Dispatch', 'RunChecks']);
  });

  it('schedules each expression of the sample once, sending the dispatch function its tick', () => {
    const schedules = tickSchedules();
    const ticks = planTicks(sampleConfig);
    expect(schedules.map((s) => [s.Properties.Name, s.Properties.ScheduleExpression, JSON.parse(s.Properties.Target.Input)])).toEqual(
      ticks.map((t) => [t.name, t.expression, { tick: t.name }]),
    );
    expect(ticks.map((t) => t.expression)).toEqual([
      'rate(1 minute)',
      'rate(5 minutes)',
      'rate(15 minutes)',
      'rate(1 hour)',
      'rate(6 hours)',
      'cron(0 4 ? * MON *)',
      'cron(0 7 * * ? *)',
    ]);
    for (const s of schedules) expect(s.Properties.Target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SchedulesDispatch|^Dispatch/), 'Arn'] });
  });

  it('gives every schedule finite retries and a dead-letter queue', () => {
    const schedules = Object.values(sample.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.length).toBeGreaterThan(0);
    for (const s of tickSchedules()) {
      expect(s.Properties.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 });
      expect(s.Properties.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetters/), 'Arn'] });
    }
    // A scheduled runbook's firing may wait longer than a round: it runs once a month.
    for (const s of runbookSchedules()) {
      expect(s.Properties.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
      expect(s.Properties.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AlarmsDeadLetters/), 'Arn'] });
    }
    sample.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  it('starts each scheduled runbook of the sample in on-alarm, at its time, in its zone, once per firing', () => {
    expect(
      runbookSchedules().map((s) => [
        s.Properties.Name,
        s.Properties.ScheduleExpression,
        s.Properties.ScheduleExpressionTimezone,
        JSON.parse(s.Properties.Target.Input),
      ]),
    ).toEqual([
      [
        'vigil-test-runbook-billing-db-daily-restore-test',
        'cron(30 5 * * ? *)',
        'UTC',
        { scheduledRunbook: 'billing-db-daily-restore-test', at: '<aws.scheduler.scheduled-time>' },
      ],
      [
        'vigil-test-runbook-lendpeak-docdb-daily-restore-test',
        'cron(30 6 * * ? *)',
        'UTC',
        { scheduledRunbook: 'lendpeak-docdb-daily-restore-test', at: '<aws.scheduler.scheduled-time>' },
      ],
      [
        'vigil-test-runbook-billing-db-monthly-maintenance',
        'cron(0 2 15 * ? *)',
        'UTC',
        { scheduledRunbook: 'billing-db-monthly-maintenance', at: '<aws.scheduler.scheduled-time>' },
      ],
    ]);
    const onAlarm = Object.values(sample.findResources('AWS::Lambda::Function')).find((f) => f.Properties.FunctionName === 'vigil-test-on-alarm')!;
    // Its actions, with no incident to carry them, are told on the alerts topic.
    expect(onAlarm.Properties.Environment.Variables.TOPIC_ARN).toEqual({ Ref: expect.stringMatching(/^AlertingAlerts/) });
  });

  it("lets run-checks invoke only the probe function of each region the sample's checks name, by the name it is given", () => {
    const runChecks = Object.entries(sample.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('RunChecks'))![1];
    expect(runChecks.Properties.Environment.Variables.REGION_PROBE_FUNCTION).toBe('vigil-test-probe');
    const invoke = Object.values(policiesOf(sample))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('RunChecks')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => [st.Action].flat().includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke.map((st: { Resource: unknown }) => st.Resource))).toBe(
      JSON.stringify([
        ['ap-southeast-1', 'us-east-1'].map((region) => ({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:${region}:`, { Ref: 'AWS::AccountId' }, ':function:vigil-test-probe']],
        })),
      ]),
    );
  });

  it('lets on-alarm and remediate schedule wake-ups for a restore test they follow, with no wait step anywhere', () => {
    const t = synth(
      parseConfig({
        checks: [{ id: 'orders-db-integrity', kind: 'pg', target: 'orders-db.internal:5432/orders', password: { secret: 'orders-db-vigil' } }],
        remediations: [
          {
            id: 'orders-db-restore-test',
            kind: 'rds-restore-test',
            source: 'orders-db',
            check: 'orders-db-integrity',
            costCeiling: { usdPerHour: 0.1, maxUsd: 1 },
          },
        ],
        runbooks: [{ id: 'daily-restore-test', match: { schedule: { expression: 'cron(0 4 * * ? *)' } }, steps: [{ act: 'orders-db-restore-test' }] }],
      }),
    );
    const functions = Object.entries(t.findResources('AWS::Lambda::Function'));
    for (const prefix of ['AlarmsOnAlarm', 'AlarmsRemediate']) {
      const [, fn] = functions.find(([id]) => id.startsWith(prefix))!;
      expect(fn.Properties.Environment.Variables.WAKE_ROLE_ARN, prefix).toBeDefined();
    }
  });

  it('lets on-alarm and remediate schedule only their own wake-ups, which invoke on-alarm through a role that may do nothing else', () => {
    const actions = (prefix: string) =>
      Object.values(policiesOf(sample))
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(prefix)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const fn of ['AlarmsOnAlarm', 'AlarmsRemediate']) {
      const create = actions(fn).find((st: { Action: unknown }) => [st.Action].flat().includes('scheduler:CreateSchedule'));
      expect(JSON.stringify(create.Resource)).toContain(':schedule/default/vigil-test-wake-*');
      expect(actions(fn).find((st: { Action: unknown }) => st.Action === 'iam:PassRole').Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^AlarmsWakesRole/), 'Arn'],
      });
    }
    const wake = actions('AlarmsWakesRole');
    expect(
      wake
        .map((st: { Action: unknown }) => st.Action)
        .flat()
        .sort(),
    ).toEqual(['lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(JSON.stringify(wake.find((st: { Action: unknown }) => st.Action === 'lambda:InvokeFunction').Resource)).toContain(':function:vigil-test-on-alarm');
    const onAlarm = Object.values(sample.findResources('AWS::Lambda::Function')).find((f) => f.Properties.FunctionName === 'vigil-test-on-alarm')!;
    expect(onAlarm.Properties.Environment.Variables).toMatchObject({
      WAKE_PREFIX: 'vigil-test',
      WAKE_ROLE_ARN: expect.anything(),
      WAKE_DLQ_ARN: expect.anything(),
    });
  });

  it('lets the scheduler invoke only the dispatch function and on-alarm, and the dispatch function only run-checks, whose events wait at most 5 minutes', () => {
    const invokes = (role: string) =>
      Object.values(policiesOf(sample))
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(role)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st: { Action: unknown }) => [st.Action].flat().includes('lambda:InvokeFunction'))
        .flatMap((st: { Resource: unknown }) => [st.Resource].flat().map((r) => JSON.stringify(r)));
    // Each function and its versions (`:*`).
    const invoked = invokes('SchedulerRoleForTarget').map((r) => /"(Dispatch|AlarmsOnAlarm)/.exec(r)?.[1]);
    expect(invoked.sort()).toEqual(['AlarmsOnAlarm', 'AlarmsOnAlarm', 'Dispatch', 'Dispatch']);
    expect(invokes('DispatchRole')).toEqual([expect.stringContaining('"RunChecks'), expect.stringContaining('"RunChecks')]);
    const [runChecks] = Object.keys(sample.findResources('AWS::Lambda::Function')).filter((id) => /^RunChecks[0-9A-F]/.test(id));
    sample.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: runChecks },
      MaximumEventAgeInSeconds: 300,
      MaximumRetryAttempts: 0,
    });
  });

  it('does not grow with the config: 600 checks, grouped or not, are one schedule per expression', () => {
    const checks = Array.from({ length: 600 }, (_, i) => ({
      id: `db-${i}`,
      kind: 'tcp',
      target: `db-${i}.internal:5432`,
      ...(i % 2 ? { group: `fleet-${i % 7}` } : {}),
      schedule: i % 3 ? 'rate(1 minute)' : 'rate(5 minutes)',
    }));
    const template = synth(parseConfig({ checks }));
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
  });

  it('gives the function time for its largest invocation', () => {
    const slow = parseConfig({ defaults: { concurrency: 10, timeoutMs: 30_000 }, checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] });
    // 50 checks in waves of 10, each up to 30 s, plus a margin.
    synth(slow).hasResourceProperties('AWS::Lambda::Function', { Timeout: 160 });
  });

  it('keeps state in an on-demand table with PITR, TTL, an outbox stream, and RETAIN', () => {
    sample.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'active' })],
      }),
    });
  });

  it('reads the stream into notify with batch item failures, bisection, bounded retries and an on-failure queue', () => {
    sample.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotifierDeadLetters'), 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { type: { S: ['check', 'brake'] } } } }) }] },
    });
  });

  it('publishes to KMS-encrypted topics that refuse plain HTTP', () => {
    sample.resourceCountIs('AWS::SNS::Topic', 3);
    sample.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingKey'), 'Arn'] } });
    sample.allResourcesProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    sample.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('subscribes an email address given as context', () => {
    const config = parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] });
    synth(config, { alertEmail: 'oncall@example.com' }).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('grants run-checks only what a round needs on the table: no scans, and no deletes but of bucket summaries', () => {
    expect(actionsOf(sample, 'RunChecks').filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(conditionsOf(sample, 'RunChecks', 'dynamodb:DeleteItem')).toEqual([{ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['BUCKET#*'] } }]);
  });

  it('grants notify its table actions, publishing to its three topics, and the key for them', () => {
    const actions = actionsOf(sample, 'NotifierFunction');
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'sns:Publish', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']),
    );
    for (const never of ['dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) expect(actions).not.toContain(never);
    expect(actions.filter((a) => a === 'sns:Publish')).toHaveLength(3);
    expect(actions).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('routes only the alarms the runbooks name to on-alarm, with retries and a dead-letter queue', () => {
    sample.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        // The config's alarms by the names they are deployed under; the team's own by name or prefix.
        detail: {
          alarmName: ['vigil-test-orders-api-5xx-rate', 'vigil-test-orders-api-degraded', 'vigil-test-orders-api-cpu-low', { prefix: 'orders-api-deploy-' }],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsOnAlarm'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsDeadLetters'), 'Arn'] } },
        }),
      ],
    });
  });

  it('names the functions people invoke by hand as the notifications do', () => {
    sample.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'vigil-test-remediate' });
    sample.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'vigil-test-on-alarm', Timeout: 600 });
    sample.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'vigil-test-incidents', Timeout: 30 });
  });

  it('lets the incidents function read and change incident state, and nothing else', () => {
    expect(actionsOf(sample, 'Incidents')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem', // the outside-writes marker, and only it

      'logs:CreateLogStream',
      'logs:PutLogEvents', // its own log group
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage', // its on-failure queue
    ]);
    expect(conditionsOf(sample, 'Incidents', 'dynamodb:UpdateItem')).toEqual([{ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } }]);
  });

  it('lets on-alarm page the escalation topic when it cannot record an alarm, and tell a scheduled run on the alerts topic', () => {
    const actions = actionsOf(sample, 'AlarmsOnAlarm');
    expect(actions.filter((a) => a === 'sns:Publish')).toHaveLength(2);
    for (const never of ['dynamodb:Scan', 'dynamodb:DeleteItem']) expect(actions).not.toContain(never);
    expect(conditionsOf(sample, 'AlarmsOnAlarm', 'dynamodb:UpdateItem')).toEqual([{ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONTROL'] } }]);
    const env = Object.values(sample.findResources('AWS::Lambda::Function')).find((f) => f.Properties.FunctionName === 'vigil-test-on-alarm')!.Properties
      .Environment.Variables;
    expect(env.ESCALATION_TOPIC_ARN).toEqual({ Ref: expect.stringMatching(/^AlertingEscalations/) });
    const publish = Object.values(policiesOf(sample))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('AlarmsOnAlarm')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => st.Action === 'sns:Publish');
    expect(publish.map((st: { Resource: unknown }) => st.Resource)).toEqual([
      { Ref: expect.stringMatching(/^AlertingEscalations/) },
      { Ref: expect.stringMatching(/^AlertingAlerts/) },
    ]);
  });

  it('lets on-alarm update only the configured ECS service, and read only what rollback needs', () => {
    const statements = Object.values(policiesOf(sample))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('AlarmsOnAlarm')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const update = statements.find((st: { Action: unknown }) => [st.Action].flat().includes('ecs:UpdateService'));
    expect(update.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':service/prod/orders-api']],
    });
    const listTasks = statements.find((st: { Action: unknown }) => st.Action === 'ecs:ListTasks');
    expect(listTasks.Condition.ArnEquals['ecs:cluster']).toBeDefined();
    const star = statements.filter((st: { Resource: unknown }) => st.Resource === '*').map((st: { Action: unknown }) => st.Action);
    // Only reads take "*", each because IAM accepts nothing narrower: ListTasks (held to the cluster by a condition), the
    // reads of the runbooks' checks and of scale-out's bounds, and ListStreams (the stream of check transitions); and
    // StopQuery, which takes a query id: it stops the Logs Insights query of waf-block-ips that its caller gave up on; and
    // the listing of the restore tests' copies among all instances and clusters, with their sources' snapshots.
    expect((star.flat() as string[]).filter((a) => !/^[a-z-]+:(Describe|Get|List)/.test(a) && a !== 'logs:StopQuery')).toEqual([]);
    expect(star).toEqual([
      'ecs:ListTasks',
      [
        'cloudwatch:GetMetricData',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTargetGroups',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScalingActivities',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
        'rds:DescribeDBClusters',
        'rds:DescribeDBClusterSnapshots',
        'rds:DescribeEvents',
        'logs:GetQueryResults',
        'logs:StopQuery',
      ],
      'dynamodb:ListStreams',
    ]);
  });

  it('creates no alarm rule when no runbook is configured', () => {
    synth(parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] })).resourceCountIs('AWS::Events::Rule', 0);
  });

  it("routes ECS's rollout events of the services the config names, and only those, to on-alarm", () => {
    const t = synth(
      parseConfig({
        checks: [{ id: 'a', kind: 'tcp', target: 'a:1', tags: { service: 'orders' } }],
        deployments: [{ service: 'prod/orders-api', tags: { service: 'orders' } }],
      }),
    );
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Deployment State Change'],
        resources: [
          {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':service/prod/orders-api']],
          },
        ],
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OnAlarm'), 'Arn'] } })],
    });
  });
});

describe('VigilStack: failure paths, blast radius and placement', () => {
  it('gives every function finite async retries and an on-failure queue', () => {
    const configs = Object.values(sample.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(configs).toHaveLength(Object.keys(sample.findResources('AWS::Lambda::Function')).length);
    for (const c of configs) {
      expect(c.Properties.MaximumRetryAttempts).toBeLessThanOrEqual(2);
      // A round's events (dispatch, run-checks) wait 5 minutes at most: the next round comes within its rate.
      expect([300, 3600]).toContain(c.Properties.MaximumEventAgeInSeconds);
      expect(c.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FunctionDeadLetters/), 'Arn'] });
    }
  });

  it('writes each function only to its own log group, with no managed policy', () => {
    for (const role of Object.values(sample.findResources('AWS::IAM::Role'))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const logs = Object.values(policiesOf(sample))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => [st.Action].flat().includes('logs:PutLogEvents'));
    for (const st of logs) expect(st.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] });
  });

  it('outputs what people and tools need after a deploy: the functions to invoke, the topics, the dashboard, the table and its stream', () => {
    const outputs = sample.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    expect(Object.keys(outputs).sort()).toEqual([
      'AlertsTopicArn',
      'DashboardUrl',
      'EscalationsTopicArn',
      'EventBusName',
      'HeartbeatUrl',
      'IncidentsFunction',
      'OnAlarmFunction',
      'RemediateFunction',
      'StakeholdersTopicArn',
      'StateTableName',
      'StateTableStreamArn',
      'StatusPageBucket',
    ]);
    expect(outputs.IncidentsFunction!.Value).toEqual({ Ref: expect.stringMatching(/^Incidents/) });
    expect(outputs.AlertsTopicArn!.Value).toEqual({ Ref: expect.stringMatching(/^AlertingAlerts/) });
    expect(JSON.stringify(outputs.DashboardUrl!.Value)).toContain('#dashboards:name=vigil-test');
    for (const o of Object.values(outputs)) expect(o.Description).toMatch(/\w/);
  });

  it('writes the status page to a private, encrypted, TLS-only bucket, where notify may put its three files and nothing else', () => {
    sample.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    sample.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const writers = Object.entries(policiesOf(sample)).filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('s3:PutObject'));
    expect(writers.map(([id]) => id)).toEqual([expect.stringMatching(/^NotifierFunction/)]);
    const put = (writers[0]![1].Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown[] }[]).find((st) => st.Action === 's3:PutObject')!;
    expect(JSON.stringify(put.Resource)).toMatch(/index\.html.*summary\.json.*feed\.atom/);
    expect(put.Resource).toHaveLength(3);
  });

  it('serves the status page through CloudFront when asked, the bucket reached only by that distribution', () => {
    const app = new App(noBundling);
    const config = parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1', tags: { service: 'orders' } }], statusPage: { cloudfront: true } });
    const t = Template.fromStack(new VigilStack(app, 'Cdn', { config, environmentName: 'cdn' }));
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    expect(Object.keys(t.toJSON().Outputs)).toContain('StatusPageUrl');
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ STATUS_PAGE_URL: Match.anyValue() }) } });
  });

  it('lets notify open and move OpsItems only when the config asks for them', () => {
    const withOps = (opsCenter: boolean) => {
      const app = new App(noBundling);
      const config = parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }], ...(opsCenter ? { incidents: { opsCenter: {} } } : {}) });
      return actionsOf(Template.fromStack(new VigilStack(app, `Ops${opsCenter}`, { config, environmentName: 'ops' })), 'NotifierFunction');
    };
    expect(withOps(true)).toEqual(expect.arrayContaining(['ssm:CreateOpsItem', 'ssm:DescribeOpsItems', 'ssm:UpdateOpsItem']));
    expect(withOps(false).filter((a) => a.startsWith('ssm:'))).toEqual([]);
  });

  it('has an event bus for hand-offs, which notify alone may put events on', () => {
    sample.hasResourceProperties('AWS::Events::EventBus', { Name: 'vigil-test-incidents' });
    const puts = Object.entries(policiesOf(sample)).filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('events:PutEvents'));
    expect(puts.map(([id]) => id)).toEqual([expect.stringMatching(/^NotifierFunction/)]);
    const statement = (puts[0]![1].Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).find(
      (st) => st.Action === 'events:PutEvents',
    );
    expect(statement?.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Handoffs/), 'Arn'] });
  });

  it('gives each heartbeat a generated token, and its endpoint a public URL whose role may write heartbeat reports only', () => {
    const secrets = Object.values(sample.findResources('AWS::SecretsManager::Secret')).map((s) => s.Properties);
    expect(secrets.map((p) => p.Name).sort()).toEqual([
      'vigil-test/heartbeat/billing-db-backup',
      'vigil-test/heartbeat/billing-db-hygiene',
      'vigil-test/heartbeat/certificate-renewal',
    ]);
    for (const p of secrets) expect(p.GenerateSecretString).toMatchObject({ PasswordLength: 40, ExcludePunctuation: true });
    sample.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    const statements = Object.values(policiesOf(sample))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith('HeartbeatsFunction')))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const put = statements.find((st: { Action: unknown }) => st.Action === 'dynamodb:PutItem');
    expect(put.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HEARTBEAT#*'] } });
    // Nothing else on the table: no reads, no deletes.
    expect((statements.flatMap((st: { Action: unknown }) => [st.Action].flat()) as string[]).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:PutItem',
    ]);
    expect(statements.filter((st: { Action: unknown }) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))).toHaveLength(3);
  });

  it('leaves nothing behind on destroy that would stop the next deploy: only the state table is kept', () => {
    const policies = (type: string) => Object.values(sample.findResources(type)).map((r) => r.DeletionPolicy ?? 'Delete');
    expect(policies('AWS::Scheduler::ScheduleGroup')).toEqual(['Delete']);
    expect(policies('AWS::KMS::Key')).toEqual(['Delete']);
    expect(new Set(policies('AWS::Logs::LogGroup'))).toEqual(new Set(['Delete']));
    expect(policies('AWS::DynamoDB::Table')).toEqual(['Retain']);
  });

  it('reattaches to the table a destroyed stack kept, by its name and stream', () => {
    const app = new App(noBundling);
    const streamArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Vigil-prod-StateTable0B2B5E5C-1ABCD/stream/2026-11-23T03:00:00.000';
    const existingTable = { name: 'Vigil-prod-StateTable0B2B5E5C-1ABCD', streamArn };
    const reattached = Template.fromStack(
      new VigilStack(app, 'Again', { config: parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] }), environmentName: 'prod', existingTable }),
    );
    reattached.resourceCountIs('AWS::DynamoDB::Table', 0);
    reattached.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: streamArn });
    const envs = Object.values(reattached.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables.TABLE_NAME);
    // Every function but dispatch, which only starts run-checks.
    expect(new Set(envs)).toEqual(new Set([existingTable.name, undefined]));
  });

  it('reserves no concurrency by default, so it deploys in an account of any limit; caps the functions that act when asked', () => {
    // Lambda keeps 100 executions unreserved: reserving 14 would fail in any account whose limit is under 114.
    const reserved = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::Function'))
        .map((f) => [f.Properties.FunctionName, f.Properties.ReservedConcurrentExecutions])
        .filter(([, r]) => r);
    expect(reserved(sample)).toEqual([]);
    const app = new App(noBundling);
    const capped = Template.fromStack(
      new VigilStack(app, 'Capped', {
        config: parseConfig({ checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] }),
        environmentName: 'test',
        reserveConcurrency: true,
      }),
    );
    expect(reserved(capped)).toEqual([
      ['vigil-test-incidents', 2],
      ['vigil-test-on-alarm', 10],
      ['vigil-test-remediate', 2],
    ]);
    // With heartbeats, the public URL is capped too: 19 reserved, so the account needs 119 (VigilProps and the README say so).
    const withHeartbeats = Template.fromStack(
      new VigilStack(new App(noBundling), 'Capped', {
        config: parseConfig({ checks: [{ id: 'nightly', kind: 'heartbeat', periodMinutes: 1440 }] }),
        environmentName: 'test',
        reserveConcurrency: true,
      }),
    );
    const total = Object.values(withHeartbeats.findResources('AWS::Lambda::Function')).reduce(
      (n, f) => n + (f.Properties.ReservedConcurrentExecutions ?? 0),
      0,
    );
    expect(total).toBe(19);
  });

  it('places only the checks marked for the VPC in a function in its subnets, allowed out to their ports and HTTPS', () => {
    const network = {
      vpcId: 'vpc-0a1b2c3d',
      subnets: [
        { id: 'subnet-0a1', availabilityZone: 'eu-west-1a' },
        { id: 'subnet-0b2', availabilityZone: 'eu-west-1b' },
      ],
    };
    const t = synth(
      parseConfig({
        network,
        checks: [
          { id: 'edge', kind: 'http', target: 'https://example.com' },
          { id: 'db', kind: 'tcp', target: 'db.internal:5432', network: 'vpc', group: 'db' },
          { id: 'pool', kind: 'pg', target: 'pgbouncer.internal:6432/orders', password: { env: 'PW' }, network: 'vpc', group: 'db' },
        ],
      }),
    );
    const functions = Object.entries(t.findResources('AWS::Lambda::Function'));
    const inVpc = functions.filter(([, f]) => f.Properties.VpcConfig).map(([id]) => id);
    expect(inVpc).toEqual([expect.stringMatching(/^RunChecksVpc/)]);
    const vpcFn = functions.find(([id]) => id.startsWith('RunChecksVpc'))![1];
    expect(vpcFn.Properties.VpcConfig.SubnetIds).toEqual(['subnet-0a1', 'subnet-0b2']);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0a1b2c3d',
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ FromPort: 443, ToPort: 443 }),
        Match.objectLike({ FromPort: 5432, ToPort: 5432 }),
        Match.objectLike({ FromPort: 6432, ToPort: 6432 }),
      ]),
    });
    // The dispatch function sends each bucket to its network's function (the plan's buckets: test/config/schedule-plan.test.ts).
    const dispatch = functions.find(([id]) => id.startsWith('Dispatch'))![1];
    expect(dispatch.Properties.Environment.Variables).toMatchObject({
      RUN_CHECKS_FUNCTION: { Ref: expect.stringMatching(/^RunChecks[0-9A-F]/) },
      RUN_CHECKS_VPC_FUNCTION: { Ref: expect.stringMatching(/^RunChecksVpc/) },
    });
  });

  it('places the alarm and remediate functions in the VPC when a remediation acts on a database there', () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1', availabilityZone: 'eu-west-1a' }] };
    const db = { target: 'db.internal:5432/orders', password: { env: 'PW' } };
    const t = synth(
      parseConfig({
        network,
        checks: [{ id: 'idle', kind: 'pg', ...db, measure: 'idle-in-transaction', network: 'vpc' }],
        remediations: [{ id: 'kill', kind: 'pg-terminate-idle', ...db }],
        runbooks: [{ id: 'rb', match: { alarmNames: ['idle-tx'] }, steps: [{ act: 'kill' }, { verify: { check: 'idle' } }] }],
      }),
    );
    const inVpc = Object.values(t.findResources('AWS::Lambda::Function'))
      .filter((f) => f.Properties.VpcConfig)
      .map((f) => f.Properties.FunctionName ?? 'run-checks-vpc')
      .sort();
    expect(inVpc).toEqual(['run-checks-vpc', 'vigil-test-on-alarm', 'vigil-test-remediate']);
  });

  it("lets each function read only the secrets of the checks it runs: the public one none of the VPC checks' ones", () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1', availabilityZone: 'eu-west-1a' }] };
    const secret = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}`;
    const t = synth(
      parseConfig({
        network,
        checks: [
          { id: 'edge', kind: 'http', target: 'https://example.com' },
          { id: 'orders-db', kind: 'pg', target: 'orders.internal:5432/orders', password: { secret: secret('orders-db-AbCdEf') }, network: 'vpc' },
          { id: 'billing-db', kind: 'pg', target: 'billing.example.com:5432/billing', password: { secret: secret('billing-db-GhIjKl') } },
        ],
      }),
    );
    const secretsOf = (prefix: string) =>
      Object.values(policiesOf(t))
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(prefix)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st: { Action: unknown }) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))
        .flatMap((st: { Resource: unknown }) => [st.Resource].flat());
    expect(secretsOf('RunChecksRole')).toEqual([secret('billing-db-GhIjKl')]);
    expect(secretsOf('RunChecksVpcRole')).toEqual([secret('orders-db-AbCdEf')]);
  });

  it('lets the checked ports out only to private addresses, or to the CIDR the config names; HTTPS anywhere', () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1', availabilityZone: 'eu-west-1a' }] };
    const checks = [{ id: 'db', kind: 'tcp' as const, target: 'db.internal:5432', network: 'vpc' as const }];
    const egress = (t: Template) =>
      (Object.values(t.findResources('AWS::EC2::SecurityGroup'))[0]!.Properties.SecurityGroupEgress as { CidrIp: string; FromPort: number }[])
        .map((e) => `${e.FromPort} ${e.CidrIp}`)
        .sort();
    expect(egress(synth(parseConfig({ network, checks })))).toEqual(['443 0.0.0.0/0', '5432 10.0.0.0/8', '5432 172.16.0.0/12', '5432 192.168.0.0/16']);
    expect(egress(synth(parseConfig({ network: { ...network, cidr: '10.20.0.0/16' }, checks })))).toEqual(['443 0.0.0.0/0', '5432 10.20.0.0/16']);
  });

  it('uses the security groups the config names instead of making one', () => {
    const network = { vpcId: 'vpc-0a1b2c3d', subnets: [{ id: 'subnet-0a1', availabilityZone: 'eu-west-1a' }], securityGroupIds: ['sg-0f00'] };
    const t = synth(parseConfig({ network, checks: [{ id: 'db', kind: 'tcp', target: 'db.internal:5432', network: 'vpc' }] }));
    t.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    t.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: { SecurityGroupIds: ['sg-0f00'], SubnetIds: ['subnet-0a1'] } });
  });
});

describe('VigilStack: database credentials', () => {
  it('lets the functions that run checks read exactly the secrets the checks name, and no other function', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-vigil-AbCdEf';
    const t = synth(
      parseConfig({
        checks: [
          { id: 'db', kind: 'pg', target: 'db.internal:5432/orders', password: { secret: arn } },
          { id: 'db2', kind: 'pg', target: 'db2.internal:5432/billing', password: { secret: 'billing-db-vigil' } },
        ],
      }),
    );
    const granting = Object.values(policiesOf(t)).filter((p) =>
      p.Properties.PolicyDocument.Statement.some((st: { Action: unknown }) => st.Action === 'secretsmanager:GetSecretValue'),
    );
    // No runbook runs these checks, so the alarm and remediate functions may not read their secrets.
    expect(granting.map((p) => p.Properties.Roles[0].Ref.replace(/Role.*$/, '')).sort()).toEqual(['RunChecks']);
    const statement = granting[0]!.Properties.PolicyDocument.Statement.find((st: { Action: unknown }) => st.Action === 'secretsmanager:GetSecretValue');
    expect(statement.Resource).toEqual([
      arn,
      {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:billing-db-vigil-??????'],
        ],
      },
    ]);
  });
});

describe('VigilStack: runbooks started by checks', () => {
  const base = {
    checks: [
      { id: 'billing-db-idle-tx', kind: 'pg', target: 'db.internal:5432/billing', password: { env: 'PW' }, measure: 'idle-in-transaction' },
      { id: 'api-health', kind: 'http', target: 'https://api.example.com/health' },
    ],
    remediations: [{ id: 'kill-idle', kind: 'pg-terminate-idle', target: 'db.internal:5432/billing', password: { env: 'PW' } }],
  };

  it("reads the state table's stream into on-alarm, from now on, one record at a time, only the writes of failing checks (the function picks the runbook's)", () => {
    const t = synth(
      parseConfig({ ...base, runbooks: [{ id: 'idle', match: { checks: { ids: ['billing-db-idle-tx'] } }, steps: [{ act: 'kill-idle' }, { verify: {} }] }] }),
    );
    const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'));
    const onAlarm = mappings.filter((m) => JSON.stringify(m.Properties.FunctionName).includes('OnAlarm'));
    expect(onAlarm).toHaveLength(1);
    expect(onAlarm[0]!.Properties).toMatchObject({
      StartingPosition: 'LATEST',
      BatchSize: 1,
      ParallelizationFactor: 10,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(JSON.parse(onAlarm[0]!.Properties.FilterCriteria.Filters[0].Pattern)).toEqual({
      dynamodb: { NewImage: { type: { S: ['check'] }, failing: { BOOL: [true] } } },
    });
    expect(onAlarm[0]!.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
    // No alarm is answered, so no EventBridge rule; the on-alarm function carries the driver its verify step needs.
    t.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('adds no second reader of the stream when no runbook is started by a check', () => {
    const t = synth(parseConfig({ ...base, runbooks: [{ id: 'idle', match: { alarmNames: ['idle-tx'] }, steps: [{ act: 'kill-idle' }] }] }));
    const onAlarm = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties.FunctionName).includes('OnAlarm'),
    );
    expect(onAlarm).toHaveLength(0);
  });
});

describe('VigilStack: HTTP credentials', () => {
  it('lets the run-checks function read the secrets an HTTP check takes its headers and Basic auth from', () => {
    const t = synth(
      parseConfig({
        checks: [
          { id: 'api', kind: 'http', target: 'https://api.example.com/health', headers: { 'X-Api-Key': { secret: 'api-key' }, Accept: 'application/json' } },
          { id: 'admin', kind: 'http', target: 'https://admin.example.com/health', basicAuth: { user: 'ops', password: { secret: 'admin-basic' } } },
        ],
      }),
    );
    const granted = Object.values(policiesOf(t))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => st.Action === 'secretsmanager:GetSecretValue')
      .flatMap((st: { Resource: unknown }) => [st.Resource].flat());
    expect(JSON.stringify(granted)).toMatch(/:secret:api-key-\?{6}".*:secret:admin-basic-\?{6}"/);
  });
});

describe('VigilStack: DocumentDB', () => {
  it('reads only the configured cluster, creates only Vigil-named snapshots of it, and fails over only it', () => {
    const t = synth(
      parseConfig({
        checks: [{ id: 'docdb', kind: 'docdb-cluster', target: 'orders-docdb' }],
        remediations: [
          { id: 'snap', kind: 'docdb-snapshot', target: 'orders-docdb' },
          { id: 'fo', kind: 'docdb-failover', target: 'orders-docdb', mode: 'propose' },
        ],
        runbooks: [{ id: 'rb', match: { alarmNames: ['docdb-down'] }, steps: [{ act: 'snap' }, { act: 'fo' }] }],
      }),
    );
    const statements = Object.values(policiesOf(t)).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const resourcesOf = (action: string) =>
      JSON.stringify(statements.filter((st: { Action: unknown }) => [st.Action].flat().includes(action)).map((st: { Resource: unknown }) => st.Resource));
    expect(resourcesOf('rds:FailoverDBCluster')).toContain(':cluster:orders-docdb');
    expect(resourcesOf('rds:FailoverDBCluster')).not.toContain('*');
    expect(resourcesOf('rds:CreateDBClusterSnapshot')).toContain(':cluster-snapshot:vigil-orders-docdb-*');
    expect(resourcesOf('rds:DescribeDBClusters')).not.toContain('*');
  });
});

describe('VigilStack at scale', () => {
  // The synth with every function bundled is bench/synth-run.ts's (npm run bench): about 45 s for 100,000 checks.
  it("deploys 100,000 checks, half of them without a group, in one schedule per expression, far inside CloudFormation's limits", () => {
    const checks = Array.from({ length: 100_000 }, (_, i) => ({
      id: `db-${i}`,
      kind: 'tcp' as const,
      target: `db-${i}.internal:5432`,
      ...(i % 2 ? { group: `fleet-${i % 10}` } : {}),
      schedule: 'rate(1 minute)',
    }));
    const t = synth(parseConfig({ checks }));
    expect(Object.keys(t.findResources('AWS::Scheduler::Schedule'))).toHaveLength(1);
    expect(Object.keys(t.toJSON().Resources).length).toBeLessThan(100);
    expect(Buffer.byteLength(JSON.stringify(t.toJSON(), undefined, 1))).toBeLessThan(150_000);
  }, 60_000);
});

describe('VigilStack: who watches the watcher', () => {
  // Vigil's alarms on itself, not the sample config's alarms section (test/infra/config-alarms.test.ts), deployed under the same prefix.
  let configAlarms: Set<string>;
  beforeAll(async () => void (configAlarms = new Set((await loadConfigFile('vigil.config.ts')).alarms.map((a) => `vigil-test-${a.id}`))));
  const alarms = () =>
    Object.values(sample.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => String(a.Properties.AlarmName).startsWith('vigil-test-') && !configAlarms.has(a.Properties.AlarmName),
    );

  it("alarms to the alerts topic on every function's errors, throttles, every dead-letter queue, failing schedules and a stream falling behind", () => {
    const names = alarms()
      .map((a) => a.Properties.AlarmName)
      .sort();
    expect(names).toEqual(
      [
        'alarm-rule-dlq-dead-letters',
        'dispatch-errors',
        'function-dlq-dead-letters',
        'functions-throttled',
        'heartbeat-errors',
        'heartbeat-flood',
        'incidents-errors',
        'notify-dlq-dead-letters',
        'notify-errors',
        'notify-stream-behind',
        'on-alarm-errors',
        'on-alarm-stream-behind',
        'remediate-errors',
        'run-checks-errors',
        'schedule-dlq-dead-letters',
        'schedules-failing',
      ]
        .map((n) => `vigil-test-${n}`)
        .sort(),
    );
    for (const a of alarms()) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlertingAlerts/) }]);
      expect(a.Properties).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  it('fills the gaps of sparse metrics with zero, so a sum of them can fire', () => {
    const byName = (n: string) => alarms().find((a) => a.Properties.AlarmName === `vigil-test-${n}`)!.Properties;
    for (const name of ['schedules-failing', 'functions-throttled']) {
      const [expression] = byName(name).Metrics.filter((m: { Expression?: string }) => m.Expression);
      expect(expression.Expression).toMatch(/^FILL\(\w+, 0\)( \+ FILL\(\w+, 0\))+$/);
    }
    // Every function's, the public heartbeat URL's included.
    expect(
      byName('functions-throttled').Metrics.filter((m: { MetricStat?: { Metric: { MetricName: string } } }) => m.MetricStat?.Metric.MetricName === 'Throttles'),
    ).toHaveLength(7);
  });

  it("alarms when notify falls five minutes behind the state table's stream", () => {
    const behind = alarms().find((a) => a.Properties.AlarmName === 'vigil-test-notify-stream-behind')!.Properties;
    expect(behind).toMatchObject({ MetricName: 'IteratorAge', Namespace: 'AWS/Lambda', Statistic: 'Maximum', Threshold: 300_000 });
    expect(behind.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^NotifierFunction/) } }]);
  });

  it('lets CloudWatch alarms of this account, and only those, publish to the alerts topic and use its key', () => {
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    sample.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: fromThisAccount }),
        ]),
      },
    });
    // A topic policy replaces SNS's default one: without this statement the alarms' actions fail.
    const policies = Object.values(sample.findResources('AWS::SNS::TopicPolicy'));
    const alerts = policies.find((p) => JSON.stringify(p.Properties.Topics).includes('AlertingAlerts'))!;
    expect(alerts.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: fromThisAccount }),
      ]),
    );
  });

  it('draws a dashboard of check outcomes, open incidents, remediations, function errors and durations, and queue depths', () => {
    const [dashboard] = Object.values(sample.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const title of [
      'Check outcomes',
      'Open incidents',
      'Remediations by outcome',
      'Function errors',
      'Function duration p99',
      'Dead-letter queue depth',
      'Schedules',
    ]) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
    expect(body).toContain('\\"Vigil\\",\\"CheckOutcomes\\"');
    // Every verdict a run ends with, and every message sent: none is left off the dashboard.
    for (const verdict of RUNBOOK_VERDICTS) expect(body).toContain(`\\"Verdict\\",\\"${verdict}\\"`);
    expect(body).toContain('\\"title\\":\\"Notifications sent, by transition\\"');
    for (const kind of TRANSITION_KINDS) expect(body).toMatch(new RegExp(`\\\\"Notifications\\\\",[^\\]]*\\\\"${kind}\\\\"`));
  });

  it("raises an autoscaling maximum only on ECS services' desired count: scalable target ids are AWS's, so conditions hold it", () => {
    const t = synth(
      parseConfig({
        checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }],
        remediations: [{ id: 'scale', kind: 'ecs-scale-out', target: 'prod/orders-api', max: 10, raiseMaxTo: 12 }],
      }),
    );
    const statements = Object.values(policiesOf(t)).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[],
    );
    const register = statements.filter((st) => [st.Action].flat().includes('application-autoscaling:RegisterScalableTarget'));
    expect(register.length).toBeGreaterThan(0);
    for (const st of register)
      expect(st.Condition).toEqual({
        StringEquals: { 'application-autoscaling:service-namespace': ['ecs'], 'application-autoscaling:scalable-dimension': ['ecs:service:DesiredCount'] },
      });
  });
});

describe("Vigil as a construct in a team's own CDK app", () => {
  it("adds two Vigils to one stack of the team's, each with its own functions, schedules and dashboard", () => {
    const app = new App(noBundling);
    const stack = new Stack(app, 'Platform');
    for (const env of ['staging', 'prod'])
      new Vigil(stack, `Vigil-${env}`, {
        config: parseConfig({ checks: [{ id: `${env}-api`, kind: 'http', target: `https://${env}.example.com/health` }] }),
        environmentName: env,
      });
    const t = Template.fromStack(stack);
    const names = Object.values(t.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties.FunctionName)
      .filter(Boolean)
      .sort();
    expect(names).toEqual([
      'vigil-prod-incidents',
      'vigil-prod-on-alarm',
      'vigil-prod-remediate',
      'vigil-staging-incidents',
      'vigil-staging-on-alarm',
      'vigil-staging-remediate',
    ]);
    expect(
      Object.values(t.findResources('AWS::Scheduler::ScheduleGroup'))
        .map((g) => g.Properties.Name)
        .sort(),
    ).toEqual(['vigil-prod', 'vigil-staging']);
    expect(
      Object.values(t.findResources('AWS::CloudWatch::Dashboard'))
        .map((d) => d.Properties.DashboardName)
        .sort(),
    ).toEqual(['vigil-prod', 'vigil-staging']);
    t.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  it('notifies through topics the team already has, granting publish on them and making none', () => {
    const app = new App(noBundling);
    const stack = new Stack(app, 'Platform', { env: { account: '123456789012', region: 'eu-west-1' } });
    const topics = {
      alerts: Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:oncall'),
      escalations: Topic.fromTopicArn(stack, 'Escalations', 'arn:aws:sns:eu-west-1:123456789012:leads'),
      stakeholders: Topic.fromTopicArn(stack, 'Stakeholders', 'arn:aws:sns:eu-west-1:123456789012:status'),
    };
    const config = parseConfig({
      checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }],
      incidents: { escalation: [{ name: 'secondary' }, { name: 'lead', topic: 'arn:aws:sns:eu-west-1:123456789012:head-of-ops' }] },
    });
    const vigil = new Vigil(stack, 'Vigil', { config, environmentName: 'prod', topics });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 0);
    expect(vigil.alerts).toBe(topics.alerts);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:oncall',
          ESCALATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:leads',
        }),
      },
    });
    const published = Object.values(policiesOf(t))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: unknown }) => s.Action === 'sns:Publish')
      .map((s: { Resource: string }) => s.Resource);
    // The escalation chain's level with a topic of its own is granted too.
    expect(new Set(published)).toEqual(new Set(['oncall', 'leads', 'status', 'head-of-ops'].map((name) => `arn:aws:sns:eu-west-1:123456789012:${name}`)));
  });
});
