import type { Waker } from './waker.js';

/**
 * The deployed waker, from the function's environment; none where the stack gave it none (no runbook waits).
 * Its Scheduler client loads on the first wake-up: most invocations never ask for one.
 */
export function wakerFromEnv(env: NodeJS.ProcessEnv = process.env): Waker | undefined {
  const { WAKE_TARGET_ARN, WAKE_ROLE_ARN, WAKE_DLQ_ARN, WAKE_PREFIX } = env;
  if (!WAKE_TARGET_ARN || !WAKE_ROLE_ARN || !WAKE_DLQ_ARN || !WAKE_PREFIX) return undefined;
  let loaded: Promise<Waker> | undefined;
  const settings = { targetArn: WAKE_TARGET_ARN, roleArn: WAKE_ROLE_ARN, deadLetterArn: WAKE_DLQ_ARN, prefix: WAKE_PREFIX };
  return { wakeAt: async (runId, at) => (await (loaded ??= import('./scheduler-waker.js').then((m) => m.schedulerWaker(settings)))).wakeAt(runId, at) };
}
