import { DescribeEventsCommand, HealthClient, type HealthClientConfig } from '@aws-sdk/client-health';
import { SetupError } from '../errors.js';
import { REQUEST_TIMEOUTS } from './timeouts.js';

/** An AWS Health event as a finding shows it. */
export interface HealthEvent {
  arn: string;
  /** e.g. `ECS`, `RDS`, `ELASTICLOADBALANCING`. */
  service: string;
  /** e.g. `AWS_ECS_OPERATIONAL_ISSUE`. */
  type: string;
  /** `issue`, `scheduledChange`, `accountNotification` or `investigation`. */
  category: string;
  /** A region code, or `global`. */
  region: string;
  /** `ACCOUNT_SPECIFIC` when the account's own resources are affected; `PUBLIC` for a service-wide event. */
  scope: string;
  startedAt?: Date | undefined;
}

export interface HealthFilter {
  services: readonly string[];
  /** None: every region. */
  regions?: readonly string[] | undefined;
  categories: readonly string[];
}

/** The AWS Health calls Vigil makes. */
export interface HealthPort {
  /** The open events that match, newest change first; at most `limit` of them. */
  openEvents(filter: HealthFilter, limit: number, signal?: AbortSignal): Promise<{ events: HealthEvent[]; capped: boolean }>;
}

/** The Health API has one endpoint for the commercial partition, in us-east-1. */
const HEALTH_REGION = 'us-east-1';
const PAGE = 100;

export class SdkHealth implements HealthPort {
  private readonly client: HealthClient;

  constructor(overrides: HealthClientConfig = {}) {
    this.client = new HealthClient({ region: HEALTH_REGION, requestHandler: REQUEST_TIMEOUTS, ...overrides });
  }

  async openEvents(filter: HealthFilter, limit: number, signal?: AbortSignal): Promise<{ events: HealthEvent[]; capped: boolean }> {
    const events: HealthEvent[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client
        .send(
          new DescribeEventsCommand({
            filter: {
              services: [...filter.services],
              ...(filter.regions?.length ? { regions: [...filter.regions] } : {}),
              eventTypeCategories: [...filter.categories] as never,
              eventStatusCodes: ['open'],
            },
            maxResults: PAGE,
            nextToken,
          }),
          { abortSignal: signal },
        )
        .catch(plainHealthError);
      for (const e of out.events ?? [])
        events.push({
          arn: e.arn ?? '',
          service: e.service ?? '',
          type: e.eventTypeCode ?? '',
          category: e.eventTypeCategory ?? '',
          region: e.region ?? '',
          scope: e.eventScopeCode ?? '',
          startedAt: e.startTime,
        });
      nextToken = out.nextToken;
    } while (nextToken && events.length < limit);
    return { events: events.slice(0, limit), capped: events.length > limit || nextToken !== undefined };
  }
}

/** Without a Business, Enterprise On-Ramp or Enterprise support plan, the Health API refuses every call. */
function plainHealthError(err: unknown): never {
  if ((err as { name?: string }).name === 'SubscriptionRequiredException')
    throw new SetupError(
      'the AWS Health API answers only accounts with a Business, Enterprise On-Ramp or Enterprise support plan (SubscriptionRequiredException): this check cannot see service events here',
      { cause: err },
    );
  throw err;
}

/** The port `aws.health` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): HealthPort => new SdkHealth();

declare module './ports.js' {
  interface AwsPortMap {
    health: HealthPort;
  }
}
