import type { Clock } from './clock.js';

/** What Lambda's context tells of the invocation's end; absent when run by hand or in a test. */
export interface InvocationContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

/** The deps an invocation runs with: its deadline read from Lambda's context when there is one. */
export function withDeadline<D extends { clock: Clock; deadline: () => Date }>(deps: D, context: InvocationContext | undefined): D {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return deps;
  const deadline = new Date(deps.clock.now().getTime() + remaining);
  return { ...deps, deadline: () => deadline };
}
