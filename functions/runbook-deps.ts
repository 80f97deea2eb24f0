import { requireEnv } from '../shared/aws-env.js';
import { emfMeter } from '../shared/aws/emf-meter.js';
import { vigilLog } from '../shared/aws/log.js';
import { sdkPorts } from '../shared/aws/ports.js';
import { systemClock } from '../shared/clock.js';
import { deployedConfig } from '../shared/config/deployed.js';
import { deployedStore } from '../shared/state/deployed.js';
import { wakerFromEnv } from '../shared/aws/lazy-waker.js';

/** What the functions that run runbooks (on-alarm, remediate) are given deployed: the table, the SDK clients, the clock, real waits. */
export function deployedRunbookDeps(name: string) {
  const waker = wakerFromEnv();
  return {
    meter: emfMeter(),
    config: deployedConfig,
    store: deployedStore(requireEnv('TABLE_NAME')),
    aws: sdkPorts(),
    clock: systemClock,
    log: vigilLog(name),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    // Replaced per invocation from Lambda's context.
    deadline: () => new Date(Date.now() + 60_000),
    // A run that waits is woken by a one-time schedule the stack lets these functions make.
    ...(waker ? { waker } : {}),
  };
}
