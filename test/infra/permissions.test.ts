import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DocDBClient,
  CreateDBClusterSnapshotCommand,
  FailoverDBClusterCommand,
} from '@aws-sdk/client-docdb';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateDBClusterSnapshotCommand as CreateRdsClusterSnapshot,
  CreateDBSnapshotCommand,
  DescribeDBClustersCommand as DescribeRdsClusters,
  DescribeDBInstancesCommand as DescribeRdsInstances,
  DescribeDBClusterSnapshotsCommand as DescribeRdsClusterSnapshots,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  DescribePendingMaintenanceActionsCommand,
  FailoverDBClusterCommand as FailoverRdsCluster,
  RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
} from '@aws-sdk/client-cloudfront';
import { CloudWatchLogsClient, FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkDocdb } from '../../shared/aws/docdb.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { SdkAutoscaling } from '../../shared/aws/autoscaling.js';
import { SdkCloudfront } from '../../shared/aws/cloudfront.js';
import { SdkElb } from '../../shared/aws/elb.js';
import { SdkLogs } from '../../shared/aws/logs.js';
import { literalArns } from '../../shared/permissions.js';
import { actionsCalled, undeclaredCalls } from '../support/declared-calls.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeRegistry } from '../../shared/probes/index.js';
import { remediationRegistry } from '../../shared/remediations/index.js';
import { runOne } from '../support/checks.js';
import { cluster, instances } from '../support/docdb-fixtures.js';
import { mockDeploymentHistory, service } from '../support/ecs-fixtures.js';
import { systemClock } from '../../shared/clock.js';

// The calls of the kinds whose own tests do not hold them to their permissions (test/support/declared-calls.ts):
// each here takes its longest path against the SDK mocks.

const ecs = mockClient(ECSClient);
const cloudwatch = mockClient(CloudWatchClient);
const docdb = mockClient(DocDBClient);
const rds = mockClient(RDSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const aas = mockClient(ApplicationAutoScalingClient);
const logs = mockClient(CloudWatchLogsClient);
const cloudfront = mockClient(CloudFrontClient);
const aws = {
  ecs: new SdkEcs({ region: 'eu-west-1' }),
  metrics: new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' })),
  docdb: new SdkDocdb({ region: 'eu-west-1' }),
  rds: new SdkRds({ region: 'eu-west-1' }),
  elb: new SdkElb({ region: 'eu-west-1' }),
  autoscaling: new SdkAutoscaling({ region: 'eu-west-1' }),
  logs: new SdkLogs({ region: 'eu-west-1' }, 1),
  cloudfront: new SdkCloudfront(),
} as unknown as AwsPorts;
const arns = literalArns();

beforeEach(() => {
  for (const m of mocks) m.reset();
  // Fewer running than desired: the probe also reads the stopped tasks.
  ecs.on(DescribeServicesCommand).resolves({ services: [service({ runningCount: 1 })] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
  ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/0f1e2d3c'] });
  ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
  mockDeploymentHistory(ecs);
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'value', Values: [1], Timestamps: [new Date()], StatusCode: 'Complete' }] });
  docdb.on(DescribeDBClustersCommand).resolves(cluster());
  docdb.on(DescribeDBInstancesCommand).resolves(instances());
  docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      { DBClusterSnapshotIdentifier: 'rds:orders-docdb-2026-12-01', Status: 'available', SnapshotType: 'automated', SnapshotCreateTime: new Date() },
    ],
  });
  docdb
    .on(CreateDBClusterSnapshotCommand)
    .callsFake((input) => ({ DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating' } }));
  docdb.on(FailoverDBClusterCommand).resolves({ DBCluster: cluster('failing-over').DBClusters![0] });
  // An Aurora cluster and an RDS instance that pass, so each path runs to its end.
  rds.on(DescribeRdsClusters).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: 'orders-aurora',
        Status: 'available',
        DBClusterMembers: [
          { DBInstanceIdentifier: 'orders-aurora-1', IsClusterWriter: true },
          { DBInstanceIdentifier: 'orders-aurora-2', IsClusterWriter: false },
        ],
      },
    ],
  });
  rds
    .on(DescribeRdsInstances)
    .resolves({ DBInstances: ['orders-aurora-1', 'orders-aurora-2'].map((id) => ({ DBInstanceIdentifier: id, DBInstanceStatus: 'available' })) });
  rds
    .on(DescribeRdsInstances, { DBInstanceIdentifier: 'orders-db' })
    .resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-db', DBInstanceStatus: 'available' }] });
  rds.on(DescribePendingMaintenanceActionsCommand).resolves({ PendingMaintenanceActions: [] });
  rds
    .on(CreateRdsClusterSnapshot)
    .callsFake((input) => ({ DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating' } }));
  rds.on(CreateDBSnapshotCommand).callsFake((input) => ({ DBSnapshot: { DBSnapshotIdentifier: input.DBSnapshotIdentifier, Status: 'creating' } }));
  rds.on(FailoverRdsCluster).resolves({});
  rds.on(RebootDBInstanceCommand).resolves({});
  rds.on(DescribeEventsCommand).resolves({ Events: [] });
  // A target group by name; a service at its autoscaling maximum (so CPU is read too, and the maximum raised).
  elb
    .on(DescribeTargetGroupsCommand)
    .resolves({ TargetGroups: [{ TargetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/orders-api/943f017f100becff' }] });
  elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: '10.0.1.10', Port: 8080 }, TargetHealth: { State: 'healthy' } }] });
  aas.on(DescribeScalableTargetsCommand).resolves({
    ScalableTargets: [
      {
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/orders-api',
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 3,
        RoleARN: 'r',
        CreationTime: new Date(),
      },
    ],
  });
  aas.on(DescribeScalingPoliciesCommand).resolves({ ScalingPolicies: [] });
  aas.on(DescribeScalingActivitiesCommand).resolves({ ScalingActivities: [] });
  aas.on(RegisterScalableTargetCommand).resolves({});
  logs.on(FilterLogEventsCommand).resolves({ events: [] });
  logs.on(StartQueryCommand).resolves({ queryId: 'q' });
  logs.on(GetQueryResultsCommand).resolves({ status: 'Complete', results: [] });
  cloudfront
    .on(GetDistributionCommand)
    .resolves({ Distribution: { Id: 'E2QWRUHAPOMQZL', Status: 'Deployed', DomainName: 'd1.cloudfront.net', DistributionConfig: { Enabled: true } } as never });
  cloudfront
    .on(CreateInvalidationCommand)
    .resolves({ Invalidation: { Id: 'I1', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: undefined as never } });
  cloudfront.on(ListInvalidationsCommand).resolves({
    InvalidationList: { Marker: '', MaxItems: 20, IsTruncated: false, Quantity: 1, Items: [{ Id: 'I1', CreateTime: new Date(), Status: 'InProgress' }] },
  });
  cloudfront.on(GetInvalidationCommand).resolves({
    Invalidation: {
      Id: 'I1',
      Status: 'InProgress',
      CreateTime: new Date(),
      InvalidationBatch: { Paths: { Quantity: 1, Items: ['/*'] }, CallerReference: 'other' },
    },
  });
  rds
    .on(DescribeDBSnapshotsCommand)
    .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'rds:orders-db-2026-12-01', Status: 'available', SnapshotCreateTime: new Date() }] });
  rds
    .on(DescribeRdsClusterSnapshots)
    .resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: 'rds:orders-aurora-2026-12-01', Status: 'available', SnapshotCreateTime: new Date() }] });
});

const mocks = [ecs, cloudwatch, docdb, rds, elb, aas, logs, cloudfront];

/** A plug-in test that holds its kind to its permissions: it calls `undeclaredCalls` and names the kind. */
function checkedByOwnTest(kind: string): boolean {
  return ['test/probes', 'test/remediations'].some((folder) =>
    readdirSync(folder).some((file) => {
      const code = readFileSync(join(folder, file), 'utf8');
      return code.includes('undeclaredCalls(') && code.includes(`'${kind}'`);
    }),
  );
}

/** A check of each kind that reads AWS, set up to take its longest path. */
const checks: Record<string, Record<string, unknown>> = {
  'ecs-service': { target: 'prod/orders-api' },
  metric: { target: 'app/prod-alb/1', preset: 'alb-5xx-rate' },
  'docdb-cluster': { target: 'orders-docdb' },
  rds: { target: 'orders-aurora', scope: 'cluster' },
  'lb-targets': { target: 'orders-api' },
  'ecs-autoscaling': { target: 'prod/orders-api' },
  logs: { target: '/ecs/orders-api', query: 'filter @message like /ERROR/' },
};
/** Kinds whose other settings take another path with other calls: each is checked too. */
const otherPaths: [string, Record<string, unknown>][] = [
  ['rds', { target: 'orders-db', measure: 'backup' }],
  ['logs', { target: '/ecs/orders-api', pattern: 'ERROR' }],
];
const remediations: Record<string, Record<string, unknown>> = {
  'ecs-restart': { target: 'prod/orders-api' },
  'ecs-scale-out': { target: 'prod/orders-api', step: 1, max: 10, raiseMaxTo: 6 },
  'ecs-rollback': { target: 'prod/orders-api' },
  'docdb-snapshot': { target: 'orders-docdb' },
  'docdb-failover': { target: 'orders-docdb' },
  'rds-snapshot': { target: 'orders-aurora', scope: 'cluster' },
  'rds-failover': { target: 'orders-aurora' },
  'rds-reboot': { target: 'orders-db' },
  'cloudfront-invalidate': { target: 'E2QWRUHAPOMQZL', paths: ['/*'] },
};

describe('what each probe and remediation declares it needs', () => {
  it('has a case here for every kind that calls AWS whose own test does not check its calls (Secrets Manager is granted from the settings)', () => {
    const callsAws = (uses: { aws?: readonly string[] } | undefined) => (uses?.aws ?? []).some((c) => c !== 'secrets');
    const uncovered = (kinds: string[], here: Record<string, unknown>) => kinds.filter((kind) => !(kind in here) && !checkedByOwnTest(kind)).sort();
    expect(
      uncovered(
        [...probeRegistry.values()].filter((p) => callsAws(p.uses)).map((p) => p.kind),
        checks,
      ),
    ).toEqual([]);
    expect(
      uncovered(
        [...remediationRegistry.values()].filter((r) => callsAws(r.uses)).map((r) => r.kind),
        remediations,
      ),
    ).toEqual([]);
  });

  it.each([...Object.entries(checks), ...otherPaths])('the %s probe calls nothing it did not declare (%o)', async (kind, settings) => {
    const probe = probeRegistry.get(kind)!;
    const finding = await runOne({ kind, ...settings } as never, { aws, clock: systemClock });
    expect(finding.status, finding.summary).not.toBe('error');
    expect(actionsCalled(mocks).length).toBeGreaterThan(0);
    expect(undeclaredCalls(probe, settings, mocks)).toEqual([]);
  });

  it.each(Object.entries(remediations))('the %s remediation plans, acts and reads back with nothing it did not declare', async (kind, settings) => {
    const remediation = remediationRegistry.get(kind)!;
    const parsed = remediation.settings.parse(settings);
    const plan = await remediation.plan(parsed as never, { aws, clock: systemClock });
    await remediation.execute(parsed as never, plan, { aws, clock: systemClock });
    await remediation.reconcile(parsed as never, plan, { aws, clock: systemClock });
    expect(undeclaredCalls(remediation, settings, mocks)).toEqual([]);
  });

  it('says why each wildcard is as narrow as IAM allows', () => {
    const all = [
      ...Object.entries(checks).flatMap(([kind, s]) => probeRegistry.get(kind)!.permissions!(probeRegistry.get(kind)!.settings.parse(s) as never, arns)),
      ...Object.entries(remediations).flatMap(([kind, s]) =>
        remediationRegistry.get(kind)!.permissions!(remediationRegistry.get(kind)!.settings.parse(s) as never, arns),
      ),
    ];
    expect(all.filter((g) => g.resources.some((r) => r.includes('*')) && !g.wildcard)).toEqual([]);
  });
});
