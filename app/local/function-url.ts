import type { IncomingMessage } from 'node:http';
import type { FunctionUrlRequest, FunctionUrlResponse } from '../../shared/events/function-url.js';
import { startHttpTarget, type LocalTarget } from './servers.js';

/** A Lambda function URL on loopback: each HTTP request becomes the event Lambda would pass, its answer the response. */
export function serveFunctionUrl(handler: (request: FunctionUrlRequest) => Promise<FunctionUrlResponse>): Promise<LocalTarget> {
  return startHttpTarget((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = await readBody(req);
      const query = Object.fromEntries(url.searchParams);
      const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])));
      const answer = await handler({
        rawPath: url.pathname,
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(body ? { body } : {}),
        isBase64Encoded: false,
        requestContext: { http: { method: req.method ?? 'GET' } },
      }).catch((): FunctionUrlResponse => ({ statusCode: 502, headers: {}, body: 'the function failed' }));
      res.writeHead(answer.statusCode, answer.headers).end(answer.body);
    })();
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
