import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { service } from './ecs-fixtures.js';

/** ECS, as aws-sdk-client-mock answers for the test file: the orders API service, steady, and each update taken. */
export function useEcsService() {
  const ecs = mockClient(ECSClient);
  beforeEach(() => {
    ecs.reset();
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(UpdateServiceCommand).resolves({ service: service() });
  });
  return ecs;
}
