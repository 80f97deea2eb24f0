import type { DescribeServicesCommandOutput } from '@aws-sdk/client-ecs';

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
