import * as z from '../zod.js';

/**
 * Where checks that must reach private addresses run: a second run-checks function placed in these
 * subnets. The subnets need a route to DynamoDB, CloudWatch and SNS (a NAT gateway or VPC endpoints).
 */
export const networkSchema = z.strictObject({
  vpcId: z.string().check(z.regex(/^vpc-[0-9a-f]+$/, 'expected a VPC id like "vpc-0a1b2c3d"')),
  /** Private subnets, in at least two availability zones for a Lambda that survives an AZ outage. */
  subnets: z
    .array(z.strictObject({ id: z.string().check(z.regex(/^subnet-[0-9a-f]+$/, 'expected a subnet id like "subnet-0a1b2c3d"')), availabilityZone: z.string().check(z.minLength(1)) }))
    .check(z.minLength(1)),
  /** Security groups for the function. Default: one created for it, allowing out only the ports its checks use, and HTTPS. */
  securityGroupIds: z.optional(z.array(z.string().check(z.regex(/^sg-[0-9a-f]+$/, 'expected a security group id like "sg-0a1b2c3d"'))).check(z.minLength(1))),
});

export type NetworkConfig = z.output<typeof networkSchema>;

/** Where a check runs: `vpc` for private targets (databases), `public` (the default) for the rest. */
export const placementSchema = z._default(z.enum(['public', 'vpc']), 'public');
