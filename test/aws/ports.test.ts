import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { sdkPorts } from '../../shared/aws/ports.js';
import { service as serviceFixture } from '../support/ecs-fixtures.js';

describe('sdkPorts', () => {
  it('loads a client on its first call and forwards the call to it; the port is never taken for a promise', async () => {
    const ecs = mockClient(ECSClient);
    ecs.on(DescribeServicesCommand).resolves({ services: [serviceFixture()] });
    const ports = sdkPorts();
    expect((ports.ecs as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(ports.ecs)).toBe(ports.ecs);
    const service = await ports.ecs.describeService('prod', 'orders-api');
    expect(service).toMatchObject({ desiredCount: expect.any(Number) });
    expect(ecs.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', services: ['orders-api'] });
    ecs.restore();
  });
});
