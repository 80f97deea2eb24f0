import {
  CloudFrontClient,
  CreateInvalidationCommand,
  GetDistributionCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
  NoSuchDistribution,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkCloudfront } from '../../shared/aws/cloudfront.js';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { parseConfig } from '../../shared/config/load.js';
import { cloudfrontInvalidate } from '../../shared/remediations/cloudfront-invalidate.js';
import { systemClock } from '../../shared/clock.js';

const cf = mockClient(CloudFrontClient);
const ctx = { aws: { cloudfront: new SdkCloudfront() } as unknown as AwsPorts, clock: systemClock };
const settings = cloudfrontInvalidate.settings.parse({ target: 'E2QWRUHAPOMQZL', paths: ['/index.html', '/static/*'] });

// Shapes as the CloudFront API reference documents GetDistribution, CreateInvalidation, ListInvalidations and GetInvalidation.
beforeEach(() => {
  cf.reset();
  cf.on(GetDistributionCommand).resolves({
    Distribution: {
      Id: 'E2QWRUHAPOMQZL',
      ARN: 'arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL',
      Status: 'Deployed',
      DomainName: 'd111111abcdef8.cloudfront.net',
      LastModifiedTime: new Date(),
      InProgressInvalidationBatches: 0,
      ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
      DistributionConfig: { Enabled: true } as never,
    },
  });
  cf.on(CreateInvalidationCommand).callsFake((input) => ({
    Location: 'https://cloudfront.amazonaws.com/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation/I2J0I21PCUYOIK',
    Invalidation: { Id: 'I2J0I21PCUYOIK', Status: 'InProgress', CreateTime: new Date(), InvalidationBatch: input.InvalidationBatch },
  }));
});

describe('cloudfront-invalidate', () => {
  it('invalidates the configured paths, keyed by the plan, from us-east-1', async () => {
    const plan = await cloudfrontInvalidate.plan(settings, ctx);
    expect(plan.summary).toBe('invalidate 2 paths on E2QWRUHAPOMQZL (d111111abcdef8.cloudfront.net): /index.html, /static/*');
    expect(await cloudfrontInvalidate.execute(settings, plan, ctx)).toBe('invalidation I2J0I21PCUYOIK of E2QWRUHAPOMQZL InProgress');
    const [call] = cf.commandCalls(CreateInvalidationCommand);
    expect(call!.args[0].input).toEqual({
      DistributionId: 'E2QWRUHAPOMQZL',
      InvalidationBatch: { Paths: { Quantity: 2, Items: ['/index.html', '/static/*'] }, CallerReference: plan.change.callerReference },
    });
    expect(await call!.thisValue.config.region()).toBe('us-east-1');
  });

  it("reads back a lost answer by the plan's caller reference, newest first, stopping at the plan", async () => {
    const plan = await cloudfrontInvalidate.plan(settings, ctx);
    const now = new Date();
    cf.on(ListInvalidationsCommand).resolves({
      InvalidationList: {
        Marker: '',
        MaxItems: 20,
        IsTruncated: false,
        Quantity: 2,
        Items: [
          { Id: 'INEW', CreateTime: now, Status: 'InProgress' },
          { Id: 'IOLD', CreateTime: new Date(now.getTime() - 3_600_000), Status: 'Completed' },
        ],
      },
    });
    cf.on(GetInvalidationCommand, { Id: 'INEW' }).resolves({
      Invalidation: {
        Id: 'INEW',
        Status: 'InProgress',
        CreateTime: now,
        InvalidationBatch: { Paths: { Quantity: 1, Items: ['/*'] }, CallerReference: 'someone-else' },
      },
    });
    expect(await cloudfrontInvalidate.reconcile(settings, plan, ctx)).toEqual({
      applied: 'no',
      detail: "no invalidation of E2QWRUHAPOMQZL with this plan's reference",
    });
    expect(cf.commandCalls(GetInvalidationCommand).map((c) => c.args[0].input.Id)).toEqual(['INEW']);
    cf.on(GetInvalidationCommand, { Id: 'INEW' }).resolves({
      Invalidation: {
        Id: 'INEW',
        Status: 'InProgress',
        CreateTime: now,
        InvalidationBatch: { Paths: { Quantity: 2, Items: settings.paths }, CallerReference: plan.change.callerReference as string },
      },
    });
    expect(await cloudfrontInvalidate.reconcile(settings, plan, ctx)).toEqual({ applied: 'yes', detail: 'invalidation INEW of E2QWRUHAPOMQZL InProgress' });
  });

  it('refuses a disabled or unknown distribution', async () => {
    cf.on(GetDistributionCommand).resolves({
      Distribution: { Id: 'E2QWRUHAPOMQZL', Status: 'Deployed', DomainName: 'd1.cloudfront.net', DistributionConfig: { Enabled: false } } as never,
    });
    await expect(cloudfrontInvalidate.plan(settings, ctx)).rejects.toThrow('E2QWRUHAPOMQZL is disabled; invalidating it would change nothing');
    cf.on(GetDistributionCommand).rejects(new NoSuchDistribution({ message: 'The specified distribution does not exist.', $metadata: {} }));
    await expect(cloudfrontInvalidate.plan(settings, ctx)).rejects.toThrow('CloudFront distribution E2QWRUHAPOMQZL not found');
  });

  it('caps the path list and refuses malformed paths, naming the field', () => {
    const config = (paths: string[]) =>
      parseConfig({
        checks: [{ id: 'x', kind: 'tcp', target: 'db:5432' }],
        remediations: [{ id: 'cdn', kind: 'cloudfront-invalidate', target: 'E2QWRUHAPOMQZL', paths }],
      });
    expect(() => config(Array.from({ length: 16 }, (_, i) => `/p${i}`))).toThrow(/remediations\[0\]\.paths: at most 15 paths/);
    expect(() => config(['static/*'])).toThrow(/remediations\[0\]\.paths\[0\]: expected a path starting with "\/"/);
    expect(() => config(['/*/app.js'])).toThrow(/remediations\[0\]\.paths\[0\]: expected a path starting with "\/", a "\*" only at its end/);
  });

  it('reads back across pages of invalidations', async () => {
    const plan = await cloudfrontInvalidate.plan(settings, ctx);
    const now = new Date();
    const item = (Id: string) => ({ Id, CreateTime: now, Status: 'InProgress' });
    cf.on(ListInvalidationsCommand)
      .resolvesOnce({ InvalidationList: { Marker: '', NextMarker: 'p2', MaxItems: 20, IsTruncated: true, Quantity: 1, Items: [item('IA')] } })
      .resolvesOnce({ InvalidationList: { Marker: 'p2', MaxItems: 20, IsTruncated: false, Quantity: 1, Items: [item('IB')] } });
    cf.on(GetInvalidationCommand, { Id: 'IA' }).resolves({
      Invalidation: { Id: 'IA', Status: 'InProgress', CreateTime: now, InvalidationBatch: { Paths: { Quantity: 1, Items: ['/*'] }, CallerReference: 'other' } },
    });
    cf.on(GetInvalidationCommand, { Id: 'IB' }).resolves({
      Invalidation: {
        Id: 'IB',
        Status: 'Completed',
        CreateTime: now,
        InvalidationBatch: { Paths: { Quantity: 2, Items: settings.paths }, CallerReference: plan.change.callerReference as string },
      },
    });
    expect(await cloudfrontInvalidate.reconcile(settings, plan, ctx)).toEqual({ applied: 'yes', detail: 'invalidation IB of E2QWRUHAPOMQZL Completed' });
    expect(cf.commandCalls(ListInvalidationsCommand)[1]!.args[0].input).toMatchObject({ Marker: 'p2' });
  });
});
