import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { plainAwsError } from '../../shared/aws/plain.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { runOne } from '../support/checks.js';

const networkError = (hostname: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
const sdkError = (name: string) => Object.assign(new Error('The security token included in the request is invalid.'), { name });

describe('an AWS failure, said plainly', () => {
  it.each([
    [networkError('ecs.eu-west-1.amazonaws.com'), /^cannot reach AWS \(ecs\.eu-west-1\.amazonaws\.com does not resolve here/],
    [sdkError('UnrecognizedClientException'), /^AWS refused the credentials \(UnrecognizedClientException\): give this machine credentials/],
    [sdkError('ExpiredTokenException'), /^AWS refused the credentials \(ExpiredTokenException\)/],
    [networkError('db.internal'), /^getaddrinfo ENOTFOUND db\.internal$/],
    [new Error('Rate exceeded'), /^Rate exceeded$/],
  ])('%s', (err, said) => expect(plainAwsError(err)).toMatch(said));

  const ecs = mockClient(ECSClient);
  afterEach(() => ecs.reset());
  it('reads the errors as the SDK raises them', async () => {
    ecs.on(DescribeServicesCommand).rejects(networkError('ecs.eu-west-1.amazonaws.com'));
    const err = await new SdkEcs({ region: 'eu-west-1', maxAttempts: 1 }).describeService('prod', 'orders-api').catch((e: unknown) => e);
    expect(plainAwsError(err)).toMatch(/^cannot reach AWS/);
  });

  it("is what an AWS check's error finding says", async () => {
    ecs.on(DescribeServicesCommand).rejects(sdkError('UnrecognizedClientException'));
    const finding = await runOne(
      { kind: 'ecs-service', target: 'prod/orders-api' },
      { aws: { ecs: new SdkEcs({ region: 'eu-west-1', maxAttempts: 1 }) } as never },
    );
    expect(finding).toMatchObject({
      status: 'error',
      summary: expect.stringMatching(/^probe error: AWS refused the credentials \(UnrecognizedClientException\)/),
    });
  });
});
