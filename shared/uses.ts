import type { AwsClient } from './aws/ports.js';

// AWS SDK clients a probe or remediation may call, besides DynamoDB's (which every function has): the adapters of shared/aws/.
export type { AwsClient } from './aws/ports.js';

/** Database drivers a probe or remediation may load. */
export const DRIVERS = ['pg', 'mongodb', '@redis/client'] as const;
export type Driver = (typeof DRIVERS)[number];

/**
 * What a probe's or remediation's code calls beyond DynamoDB. The bundler ships exactly these with the
 * functions that run it (infra/needs.ts); anything else is left out, so an undeclared call fails there.
 */
export interface Uses {
  aws?: readonly AwsClient[];
  driver?: Driver;
}
