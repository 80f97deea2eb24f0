import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { SdkRds } from '../../shared/aws/rds.js';
import { runOne } from '../support/checks.js';
import { FakeRds } from '../support/wire/fake-rds.js';
import { FaultyHandler, type Fault } from '../support/wire/faulty-handler.js';

// The SDK's real client and retries against the fake RDS, faults injected below the retry strategy.
const run = (extra: object, aws: AwsPorts) => runOne({ kind: 'rds', target: 'orders-db', ...extra } as never, { aws });

describe('rds probe over the wire', () => {
  /** The SDK's real client and retries, against the fake service, with faults below the retry strategy. */
  const wired = (fake: FakeRds, pick: (site: string, n: number) => Fault | undefined) => {
    const handler = new FaultyHandler(fake.handler, { pick, onKill: () => undefined, onWait: () => undefined }, new Map(), 10_000);
    const sdk = new SdkRds({
      region: 'eu-west-1',
      endpoint: 'http://rds.local',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: handler as never,
      retryStrategy: new ConfiguredRetryStrategy(3, 1),
    });
    return { rds: sdk } as unknown as AwsPorts;
  };

  it('rides out a throttle on each call, as the SDK retries it', async () => {
    const fake = new FakeRds();
    fake.pageSize = 1;
    const finding = await run(
      { target: 'orders-aurora', scope: 'cluster' },
      wired(fake, (_site, n) => (n === 1 ? 'throttle' : undefined)),
    );
    expect(finding).toMatchObject({ status: 'ok', summary: 'orders-aurora available, 2 instances available, writer orders-aurora-1' });
  });

  it('is an error, not a pass, when throttling outlasts the retries', async () => {
    const finding = await run(
      {},
      wired(new FakeRds(), (site) => (site === 'rds DescribeDBInstances' ? 'throttle' : undefined)),
    );
    expect(finding).toMatchObject({ status: 'error', summary: expect.stringContaining('Rate exceeded') });
  });

  it('names an identifier RDS does not know, as the service answers it', async () => {
    const finding = await run(
      { target: 'orders-dbx' },
      wired(new FakeRds(), () => undefined),
    );
    expect(finding).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('RDS instance orders-dbx not found: check the identifier and the region'),
    });
  });
});
