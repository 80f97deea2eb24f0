import { CloudWatchLogsClient, GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetIPSetCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIPSetCommand,
  WAFOptimisticLockException,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkLogs } from '../../shared/aws/logs.js';
import { SdkWaf } from '../../shared/aws/waf.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { blockChange, wafBlockIps } from '../../shared/remediations/waf-block-ips.js';
import type { RemediationContext } from '../../shared/remediations/remediation.js';
import { PartlyAppliedError } from '../../shared/errors.js';
import { parseConfig } from '../../shared/config/load.js';
import { literalArns } from '../../shared/permissions.js';
import { undeclaredCalls } from '../support/declared-calls.js';

// Shapes as the WAFV2 and CloudWatch Logs API references document them: GetIPSet with its LockToken, tags as Key/Value, Insights rows as field/value pairs.
const waf = mockClient(WAFV2Client);
const logs = mockClient(CloudWatchLogsClient);
const T0 = new Date('2026-12-05T03:00:00Z');
const ARN = 'arn:aws:wafv2:eu-west-1:123456789012:regional/ipset/orders-blocked/a1b2c3d4';
const ctx: RemediationContext = {
  aws: { ecs: {} as never, metrics: new BatchingMetrics(), waf: new SdkWaf({ region: 'eu-west-1' }), logs: new SdkLogs({ region: 'eu-west-1' }, 1) },
  clock: { now: () => T0 },
};
const given = { target: 'orders-blocked', ipSetId: 'a1b2c3d4', logGroups: ['aws-waf-logs-orders'], query: 'stats count(*) as hits by clientIp' };
const settings = (more: object = {}) => wafBlockIps.settings.parse({ ...given, ...more });

let addresses: string[] = [];
let tags: Record<string, string> = {};
const suspects = (...ips: string[]) =>
  logs.on(GetQueryResultsCommand).resolves({
    status: 'Complete',
    results: ips.map((ip, i) => [
      { field: 'clientIp', value: ip },
      { field: 'hits', value: String(1000 - i) },
    ]),
  });

beforeEach(() => {
  waf.reset();
  logs.reset();
  addresses = ['192.0.2.1/32']; // put there by a human: never Vigil's to take out
  tags = { team: 'edge' };
  waf.on(GetIPSetCommand).callsFake(() => ({
    IPSet: { Name: 'orders-blocked', Id: 'a1b2c3d4', ARN, IPAddressVersion: 'IPV4', Description: 'blocked at the edge', Addresses: [...addresses] },
    LockToken: `token-${addresses.length}`,
  }));
  waf
    .on(ListTagsForResourceCommand)
    .callsFake(() => ({ TagInfoForResource: { ResourceARN: ARN, TagList: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }));
  waf.on(TagResourceCommand).callsFake(({ Tags }: { Tags: { Key: string; Value: string }[] }) => {
    for (const t of Tags) tags[t.Key] = t.Value;
    return {};
  });
  waf.on(UntagResourceCommand).callsFake(({ TagKeys }: { TagKeys: string[] }) => {
    for (const k of TagKeys) delete tags[k];
    return {};
  });
  waf.on(UpdateIPSetCommand).callsFake(({ Addresses }: { Addresses: string[] }) => {
    addresses = [...Addresses];
    return { NextLockToken: 'next' };
  });
  logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
  suspects('203.0.113.7', '203.0.113.8');
});

describe('waf-block-ips', () => {
  it('blocks the addresses the query names, each tagged with its end, and keeps the set’s own entries and description', async () => {
    const s = settings();
    const plan = await wafBlockIps.plan(s, ctx);
    expect(plan.summary).toBe('block 2 addresses until 2026-12-06T03:00:00.000Z (203.0.113.7/32, 203.0.113.8/32) in WAF IP set orders-blocked');
    await wafBlockIps.execute(s, plan, ctx);
    expect(addresses).toEqual(['192.0.2.1/32', '203.0.113.7/32', '203.0.113.8/32']);
    expect(tags).toEqual({
      team: 'edge',
      'vigil:blocked:203.0.113.7/32': '2026-12-06T03:00:00.000Z',
      'vigil:blocked:203.0.113.8/32': '2026-12-06T03:00:00.000Z',
    });
    expect(waf.commandCalls(UpdateIPSetCommand)[0]!.args[0].input).toMatchObject({
      LockToken: 'token-1',
      Description: 'blocked at the edge',
      Scope: 'REGIONAL',
    });
    expect(logs.commandCalls(StartQueryCommand)[0]!.args[0].input).toMatchObject({
      logGroupName: 'aws-waf-logs-orders',
      startTime: T0.getTime() / 1000 - 15 * 60,
      queryString: given.query,
    });
    expect(undeclaredCalls(wafBlockIps, given, [waf, logs])).toEqual([]);
  });

  it('takes out, on a later run, the entries whose time is up, and only Vigil’s', async () => {
    addresses = ['192.0.2.1/32', '203.0.113.7/32', '203.0.113.9/32'];
    tags = {
      'vigil:blocked:203.0.113.7/32': '2026-12-05T02:00:00Z',
      'vigil:blocked:203.0.113.9/32': '2026-12-05T09:00:00Z',
      'vigil:blocked:198.51.100.4/32': '2026-12-06T00:00:00Z',
    };
    suspects();
    const plan = await wafBlockIps.plan(settings(), ctx);
    expect(plan.change).toMatchObject({ add: [], remove: ['203.0.113.7/32'], forget: ['198.51.100.4/32'] });
    expect(plan.summary).toBe('unblock 1 whose time is up in WAF IP set orders-blocked');
    await wafBlockIps.execute(settings(), plan, ctx);
    expect(addresses).toEqual(['192.0.2.1/32', '203.0.113.9/32']);
    expect(tags).toEqual({ 'vigil:blocked:203.0.113.9/32': '2026-12-05T09:00:00Z' });
  });

  it('holds no more than maxAddresses, the query’s worst first, and says how many it left out', () => {
    const held = { 'vigil:blocked:203.0.113.1/32': '2026-12-06T00:00:00Z' };
    expect(
      blockChange({ addresses: ['203.0.113.1/32'], tags: held, suspects: ['203.0.113.2/32', '203.0.113.3/32', '203.0.113.4/32'], now: T0, max: 3 }),
    ).toEqual({ add: ['203.0.113.2/32', '203.0.113.3/32'], remove: [], forget: [], leftOut: 1 });
  });

  it('never blocks a network in neverBlock, nor an address of the other IP version, and refuses when nothing is left', async () => {
    suspects('198.51.100.23', '2001:db8::1', 'not-an-address');
    await expect(wafBlockIps.plan(settings({ neverBlock: ['198.51.100.0/24'] }), ctx)).rejects.toThrow(
      'nothing to change in orders-blocked: the query named no new address (3 rows, 1 never blocked)',
    );
  });

  it('refuses at its cap rather than block past it', async () => {
    addresses = ['203.0.113.1/32'];
    tags = { 'vigil:blocked:203.0.113.1/32': '2026-12-06T00:00:00Z' };
    await expect(wafBlockIps.plan(settings({ maxAddresses: 1 }), ctx)).rejects.toThrow('it already holds 1 addresses (maxAddresses); 2 more were named');
  });

  it('names the field when the query’s rows do not hold it', async () => {
    await expect(wafBlockIps.plan(settings({ field: 'httpRequest.clientIp' }), ctx)).rejects.toThrow(
      'the query\'s rows have no field "httpRequest.clientIp" (they have clientIp, hits): set field to the one holding the address',
    );
  });

  it('gives up on a Logs Insights query still running after its limit, and stops it: no plan on a guess', async () => {
    const slow = { ...ctx, aws: { ...ctx.aws, logs: new SdkLogs({ region: 'eu-west-1' }, 1, 20) } };
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running' });
    logs.on(StopQueryCommand).resolves({ success: true });
    await expect(wafBlockIps.plan(settings(), slow)).rejects.toThrow('Logs Insights query still running after 0 s: narrow the query or its window');
    expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).toEqual([{ queryId: 'q-1' }]);
  });

  it('reads a lost update back from the set', async () => {
    const s = settings();
    const plan = await wafBlockIps.plan(s, ctx);
    expect((await wafBlockIps.reconcile(s, plan, ctx)).applied).toBe('no');
    addresses.push('203.0.113.7/32');
    expect((await wafBlockIps.reconcile(s, plan, ctx)).applied).toBe('unknown');
    addresses.push('203.0.113.8/32');
    expect((await wafBlockIps.reconcile(s, plan, ctx)).applied).toBe('yes');
  });

  it('changes nothing when the set moved under it (WAF’s lock token), and says so', async () => {
    const plan = await wafBlockIps.plan(settings(), ctx);
    waf.on(UpdateIPSetCommand).rejects(
      new WAFOptimisticLockException({
        message: 'AWS WAF couldn’t save your changes because someone changed the resource',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(wafBlockIps.execute(settings(), plan, ctx)).rejects.toThrow('someone changed the resource');
    expect(addresses).toEqual(['192.0.2.1/32']);
    // The ends written first are tidied by the next run, with no address of theirs in the set.
    suspects();
    expect((await wafBlockIps.plan(settings(), ctx)).change).toMatchObject({ forget: ['203.0.113.7/32', '203.0.113.8/32'] });
  });

  it('is partly applied when the set changed and removing the old tags failed', async () => {
    addresses = ['203.0.113.7/32'];
    tags = { 'vigil:blocked:203.0.113.7/32': '2026-12-05T02:00:00Z' };
    suspects();
    const plan = await wafBlockIps.plan(settings(), ctx);
    waf.on(UntagResourceCommand).rejects(new Error('tag operation failed'));
    await expect(wafBlockIps.execute(settings(), plan, ctx)).rejects.toThrow(PartlyAppliedError);
    expect(addresses).toEqual([]);
  });

  it('grants CloudFront’s IP sets in us-east-1, and is proposed unless allowAuto says why not', () => {
    const [set] = wafBlockIps.permissions!(settings({ scope: 'CLOUDFRONT' }), literalArns());
    expect(set!.resources).toEqual(['arn:aws:wafv2:us-east-1:123456789012:global/ipset/orders-blocked/a1b2c3d4']);
    const config = (more: object) => ({ remediations: [{ id: 'block', kind: 'waf-block-ips', ...given, mode: 'auto', ...more }] });
    expect(() => parseConfig(config({}))).toThrow(/waf-block-ips is high risk/);
    expect(() => parseConfig(config({ neverBlock: ['10.0.0.0/33'] }))).toThrow(/neverBlock\[0\].*expected a CIDR/s);
  });
});
