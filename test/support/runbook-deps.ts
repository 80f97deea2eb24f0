import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import type { Clock } from '../../shared/clock.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import type { LocalRuntime } from '../../app/local/runtime.js';
import type { Log } from '../../shared/log.js';
import type { Meter } from '../../shared/metrics.js';

/** What the on-alarm and remediate handlers get deployed, on the local runtime: ECS through the SDK (mock it), no waiting, no fail-loud page. */
export function localRunbookDeps(runtime: LocalRuntime, options: { config: VigilConfig; clock: Clock; log: Log; meter?: Meter }) {
  return {
    ...options,
    store: runtime.store,
    notices: runtime.notices,
    aws: { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics() },
    sleep: async () => undefined,
    deadline: () => new Date(options.clock.now().getTime() + 600_000),
    failLoud: undefined,
    remediateFunction: 'vigil-test-remediate',
  };
}
