import type { Service, WireResponse } from './faulty-handler.js';

/** A synchronous invocation's answer: what the function returned, or the error it threw. */
export type Answered = { returned: unknown } | { threw: string };

/**
 * Lambda's Invoke (REST JSON). Asynchronous events, as the dispatch function sends them, are kept with the
 * function they were for and answered 202, as Lambda answers once it has queued one. A synchronous call
 * (run-checks asking another region's probe function) is answered by `answer`, given the region the
 * request was signed for, as Lambda answers: 200, with `X-Amz-Function-Error` when the function threw.
 */
export class FakeLambdaEvents {
  readonly queued: { functionName: string; payload: unknown }[] = [];
  /** Synchronous calls, with the region each was for. */
  readonly asked: { functionName: string; region: string; payload: unknown }[] = [];

  constructor(private readonly answer?: (functionName: string, region: string, payload: unknown) => Promise<Answered>) {}

  readonly handler: Service = async (request, body): Promise<WireResponse> => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.path);
    const type = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (!match || (type !== 'Event' && !this.answer))
      return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'only asynchronous Invoke is faked' }) };
    const functionName = decodeURIComponent(match[1]!);
    if (type === 'Event') {
      this.queued.push({ functionName, payload: JSON.parse(body) });
      return { statusCode: 202, headers: { 'content-type': 'application/json' }, body: '' };
    }
    // SigV4's credential scope names the region: <key>/<date>/<region>/lambda/aws4_request.
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1] ?? 'unknown';
    this.asked.push({ functionName, region, payload: JSON.parse(body) });
    const answered = await this.answer!(functionName, region, JSON.parse(body));
    return 'returned' in answered
      ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answered.returned) }
      : {
          statusCode: 200,
          headers: { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' },
          body: JSON.stringify({ errorType: 'Error', errorMessage: answered.threw }),
        };
  };
}
