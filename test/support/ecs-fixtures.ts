import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type DescribeServicesCommandOutput,
  type ECSClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-ecs';
import type { AwsStub } from 'aws-sdk-client-mock';

// Shapes as the ECS API reference documents DescribeServices (only the fields Vigil reads, plus a few around them).
export const CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:123456789012:cluster/prod';
export const taskDef = (revision: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-api:${revision}`;

export function service(overrides: Record<string, unknown> = {}): NonNullable<DescribeServicesCommandOutput['services']>[number] {
  return {
    serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders-api',
    serviceName: 'orders-api',
    clusterArn: CLUSTER_ARN,
    status: 'ACTIVE',
    desiredCount: 3,
    runningCount: 3,
    pendingCount: 0,
    launchType: 'FARGATE',
    taskDefinition: taskDef(42),
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: [
      {
        id: 'ecs-svc/8211771405744218530',
        status: 'PRIMARY',
        taskDefinition: taskDef(42),
        desiredCount: 3,
        pendingCount: 0,
        runningCount: 3,
        failedTasks: 0,
        createdAt: new Date('2026-11-23T01:00:00Z'),
        updatedAt: new Date('2026-11-23T01:06:00Z'),
        launchType: 'FARGATE',
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/8211771405744218530 completed.',
      },
    ],
    events: [{ id: 'e-1', createdAt: new Date('2026-11-23T01:06:00Z'), message: '(service orders-api) has reached a steady state.' }],
    ...overrides,
  };
}

export const SERVICE_ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders-api';
export const revisionArn = (n: string) => `arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/orders-api/${n}`;

/** The last deployment of prod/orders-api replaced `sources` (orders-api:41) with orders-api:42, as ECS reports it. */
export function mockDeploymentHistory(
  ecs: AwsStub<ServiceInputTypes, ServiceOutputTypes, ECSClientResolvedConfig>,
  sources: { arn: string }[] = [{ arn: revisionArn('1452345676373577011') }],
): void {
  ecs.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/orders-api/NCWGC2ZR-taw',
        serviceArn: SERVICE_ARN,
        clusterArn: CLUSTER_ARN,
        status: 'SUCCESSFUL',
        targetServiceRevisionArn: revisionArn('4980306466373577095'),
      },
    ],
  });
  ecs.on(DescribeServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/orders-api/NCWGC2ZR-taw',
        sourceServiceRevisions: sources.map((s) => ({ ...s, requestedTaskCount: 3, runningTaskCount: 0, pendingTaskCount: 0 })),
        targetServiceRevision: { arn: revisionArn('4980306466373577095') },
        status: 'SUCCESSFUL',
      },
    ],
    failures: [],
  });
  ecs.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [{ serviceRevisionArn: revisionArn('1452345676373577011'), serviceArn: SERVICE_ARN, taskDefinition: taskDef(41) }],
    failures: [],
  });
}
