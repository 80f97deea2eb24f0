import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { REQUEST_TIMEOUTS } from './timeouts.js';

/**
 * Queues an event for a function (InvocationType Event): Lambda answers 202 once it holds the event.
 * The SDK's usual retries apply; a resend after a lost reply only runs a round twice.
 */
export function eventInvoker(client = new LambdaClient({ requestHandler: REQUEST_TIMEOUTS })) {
  return async (functionName: string, payload: unknown): Promise<void> => {
    const out = await client.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: JSON.stringify(payload) }));
    if (out.StatusCode !== 202) throw new Error(`Lambda did not queue the event for ${functionName} (status ${out.StatusCode})`);
  };
}
