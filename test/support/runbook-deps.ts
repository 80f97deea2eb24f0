import { ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { Clock } from '../../shared/clock.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { LocalRuntime } from '../../shared/local/runtime.js';
import type { Log } from '../../shared/log.js';
import type { Meter } from '../../shared/metrics.js';
import { dynamoOnce, notificationIdempotency } from '../../shared/notifications/once.js';

/** What the on-alarm and remediate handlers get deployed, on the local runtime: ECS through the SDK (mock it), no waiting. */
export function localRunbookDeps(runtime: LocalRuntime, options: { config: VigilConfig; clock: Clock; log: Log; meter?: Meter }) {
  const idempotency = notificationIdempotency();
  idempotency.registerLambdaContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
  return {
    ...options,
    store: runtime.store,
    aws: { ecs: new SdkEcs(new ECSClient({ region: 'eu-west-1' })), metrics: new BatchingMetrics() },
    sleep: async () => undefined,
    once: dynamoOnce(runtime.dynamo.client, 'vigil-local', idempotency),
    remediateFunction: 'vigil-test-remediate',
  };
}
