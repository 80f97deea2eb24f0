import type { Service, WireResponse } from './faulty-handler.js';

/**
 * Application Auto Scaling for one ECS service behind the awsJson1_1 protocol, in process:
 * DescribeScalableTargets and RegisterScalableTarget (which changes only what it is given), as the
 * API reference shapes them. It keeps every change it applied.
 */
export class FakeAutoscaling {
  min = 2;
  max = 3;
  /** RegisterScalableTarget calls applied, with the maximum each set. */
  applied: number[] = [];

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const input = JSON.parse(body || '{}') as { ResourceIds?: string[]; ResourceId?: string; MaxCapacity?: number; MinCapacity?: number };
    switch (op) {
      case 'DescribeScalableTargets':
        return ok({ ScalableTargets: (input.ResourceIds ?? []).includes('service/prod/orders-api') ? [this.target()] : [] });
      case 'DescribeScalingPolicies':
        return ok({
          ScalingPolicies: [
            {
              PolicyName: 'orders-api-cpu',
              PolicyARN: 'arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:1',
              ServiceNamespace: 'ecs',
              ResourceId: 'service/prod/orders-api',
              ScalableDimension: 'ecs:service:DesiredCount',
              PolicyType: 'TargetTrackingScaling',
              CreationTime: 1_700_000_000,
            },
          ],
        });
      case 'DescribeScalingActivities':
        return ok({ ScalingActivities: [] });
      case 'RegisterScalableTarget':
        if (typeof input.MaxCapacity === 'number') this.max = input.MaxCapacity;
        if (typeof input.MinCapacity === 'number') this.min = input.MinCapacity;
        this.applied.push(this.max);
        return ok({ ScalableTargetARN: 'arn:aws:application-autoscaling:eu-west-1:123456789012:scalable-target/0ec9' });
      default:
        return {
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: 'ValidationException', message: `fake Application Auto Scaling does not answer ${op}` }),
        };
    }
  };

  private target() {
    return {
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/orders-api',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: this.min,
      MaxCapacity: this.max,
      RoleARN: 'arn:aws:iam::123456789012:role/aws-service-role',
      CreationTime: 1_700_000_000,
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
    };
  }
}

const ok = (body: unknown): WireResponse => ({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
