import {
  GetIPSetCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIPSetCommand,
  WAFNonexistentItemException,
  WAFV2Client,
  type WAFV2ClientConfig,
} from '@aws-sdk/client-wafv2';
import { readWriteClients } from './retries.js';
import { TargetUnresolvedError } from '../errors.js';

export type WafScope = 'REGIONAL' | 'CLOUDFRONT';

/** A WAF IP set, named as the console names it. */
export interface IpSetRef {
  name: string;
  id: string;
  scope: WafScope;
}

export interface IpSet {
  arn: string;
  /** IPV4 or IPV6: the set takes addresses of that version only. */
  version: string;
  description?: string | undefined;
  /** CIDRs, e.g. `203.0.113.7/32`. */
  addresses: string[];
  /** What UpdateIPSet must send back: a set changed since it was read refuses the update. */
  lockToken: string;
}

/** The WAF calls Vigil makes. */
export interface WafPort {
  ipSet(ref: IpSetRef, signal?: AbortSignal): Promise<IpSet>;
  /** Sets the whole address list; fails (WAFOptimisticLockException) when the set changed since `lockToken` was read. */
  setAddresses(ref: IpSetRef, set: Pick<IpSet, 'addresses' | 'lockToken' | 'description'>): Promise<void>;
  tags(ref: IpSetRef, arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
  tag(ref: IpSetRef, arn: string, tags: Record<string, string>): Promise<void>;
  untag(ref: IpSetRef, arn: string, keys: string[]): Promise<void>;
}

export class SdkWaf implements WafPort {
  /** CloudFront's web ACLs and their IP sets are WAF's in us-east-1, whatever the function's region. */
  private readonly clients: Record<WafScope, { reads: WAFV2Client; writes: WAFV2Client }>;

  constructor(overrides: WAFV2ClientConfig = {}) {
    this.clients = { REGIONAL: readWriteClients(WAFV2Client, overrides), CLOUDFRONT: readWriteClients(WAFV2Client, { ...overrides, region: 'us-east-1' }) };
  }

  async ipSet(ref: IpSetRef, signal?: AbortSignal): Promise<IpSet> {
    try {
      const out = await this.clients[ref.scope].reads.send(new GetIPSetCommand({ Name: ref.name, Id: ref.id, Scope: ref.scope }), { abortSignal: signal });
      if (!out.IPSet?.ARN || !out.LockToken) throw new Error(`WAF returned no IP set for ${ref.name}`);
      return {
        arn: out.IPSet.ARN,
        version: out.IPSet.IPAddressVersion ?? 'IPV4',
        description: out.IPSet.Description,
        addresses: out.IPSet.Addresses ?? [],
        lockToken: out.LockToken,
      };
    } catch (err) {
      if (err instanceof WAFNonexistentItemException) throw new TargetUnresolvedError(`no WAF IP set ${ref.name} (${ref.id}) in scope ${ref.scope}`);
      throw err;
    }
  }

  async setAddresses(ref: IpSetRef, set: Pick<IpSet, 'addresses' | 'lockToken' | 'description'>): Promise<void> {
    // UpdateIPSet replaces the whole set, its description too: the one read is sent back.
    await this.clients[ref.scope].writes.send(
      new UpdateIPSetCommand({
        Name: ref.name,
        Id: ref.id,
        Scope: ref.scope,
        Addresses: set.addresses,
        LockToken: set.lockToken,
        ...(set.description ? { Description: set.description } : {}),
      }),
    );
  }

  async tags(ref: IpSetRef, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    let marker: string | undefined;
    do {
      const out = await this.clients[ref.scope].reads.send(new ListTagsForResourceCommand({ ResourceARN: arn, NextMarker: marker }), { abortSignal: signal });
      for (const t of out.TagInfoForResource?.TagList ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
      marker = out.NextMarker;
    } while (marker);
    return tags;
  }

  async tag(ref: IpSetRef, arn: string, tags: Record<string, string>): Promise<void> {
    await this.clients[ref.scope].writes.send(new TagResourceCommand({ ResourceARN: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  }

  async untag(ref: IpSetRef, arn: string, keys: string[]): Promise<void> {
    await this.clients[ref.scope].writes.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: keys }));
  }
}

/** The port `aws.waf` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): WafPort => new SdkWaf();

declare module './ports.js' {
  interface AwsPortMap {
    waf: WafPort;
  }
}
