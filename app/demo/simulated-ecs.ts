import type { EcsPort, EcsService, StoppedTask } from '../../shared/aws/ecs.js';

/** An ECS service in memory, for the demo: one task keeps dying of OOM. Records any change asked of it. */
export class SimulatedEcs implements EcsPort {
  readonly updates: Parameters<EcsPort['updateService']>[0][] = [];

  constructor(private readonly now: () => Date) {}

  async describeService(cluster: string, service: string): Promise<EcsService> {
    const at = (minutesAgo: number) => new Date(this.now().getTime() - minutesAgo * 60_000);
    return {
      cluster,
      service,
      status: 'ACTIVE',
      desiredCount: 3,
      runningCount: 1,
      pendingCount: 2,
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-api:42',
      deployments: [
        {
          id: 'ecs-svc/4519286612',
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-api:42',
          desiredCount: 3,
          runningCount: 1,
          pendingCount: 2,
          failedTasks: 4,
          rolloutState: 'COMPLETED',
          createdAt: at(300),
        },
      ],
      events: [{ createdAt: at(2), message: `(service ${service}) has started 2 tasks: (task 0f1e2d3c) (task 9a8b7c6d).` }],
      minimumHealthyPercent: 100,
    };
  }

  async recentlyStoppedTasks(): Promise<StoppedTask[]> {
    return [
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/5b4a3c2d',
        stoppedAt: this.now(),
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError' }],
      },
    ];
  }

  async previousTaskDefinition(): Promise<string> {
    return 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-api:41';
  }

  async updateService(input: Parameters<EcsPort['updateService']>[0]): Promise<void> {
    this.updates.push(input);
  }
}
