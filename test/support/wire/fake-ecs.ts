import type { Service } from './faulty-handler.js';

interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  createdAt: number;
  rolloutState: string;
}

/**
 * One ECS service behind the awsJson1_1 protocol, in process: DescribeServices, UpdateService,
 * ListTasks and DescribeTasks as the API reference shapes them. It counts what was applied, so a
 * test can tell a deployment that happened from one the caller only believes in.
 */
export class FakeEcs {
  readonly cluster = 'prod';
  readonly service = 'orders-api';
  taskDefinition = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-api:42';
  desiredCount = 3;
  deployments: Deployment[] = [
    {
      id: 'ecs-svc/0001',
      status: 'PRIMARY',
      taskDefinition: this.taskDefinition,
      desiredCount: 3,
      runningCount: 3,
      createdAt: 1_700_000_000,
      rolloutState: 'COMPLETED',
    },
  ];
  /** UpdateService calls the service applied: the number that must never exceed one per event. */
  applied: Record<string, unknown>[] = [];

  readonly handler: Service = async (request, body) => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    switch (op) {
      case 'DescribeServices':
        return ok({ services: [this.describe()], failures: [] });
      case 'UpdateService':
        return ok({ service: this.update(input) });
      case 'ListTasks':
        return ok({ taskArns: [] });
      case 'DescribeTasks':
        return ok({ tasks: [], failures: [] });
      // The deployment history a rollback reads: the latest deployment and the revision it replaced.
      case 'ListServiceDeployments':
        return ok({
          serviceDeployments: [
            { serviceDeploymentArn: `arn:aws:ecs:eu-west-1:123456789012:service-deployment/${this.cluster}/${this.service}/latest`, status: 'SUCCESSFUL' },
          ],
        });
      case 'DescribeServiceDeployments':
        return ok({
          serviceDeployments: [
            {
              sourceServiceRevisions: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/orders-api/41', requestedTaskCount: 3 }],
              targetServiceRevision: { arn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/orders-api/42' },
            },
          ],
          failures: [],
        });
      case 'DescribeServiceRevisions':
        // The revision the latest deployment replaced: the one before it, or :41 before any.
        return ok({
          serviceRevisions: [
            {
              serviceRevisionArn: 'arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/orders-api/previous',
              taskDefinition: this.deployments[1]?.taskDefinition ?? this.taskDefinition.replace(/:\d+$/, ':41'),
            },
          ],
          failures: [],
        });
      default:
        return { statusCode: 400, headers: {}, body: JSON.stringify({ __type: 'InvalidParameterException', message: `fake ECS does not answer ${op}` }) };
    }
  };

  private update(input: Record<string, unknown>) {
    this.applied.push(input);
    if (typeof input.desiredCount === 'number') this.desiredCount = input.desiredCount;
    if (typeof input.taskDefinition === 'string') this.taskDefinition = input.taskDefinition;
    if (input.forceNewDeployment || input.taskDefinition) {
      for (const d of this.deployments) d.status = 'ACTIVE';
      const id = `ecs-svc/${String(this.deployments.length + 1).padStart(4, '0')}`;
      this.deployments.unshift({
        id,
        status: 'PRIMARY',
        taskDefinition: this.taskDefinition,
        desiredCount: this.desiredCount,
        runningCount: 0,
        createdAt: 1_700_000_000 + this.applied.length,
        rolloutState: 'IN_PROGRESS',
      });
    }
    return this.describe();
  }

  private describe() {
    return {
      serviceName: this.service,
      clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${this.cluster}`,
      status: 'ACTIVE',
      desiredCount: this.desiredCount,
      runningCount: 3,
      pendingCount: 0,
      taskDefinition: this.taskDefinition,
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      deployments: this.deployments.map((d) => ({ ...d, pendingCount: 0, failedTasks: 0, updatedAt: d.createdAt })),
      events: [],
    };
  }
}

function ok(payload: unknown) {
  return { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(payload) };
}
