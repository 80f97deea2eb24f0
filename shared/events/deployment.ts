import * as z from '../zod.js';
import { withoutControls } from '../text.js';

/** EventBridge "ECS Deployment State Change". Loose where AWS may add fields. */
export const deploymentEvent = z.looseObject({
  id: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.:-]+$/, 'expected an event id (letters, digits, . _ : -)')),
  'detail-type': z.literal('ECS Deployment State Change'),
  source: z.literal('aws.ecs'),
  time: z.string(),
  /** The service's ARN: arn:aws:ecs:<region>:<account>:service/<cluster>/<service>. */
  resources: z.array(z.string()).check(z.minLength(1)),
  detail: z.looseObject({
    eventName: z.enum(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED']),
    deploymentId: z.string().check(z.minLength(1), z.maxLength(255)),
    updatedAt: z.optional(z.string()),
    reason: z._default(z.pipe(z.string(), z.transform(withoutControls)), ''),
  }),
});

export type DeploymentEvent = z.output<typeof deploymentEvent>;

/** `cluster/service` from the service's ARN, or undefined for anything else. */
export function serviceOf(event: DeploymentEvent): string | undefined {
  const match = /:service\/([^/]+)\/([^/]+)$/.exec(event.resources[0] ?? '');
  return match ? `${match[1]}/${match[2]}` : undefined;
}
