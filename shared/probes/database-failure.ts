import type { Observation } from '../findings.js';
import { SetupError } from '../errors.js';
import { describeNetworkError } from './network-errors.js';

/**
 * A database probe's error as its finding: the server's own reason when it gave one, else the network's.
 * A check past its timeout, or Vigil's own setup (a credential it cannot read, a privilege its user
 * lacks: the sessions name the grant), passes through as an error finding: the target is not to blame.
 */
export function databaseFailure(err: unknown, signal: AbortSignal, measure: string, serverReason: (err: unknown) => string | undefined): Observation {
  if (signal.aborted) throw signal.reason;
  if (err instanceof SetupError) throw err;
  const why = serverReason(err) ?? describeNetworkError(err);
  return { status: 'fail', summary: `cannot ${measure === 'connectivity' ? 'connect' : `measure ${measure}`}: ${why}`, observed: {} };
}
