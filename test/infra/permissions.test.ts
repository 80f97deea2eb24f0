import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClusterSnapshotsCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, DocDBClient, CreateDBClusterSnapshotCommand, FailoverDBClusterCommand } from '@aws-sdk/client-docdb';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkDocdb } from '../../shared/aws/docdb.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { literalArns, type Grant } from '../../shared/permissions.js';
import { probeRegistry } from '../../shared/probes/index.js';
import { remediationRegistry } from '../../shared/remediations/index.js';
import { runOne } from '../support/checks.js';
import { cluster, instances } from '../support/docdb-fixtures.js';
import { mockDeploymentHistory, service } from '../support/ecs-fixtures.js';

// Every AWS call a probe or remediation makes, recorded by the SDK mocks, must be one its own
// `permissions` declare: a new one that calls an API it did not declare fails here, not deployed.

const ecs = mockClient(ECSClient);
const cloudwatch = mockClient(CloudWatchClient);
const docdb = mockClient(DocDBClient);
const aws = { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics(new CloudWatchClient({ region: 'eu-west-1' })), docdb: new SdkDocdb({ region: 'eu-west-1' }) } as unknown as AwsPorts;
const arns = literalArns();

beforeEach(() => {
  for (const m of [ecs, cloudwatch, docdb]) m.reset();
  // Fewer running than desired: the probe also reads the stopped tasks.
  ecs.on(DescribeServicesCommand).resolves({ services: [service({ runningCount: 1 })] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
  ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/0f1e2d3c'] });
  ecs.on(DescribeTasksCommand).resolves({ tasks: [] });
  mockDeploymentHistory(ecs);
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'value', Values: [1], Timestamps: [new Date()], StatusCode: 'Complete' }] });
  docdb.on(DescribeDBClustersCommand).resolves(cluster());
  docdb.on(DescribeDBInstancesCommand).resolves(instances());
  docdb.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: 'rds:orders-docdb-2026-12-01', Status: 'available', SnapshotType: 'automated', SnapshotCreateTime: new Date() }] });
  docdb.on(CreateDBClusterSnapshotCommand).callsFake((input) => ({ DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating' } }));
  docdb.on(FailoverDBClusterCommand).resolves({ DBCluster: cluster('failing-over').DBClusters![0] });
});

/** `ecs:DescribeServices` for an ECSClient's DescribeServicesCommand: the IAM action each recorded call needs. */
function actionsCalled(): string[] {
  const prefixed = (prefix: string, calls: { args: unknown[] }[]) => calls.map((c) => `${prefix}:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`);
  return [...new Set([...prefixed('ecs', ecs.calls()), ...prefixed('cloudwatch', cloudwatch.calls()), ...prefixed('rds', docdb.calls())])].sort();
}

const declared = (grants: Grant[]) => new Set(grants.flatMap((g) => g.actions));

/** A check of each kind that reads AWS, set up to take its longest path. */
const checks: Record<string, Record<string, unknown>> = {
  'ecs-service': { target: 'prod/orders-api' },
  metric: { target: 'app/prod-alb/1', preset: 'alb-5xx-rate' },
  'docdb-cluster': { target: 'orders-docdb' },
};
const remediations: Record<string, Record<string, unknown>> = {
  'ecs-restart': { target: 'prod/orders-api' },
  'ecs-scale-out': { target: 'prod/orders-api', step: 1, max: 10 },
  'ecs-rollback': { target: 'prod/orders-api' },
  'docdb-snapshot': { target: 'orders-docdb' },
  'docdb-failover': { target: 'orders-docdb' },
};

describe('what each probe and remediation declares it needs', () => {
  it('has a case here for every kind that calls AWS (besides Secrets Manager, granted from the settings)', () => {
    const callsAws = (uses: { aws?: readonly string[] } | undefined) => (uses?.aws ?? []).some((c) => c !== 'secrets');
    expect(Object.keys(checks).sort()).toEqual([...probeRegistry.values()].filter((p) => callsAws(p.uses)).map((p) => p.kind).sort());
    expect(Object.keys(remediations).sort()).toEqual([...remediationRegistry.values()].filter((r) => callsAws(r.uses)).map((r) => r.kind).sort());
  });

  it.each(Object.entries(checks))('the %s probe calls nothing it did not declare', async (kind, settings) => {
    const probe = probeRegistry.get(kind)!;
    const finding = await runOne({ kind, ...settings } as never, { aws });
    expect(finding.status, finding.summary).not.toBe('error');
    const called = actionsCalled();
    expect(called.length).toBeGreaterThan(0);
    const parsed = probe.settings.parse(settings);
    expect(called.filter((a) => !declared(probe.permissions!(parsed as never, arns)).has(a))).toEqual([]);
  });

  it.each(Object.entries(remediations))('the %s remediation plans, acts and reads back with nothing it did not declare', async (kind, settings) => {
    const remediation = remediationRegistry.get(kind)!;
    const parsed = remediation.settings.parse(settings);
    const plan = await remediation.plan(parsed as never, { aws });
    await remediation.execute(parsed as never, plan, { aws });
    await remediation.reconcile(parsed as never, plan, { aws });
    const called = actionsCalled();
    expect(called.filter((a) => !declared(remediation.permissions!(parsed as never, arns)).has(a))).toEqual([]);
  });

  it('says why each wildcard is as narrow as IAM allows', () => {
    const all = [
      ...Object.entries(checks).flatMap(([kind, s]) => probeRegistry.get(kind)!.permissions!(probeRegistry.get(kind)!.settings.parse(s) as never, arns)),
      ...Object.entries(remediations).flatMap(([kind, s]) => remediationRegistry.get(kind)!.permissions!(remediationRegistry.get(kind)!.settings.parse(s) as never, arns)),
    ];
    expect(all.filter((g) => g.resources.some((r) => r.includes('*')) && !g.wildcard)).toEqual([]);
  });
});
