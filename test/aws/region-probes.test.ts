import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { lambdaRegionProbes } from '../../shared/aws/region-probes.js';

// Asking another region's probe function: a synchronous Invoke in that region, its answer or its failure said plainly.

const lambda = mockClient(LambdaClient);
// The SDK hands the function's answer back as bytes (its blob type adds helpers the adapter does not use).
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
const signal = () => AbortSignal.timeout(5_000);
const finding = {
  checkId: 'shop',
  kind: 'http',
  target: 'https://shop.example.com/',
  status: 'ok',
  summary: '200 in 80 ms',
  observed: {},
  startedAt: '',
  durationMs: 80,
};

beforeEach(() => lambda.reset());

describe('the probe functions of other regions', () => {
  it('invokes the named function in each region, synchronously, with the checks, and returns its findings', async () => {
    const regions: string[] = [];
    lambda.on(InvokeCommand).callsFake(async (input, getClient) => {
      regions.push(await getClient().config.region());
      return { StatusCode: 200, Payload: payload({ region: 'x', findings: [finding] }) };
    });
    const probes = lambdaRegionProbes('vigil-prod-probe');
    expect(await probes.run('us-east-1', ['shop'], signal())).toEqual([finding]);
    await probes.run('ap-southeast-1', ['shop'], signal());
    expect(regions).toEqual(['us-east-1', 'ap-southeast-1']);
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input).toEqual({ FunctionName: 'vigil-prod-probe', Payload: JSON.stringify({ checks: ['shop'] }) });
  });

  it('says when the function failed, or refused the checks', async () => {
    const probes = lambdaRegionProbes('vigil-prod-probe');
    lambda
      .on(InvokeCommand)
      .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload({ errorMessage: 'Task timed out after 30.00 seconds' }) })
      .resolvesOnce({ StatusCode: 200, Payload: payload({ error: 'not checks of us-east-1: shop; it runs none' }) });
    await expect(probes.run('us-east-1', ['shop'], signal())).rejects.toThrow('its function failed: Task timed out after 30.00 seconds');
    await expect(probes.run('us-east-1', ['shop'], signal())).rejects.toThrow('its function refused: not checks of us-east-1: shop; it runs none');
  });
});
