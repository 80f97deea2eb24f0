import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type ElasticLoadBalancingV2ClientConfig,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { REQUEST_TIMEOUTS } from './timeouts.js';
import { TargetUnresolvedError } from '../errors.js';

export interface TargetState {
  /** The instance id, IP address or Lambda ARN, with the port when it has one. */
  target: string;
  availabilityZone?: string | undefined;
  /** initial, healthy, unhealthy, unhealthy.draining, unused, draining or unavailable. */
  state: string;
  /** e.g. Target.ResponseCodeMismatch, Target.Timeout, Target.FailedHealthChecks. */
  reason?: string | undefined;
  description?: string | undefined;
}

/** The load balancer calls Vigil makes. */
export interface ElbPort {
  /** Each registered target's health, for a target group by ARN or by name. */
  targetHealth(targetGroup: string, signal?: AbortSignal): Promise<{ arn: string; targets: TargetState[] }>;
}

export class SdkElb implements ElbPort {
  private readonly client: ElasticLoadBalancingV2Client;

  constructor(overrides: ElasticLoadBalancingV2ClientConfig = {}) {
    this.client = new ElasticLoadBalancingV2Client({ requestHandler: REQUEST_TIMEOUTS, ...overrides });
  }

  async targetHealth(targetGroup: string, signal?: AbortSignal): Promise<{ arn: string; targets: TargetState[] }> {
    const arn = targetGroup.startsWith('arn:') ? targetGroup : await this.arnOf(targetGroup, signal);
    try {
      // Not paginated: one answer holds every registered target.
      const out = await this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), { abortSignal: signal });
      return {
        arn,
        targets: (out.TargetHealthDescriptions ?? []).map((d) => ({
          target: d.Target?.Port ? `${d.Target.Id}:${d.Target.Port}` : (d.Target?.Id ?? '?'),
          availabilityZone: d.Target?.AvailabilityZone,
          state: d.TargetHealth?.State ?? 'unknown',
          reason: d.TargetHealth?.Reason,
          description: d.TargetHealth?.Description,
        })),
      };
    } catch (err) {
      if (err instanceof TargetGroupNotFoundException) throw new TargetUnresolvedError(`target group ${targetGroup} not found: check the ARN and the region`);
      throw err;
    }
  }

  private async arnOf(name: string, signal?: AbortSignal): Promise<string> {
    try {
      const out = await this.client.send(new DescribeTargetGroupsCommand({ Names: [name] }), { abortSignal: signal });
      const arn = out.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new TargetUnresolvedError(`target group ${name} not found`);
      return arn;
    } catch (err) {
      if (err instanceof TargetGroupNotFoundException) throw new TargetUnresolvedError(`target group ${name} not found: check the name and the region`);
      throw err;
    }
  }
}

/** The port `aws.elb` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): ElbPort => new SdkElb();

declare module './ports.js' {
  interface AwsPortMap {
    elb: ElbPort;
  }
}
