import {
  CloudFrontClient,
  type CloudFrontClientConfig,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  NoSuchDistribution,
} from '@aws-sdk/client-cloudfront';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

export interface Invalidation {
  id: string;
  /** InProgress or Completed. */
  status: string;
  createdAt?: Date | undefined;
}

/** The CloudFront calls Vigil makes. CloudFront is global: its API answers in us-east-1. */
export interface CloudfrontPort {
  distribution(id: string, signal?: AbortSignal): Promise<{ id: string; status: string; enabled: boolean; domain: string }>;
  /** CloudFront keys the batch by `callerReference`: the same one sent again returns the first invalidation, never a second. */
  invalidate(id: string, paths: string[], callerReference: string): Promise<Invalidation>;
  /** The invalidation made with this caller reference since a time, if any. */
  findInvalidation(id: string, callerReference: string, since: Date, signal?: AbortSignal): Promise<Invalidation | undefined>;
}

export class SdkCloudfront implements CloudfrontPort {
  private readonly client: CloudFrontClient;
  private readonly writes: CloudFrontClient;

  constructor(overrides: CloudFrontClientConfig = {}) {
    ({ reads: this.client, writes: this.writes } = readWriteClients(CloudFrontClient, { region: 'us-east-1', ...overrides }));
  }

  async distribution(id: string, signal?: AbortSignal) {
    try {
      const d = (await this.client.send(new GetDistributionCommand({ Id: id }), { abortSignal: signal })).Distribution;
      return { id, status: d?.Status ?? 'unknown', enabled: d?.DistributionConfig?.Enabled ?? false, domain: d?.DomainName ?? '?' };
    } catch (err) {
      if (err instanceof NoSuchDistribution) throw new TargetUnresolvedError(`CloudFront distribution ${id} not found`);
      throw err;
    }
  }

  async invalidate(id: string, paths: string[], callerReference: string): Promise<Invalidation> {
    const out = await this.writes.send(
      new CreateInvalidationCommand({
        DistributionId: id,
        InvalidationBatch: { Paths: { Quantity: paths.length, Items: paths }, CallerReference: callerReference },
      }),
    );
    return { id: out.Invalidation?.Id ?? '?', status: out.Invalidation?.Status ?? 'InProgress', createdAt: out.Invalidation?.CreateTime };
  }

  async findInvalidation(id: string, callerReference: string, since: Date, signal?: AbortSignal): Promise<Invalidation | undefined> {
    let marker: string | undefined;
    do {
      const list = (await this.client.send(new ListInvalidationsCommand({ DistributionId: id, Marker: marker, MaxItems: 20 }), { abortSignal: signal }))
        .InvalidationList;
      // Newest first: the walk ends at the first one older than the plan.
      for (const item of list?.Items ?? []) {
        if (item.CreateTime && item.CreateTime < since) return undefined;
        const got = (await this.client.send(new GetInvalidationCommand({ DistributionId: id, Id: item.Id }), { abortSignal: signal })).Invalidation;
        if (got?.InvalidationBatch?.CallerReference === callerReference)
          return { id: got.Id ?? '?', status: got.Status ?? 'unknown', createdAt: got.CreateTime };
      }
      marker = list?.IsTruncated ? list.NextMarker : undefined;
    } while (marker);
    return undefined;
  }
}

/** The port `aws.cloudfront` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): CloudfrontPort => new SdkCloudfront();

declare module './ports.js' {
  interface AwsPortMap {
    cloudfront: CloudfrontPort;
  }
}
