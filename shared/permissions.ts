/**
 * One IAM statement a probe or remediation needs, for the targets its settings name. Each declares its
 * own, beside the calls it makes, so a new one cannot pass its tests and then meet AccessDenied deployed.
 */
export interface Grant {
  actions: string[];
  resources: string[];
  /** e.g. `{ ArnEquals: { 'ecs:cluster': [<cluster ARN>] } }`: statements with the same actions and keys are merged. */
  conditions?: Record<string, Record<string, string[]>>;
  /** Why a wildcard in `resources` is as narrow as IAM allows; cdk-nag is told so. */
  wildcard?: string;
}

/** ARNs in the deploying stack's partition, region and account, e.g. `of('ecs', 'service/prod/orders-api')`. */
export interface Arns {
  of(service: string, resource: string): string;
  /** A global service's ARN, with no region: `global('cloudfront', 'distribution/E2QWRUHAPOMQZL')`. */
  global(service: string, resource: string): string;
  /** In another region than the stack's: `inRegion('us-east-1', 'acm', 'certificate/*')` (CloudFront's certificates live there). */
  inRegion(region: string, service: string, resource: string): string;
}

/** ARNs as text, for tests and for reading what a grant covers without a stack. */
export const literalArns = (region = 'eu-west-1', account = '123456789012'): Arns => ({
  of: (service, resource) => `arn:aws:${service}:${region}:${account}:${resource}`,
  global: (service, resource) => `arn:aws:${service}::${account}:${resource}`,
  inRegion: (other, service, resource) => `arn:aws:${service}:${other}:${account}:${resource}`,
});

/**
 * A connection a probe makes other than HTTPS (443, open to AWS anyway): what a VPC-placed function's
 * security group must let out. `host` when the probe knows the address (a DNS server); else its target's.
 */
export interface Egress {
  protocol: 'tcp' | 'udp';
  port: number;
  host?: string;
}
