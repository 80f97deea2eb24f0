import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { RemediationRefusedError, TargetUnresolvedError } from '../errors.js';
import { REQUEST_TIMEOUTS } from './timeouts.js';

const BASE_DELAY_MS = 100;

/**
 * The SDK's retries for a call that changes something (UpdateService, Publish, a snapshot, a
 * failover): only when the service answered "slow down", which means it did nothing. A timeout, a
 * reset connection or a 500 may have been applied, so the SDK must not send it again blindly: the
 * caller reads the target to find out what happened (a remediation's `reconcile`).
 */
export function mutationRetries(maxAttempts = 3): RetryStrategyV2 {
  const token = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    async refreshRetryTokenForRetry(previous: RetryToken, error: RetryErrorInfo) {
      const count = previous.getRetryCount() + 1;
      // A rejected refresh makes the SDK throw the call's own error.
      if (error.errorType !== 'THROTTLING' || count >= maxAttempts) throw new Error('not retried');
      return token(count, Math.random() * BASE_DELAY_MS * 2 ** count);
    },
    recordSuccess: () => undefined,
  };
}

/** Errors after which a call that changes something may or may not have been applied. */
export function isAmbiguous(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $fault?: string; code?: string };
  if (err instanceof RemediationRefusedError || err instanceof TargetUnresolvedError) return false;
  const status = e?.$metadata?.httpStatusCode;
  // A 4xx answer is the service refusing: nothing was applied. Everything else might have been.
  return !(status !== undefined && status >= 400 && status < 500);
}

/** Network errors raised before a request could leave: it was never sent. */
const NEVER_LEFT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A request that may have been applied with no answer back: a reset after sending, a timeout waiting
 * for the reply, an attempt that died. An error answer (any status) or a connection never made is not one.
 */
export function unanswered(err: unknown): boolean {
  const e = err as { $metadata?: { httpStatusCode?: number }; code?: string; message?: string };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  if (e?.code && NEVER_LEFT.has(e.code)) return false;
  return !/^connect ETIMEDOUT|without establishing a connection/.test(e?.message ?? '');
}

/**
 * A service's two clients, with Vigil's request timeouts: `reads`, retried as the SDK does, and
 * `writes`, for calls that change something, retried only when throttled (mutationRetries).
 */
export function readWriteClients<C, Config extends object>(Client: new (config: Config) => C, overrides: Config): { reads: C; writes: C } {
  const config = { requestHandler: REQUEST_TIMEOUTS, ...overrides };
  return { reads: new Client(config), writes: new Client({ ...config, retryStrategy: mutationRetries() }) };
}
