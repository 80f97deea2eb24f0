import type { AwsPorts } from '../aws/ports.js';
import type { Grant } from '../permissions.js';

/** Application Auto Scaling's id of an ECS service's desired count. */
export const scalableResource = (target: string) => `service/${target}`;

/** The service's autoscaling bounds, when it has a scalable target. */
export const autoscalingBounds = (aws: AwsPorts, target: string, signal?: AbortSignal) => aws.autoscaling?.scalableTarget(scalableResource(target), signal);

export const describeScalableTargetsGrant: Grant = {
  actions: ['application-autoscaling:DescribeScalableTargets'],
  resources: ['*'],
  wildcard: 'Application Auto Scaling Describe* actions have no resource-level permissions: AWS accepts only "*" (read-only).',
};
