import type { Service } from './faulty-handler.js';

/**
 * Lambda's Invoke (REST JSON) for asynchronous events, as the dispatch function sends them: each event
 * is kept with the function it was for, and answered 202 as Lambda answers once it has queued it.
 */
export class FakeLambdaEvents {
  readonly queued: { functionName: string; payload: unknown }[] = [];

  readonly handler: Service = async (request, body) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.path);
    if (!match || request.headers['x-amz-invocation-type'] !== 'Event')
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'only asynchronous Invoke is faked' }) };
    this.queued.push({ functionName: decodeURIComponent(match[1]!), payload: JSON.parse(body) });
    return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '' };
  };
}
