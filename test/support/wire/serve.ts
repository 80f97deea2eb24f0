import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { siteOf, type Service, type WireResponse } from './faulty-handler.js';

/** The services a test serves, named as their endpoints are. */
export type ServiceName =
  | 'dynamodb'
  | 'sns'
  | 'ecs'
  | 'secretsmanager'
  | 'rds'
  | 'cloudwatch'
  | 'logs'
  | 'elasticloadbalancing'
  | 'application-autoscaling'
  | 'cloudfront'
  | 'cloudformation'
  | 'lambda'
  | 'events'
  | 's3'
  | 'ssm'
  | 'acm'
  | 'sqs'
  | 'wafv2'
  | 'scheduler';

/** A service on a loopback port, as a real client reaches it: every call it answers is recorded by site. */
export async function serve(name: ServiceName, service: Service, calls: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    // Named as the endpoint would be, so the query protocols' calls are told apart by service.
    const request = { method: req.method ?? 'POST', hostname: `${name}.local`, path: req.url ?? '/', headers, raw };
    calls.push(siteOf(request, body));
    const answer = await service(request, body);
    res.writeHead(answer.statusCode, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Forwards to a real server (dynalite), so calls to it can be recorded on the way. */
export function forwardTo(endpoint: string): Service {
  return async (request, body): Promise<WireResponse> => {
    const { host: _host, 'content-length': _length, connection: _connection, ...headers } = request.headers;
    const out = await fetch(`${endpoint}${request.path}`, { method: request.method, headers, body });
    return { statusCode: out.status, headers: { 'content-type': out.headers.get('content-type') ?? 'application/x-amz-json-1.0' }, body: await out.text() };
  };
}
