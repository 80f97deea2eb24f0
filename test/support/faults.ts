import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * An SDK middleware that fails the calls `pick` chooses, as AWS would: throttling, a timeout, or a
 * server error. It sits in the client's own stack, so the code under test meets the real failure path.
 */
export function injectFault(
  client: DynamoDBClient,
  pick: (commandName: string, input: Record<string, unknown>) => 'throttle' | 'timeout' | 'server' | undefined,
) {
  const name = `fault-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const fault = pick(context.commandName ?? '', args.input as Record<string, unknown>);
      if (fault === 'throttle') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $retryable: undefined });
      if (fault === 'timeout') throw Object.assign(new Error('socket hang up: request timed out'), { name: 'TimeoutError' });
      if (fault === 'server') throw Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure' });
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}

/** The timeline entry kind a DynamoDB PutItem would write, document-client or marshalled. */
/** The timeline line a run writes (keyed by its event and step), as opposed to the line notify writes for a transition. */
export const runLine = (input: Record<string, unknown>): boolean => {
  const entry = (input.Item as { entry?: { key?: string | { S?: string } } } | undefined)?.entry;
  const key = entry?.key ?? (entry as { M?: { key?: { S?: string } } } | undefined)?.M?.key;
  return /\.\d\d\.\d+\./.test(typeof key === 'string' ? key : (key?.S ?? ''));
};

export function timelineKind(input: Record<string, unknown>): string | undefined {
  const entry = (input.Item as { entry?: { kind?: string | { S?: string } } } | undefined)?.entry;
  const kind = entry?.kind ?? (entry as { M?: { kind?: { S?: string } } } | undefined)?.M?.kind;
  return typeof kind === 'string' ? kind : kind?.S;
}
