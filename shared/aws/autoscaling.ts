import {
  ApplicationAutoScalingClient,
  type ApplicationAutoScalingClientConfig,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { readWriteClients } from './retries.js';

export interface ScalableTarget {
  min: number;
  max: number;
  /** Dynamic scale-in, scale-out or scheduled scaling turned off by someone. */
  suspended: string[];
}

export interface ScalingPolicy {
  name: string;
  type: string;
  /** Target tracking: the value it holds, and of what. */
  targetValue?: number | undefined;
  metric?: string | undefined;
}

export interface ScalingActivity {
  id: string;
  /** Pending, InProgress, Successful, Overridden, Unfulfilled or Failed. */
  status: string;
  description: string;
  cause?: string | undefined;
  message?: string | undefined;
  startedAt: Date;
  endedAt?: Date | undefined;
}

/** Application Auto Scaling for ECS services: what Vigil reads, and the one change it makes (raising a maximum). */
export interface AutoscalingPort {
  /** The service's scalable target (`service/cluster/name`), or undefined when it has none. */
  scalableTarget(resourceId: string, signal?: AbortSignal): Promise<ScalableTarget | undefined>;
  policies(resourceId: string, signal?: AbortSignal): Promise<ScalingPolicy[]>;
  /** Activities started since a time, newest first. */
  activitiesSince(resourceId: string, since: Date, signal?: AbortSignal): Promise<ScalingActivity[]>;
  setMaxCapacity(resourceId: string, max: number): Promise<void>;
}

const ecs = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

export class SdkAutoscaling implements AutoscalingPort {
  private readonly client: ApplicationAutoScalingClient;
  private readonly writes: ApplicationAutoScalingClient;

  constructor(overrides: ApplicationAutoScalingClientConfig = {}) {
    ({ reads: this.client, writes: this.writes } = readWriteClients(ApplicationAutoScalingClient, overrides));
  }

  async scalableTarget(resourceId: string, signal?: AbortSignal): Promise<ScalableTarget | undefined> {
    const out = await this.client.send(new DescribeScalableTargetsCommand({ ...ecs, ResourceIds: [resourceId] }), { abortSignal: signal });
    const t = out.ScalableTargets?.[0];
    if (!t) return undefined;
    const s = t.SuspendedState ?? {};
    const suspended = [
      s.DynamicScalingInSuspended && 'scale-in',
      s.DynamicScalingOutSuspended && 'scale-out',
      s.ScheduledScalingSuspended && 'scheduled',
    ].filter((x): x is string => typeof x === 'string');
    return { min: t.MinCapacity ?? 0, max: t.MaxCapacity ?? 0, suspended };
  }

  async policies(resourceId: string, signal?: AbortSignal): Promise<ScalingPolicy[]> {
    const policies: ScalingPolicy[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new DescribeScalingPoliciesCommand({ ...ecs, ResourceId: resourceId, NextToken: token }), { abortSignal: signal });
      for (const p of out.ScalingPolicies ?? []) {
        const tt = p.TargetTrackingScalingPolicyConfiguration;
        policies.push({
          name: p.PolicyName ?? '?',
          type: p.PolicyType ?? '?',
          targetValue: tt?.TargetValue,
          metric: tt?.PredefinedMetricSpecification?.PredefinedMetricType ?? tt?.CustomizedMetricSpecification?.MetricName,
        });
      }
      token = out.NextToken;
    } while (token);
    return policies;
  }

  async activitiesSince(resourceId: string, since: Date, signal?: AbortSignal): Promise<ScalingActivity[]> {
    const activities: ScalingActivity[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(new DescribeScalingActivitiesCommand({ ...ecs, ResourceId: resourceId, NextToken: token }), { abortSignal: signal });
      for (const a of out.ScalingActivities ?? []) {
        if (!a.StartTime) continue;
        // Newest first: the first one older than the window ends the walk.
        if (a.StartTime < since) return activities;
        activities.push({
          id: a.ActivityId ?? '?',
          status: a.StatusCode ?? 'unknown',
          description: a.Description ?? '',
          cause: a.Cause,
          message: a.StatusMessage,
          startedAt: a.StartTime,
          endedAt: a.EndTime,
        });
      }
      token = out.NextToken;
    } while (token);
    return activities;
  }

  async setMaxCapacity(resourceId: string, max: number): Promise<void> {
    // On a registered target, RegisterScalableTarget changes only the parameters it is given.
    await this.writes.send(new RegisterScalableTargetCommand({ ...ecs, ResourceId: resourceId, MaxCapacity: max }));
  }
}

/** The port `aws.autoscaling` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): AutoscalingPort => new SdkAutoscaling();

declare module './ports.js' {
  interface AwsPortMap {
    autoscaling: AutoscalingPort;
  }
}
