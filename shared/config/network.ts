import * as z from '../zod.js';

/**
 * Where checks that must reach private addresses run: a second run-checks function placed in these
 * subnets. The subnets need a route to DynamoDB, CloudWatch and SNS (a NAT gateway or VPC endpoints).
 */
export const networkSchema = z.strictObject({
  /** The VPC, e.g. `vpc-0a1b2c3d`. */
  vpcId: z.string().check(z.regex(/^vpc-[0-9a-f]+$/, 'expected a VPC id like "vpc-0a1b2c3d"')),
  /** Private subnets, in at least two availability zones for a Lambda that survives an AZ outage. */
  subnets: z
    .array(
      z.strictObject({
        /** The subnet, e.g. `subnet-0a1b2c3d`. */
        id: z.string().check(z.regex(/^subnet-[0-9a-f]+$/, 'expected a subnet id like "subnet-0a1b2c3d"')),
        /** Its availability zone, e.g. `eu-west-1a`. */
        availabilityZone: z.string().check(z.minLength(1)),
      }),
    )
    .check(z.minLength(1)),
  /** The addresses the checked ports may reach, e.g. the VPC's CIDR. Default: the private ranges (10/8, 172.16/12, 192.168/16). */
  cidr: z.optional(z.string().check(z.regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected an IPv4 CIDR like "10.20.0.0/16"'))),
  /** Security groups for the function. Default: one created for it, allowing out only the ports its checks use (to `cidr`), and HTTPS. */
  securityGroupIds: z.optional(z.array(z.string().check(z.regex(/^sg-[0-9a-f]+$/, 'expected a security group id like "sg-0a1b2c3d"'))).check(z.minLength(1))),
});

export type NetworkConfig = z.output<typeof networkSchema>;

/** Where a check runs: `vpc` for private targets (databases), `public` (the default) for the rest. */
export const placementSchema = z._default(z.enum(['public', 'vpc']), 'public');
