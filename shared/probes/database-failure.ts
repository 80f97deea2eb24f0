import type { Observation } from '../findings.js';
import { CredentialsError } from '../secrets/credentials.js';
import { describeNetworkError } from './network-errors.js';

/**
 * A database probe's error as its finding: the server's own reason when it gave one, else the network's.
 * A check past its timeout, or a credential Vigil cannot read (its setup, an error finding), passes through.
 */
export function databaseFailure(err: unknown, signal: AbortSignal, measure: string, serverReason: (err: unknown) => string | undefined): Observation {
  if (signal.aborted) throw signal.reason;
  if (err instanceof CredentialsError) throw err;
  const why = serverReason(err) ?? describeNetworkError(err);
  return { status: 'fail', summary: `cannot ${measure === 'connectivity' ? 'connect' : `measure ${measure}`}: ${why}`, observed: {} };
}
