import type { Service, WireResponse } from './faulty-handler.js';

const ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/orders-blocked/a1b2c3d4';

/**
 * One WAF IP set behind WAFV2's awsJson1_1 protocol, in process: GetIPSet with its lock token,
 * UpdateIPSet that refuses a stale token, and the set's tags, as the API reference shapes them.
 * It starts with a human's entry and one of Vigil's whose time is up, and counts the updates applied.
 */
export class FakeWaf {
  addresses = ['192.0.2.1/32', '203.0.113.50/32'];
  tags: Record<string, string> = { team: 'edge', 'vigil:blocked:203.0.113.50/32': '2026-01-01T00:00:00.000Z' };
  /** UpdateIPSet calls applied, with the addresses each set. */
  readonly updates: string[][] = [];
  private version = 1;

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const op = (request.headers['x-amz-target'] ?? '').split('.')[1];
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    switch (op) {
      case 'GetIPSet':
        return ok({
          IPSet: { Name: 'orders-blocked', Id: 'a1b2c3d4', ARN, IPAddressVersion: 'IPV4', Description: 'blocked at the edge', Addresses: this.addresses },
          LockToken: `token-${this.version}`,
        });
      case 'UpdateIPSet':
        if (input.LockToken !== `token-${this.version}`)
          return error('WAFOptimisticLockException', 'AWS WAF couldn’t save your changes because someone changed the resource after you started to edit it.');
        this.addresses = input.Addresses as string[];
        this.version++;
        this.updates.push(this.addresses);
        return ok({ NextLockToken: `token-${this.version}` });
      case 'ListTagsForResource':
        return ok({ TagInfoForResource: { ResourceARN: ARN, TagList: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })) } });
      case 'TagResource':
        for (const t of input.Tags as { Key: string; Value: string }[]) this.tags[t.Key] = t.Value;
        return ok({});
      case 'UntagResource':
        for (const k of input.TagKeys as string[]) delete this.tags[k];
        return ok({});
      default:
        return error('WAFInvalidOperationException', `fake WAF does not answer ${op}`);
    }
  };
}

const ok = (body: unknown): WireResponse => ({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });
const error = (type: string, message: string): WireResponse => ({
  statusCode: 400,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify({ __type: type, Message: message }),
});
