import { Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { cloudfrontOperation } from './fake-cloudfront.js';
import { schedulerOperation } from './fake-scheduler.js';

/**
 * Faults injected where the network is: below the SDK's retry strategy, so the SDK's own retries
 * meet them, exactly as they meet a real throttle, a 500 or a reset connection.
 */
export type Fault =
  /** The service says slow down; nothing was applied. */
  | 'throttle'
  /** A 500; nothing was applied (the honest kind). */
  | 'server'
  /** The connection timed out before the request left. */
  | 'before'
  /** The service applied the request; its reply was lost on the way back. */
  | 'lost'
  /** The service applied the request; no reply comes, until the client's request timeout gives up on it. */
  | 'hang'
  /** The service applied the request, and the attempt dies right there (Lambda's timeout, a crash): the retry is a cold start. */
  | 'kill';

export const FAULTS: readonly Fault[] = ['throttle', 'server', 'before', 'lost', 'hang', 'kill'];

/** What a handler is asked: the raw HTTP request the SDK built. */
export interface WireRequest {
  method: string;
  hostname: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The body's bytes, where the service reads them as bytes (S3's objects); `body` is their UTF-8 text. */
  raw?: Buffer;
}

export interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Something that answers requests: a real server over HTTP, or an in-process fake of a service. */
export type Service = (request: WireRequest, body: string) => Promise<WireResponse>;

/** Names a call site, e.g. `dynamodb PutItem GUARD`, `ecs UpdateService`, `sns Publish`. */
export function siteOf(request: WireRequest, body: string): string {
  const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'];
  if (target) {
    const [prefix, op] = target.split('.');
    if (prefix?.startsWith('DynamoDB')) return `dynamodb ${op}${itemKind(op!, body)}`;
    if (prefix === 'secretsmanager') return `secretsmanager ${op}`;
    if (prefix === 'AnyScaleFrontendService') return `application-autoscaling ${op}`;
    if (prefix === 'Logs_20140328') return `logs ${op}`;
    if (prefix === 'GraniteServiceVersion20100801') return `cloudwatch ${op}`;
    if (prefix === 'AWSEvents') return `events ${op}`;
    if (prefix === 'AmazonSSM') return `ssm ${op}`;
    if (prefix === 'CertificateManager') return `acm ${op}`;
    if (prefix === 'AmazonSQS') return `sqs ${op}`;
    if (prefix === 'AWSWAF_20190729') return `wafv2 ${op}`;
    return `ecs ${op}`;
  }
  // Lambda's REST protocol: Invoke, named by the IAM action it needs.
  if (request.hostname.startsWith('lambda')) return 'lambda InvokeFunction';
  // S3's REST protocol: the page's files are written with PUT.
  if (request.hostname.startsWith('s3')) return `s3 ${request.method === 'PUT' ? 'PutObject' : request.method}`;
  // CloudFront's REST protocol names the operation by method and path.
  if (request.hostname.startsWith('cloudfront')) return `cloudfront ${cloudfrontOperation(request.method, request.path.split('?')[0]!)}`;
  // Scheduler's REST protocol names the operation by method.
  if (request.hostname.startsWith('scheduler')) return `scheduler ${schedulerOperation(request.method)}`;
  // The query protocols (SNS, DocumentDB) name the action in the form; the endpoint names the service.
  const action = new URLSearchParams(body).get('Action');
  return `${request.hostname.split('.')[0]} ${action}`;
}

/** The kind of item a DynamoDB request writes or reads by key: the part of its `pk` before `#`. */
function itemKind(op: string, body: string): string {
  if (!['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem'].includes(op)) return '';
  const parsed = JSON.parse(body) as { Item?: { pk?: { S?: string } }; Key?: { pk?: { S?: string } } };
  const pk = parsed.Item?.pk?.S ?? parsed.Key?.pk?.S ?? '';
  return ` ${pk.split('#')[0]}`;
}

/** The error a service sends for a fault, in its own protocol. */
function faultReply(fault: 'throttle' | 'server', site: string): WireResponse {
  const xml = ['sns', 'docdb', 'rds', 'cloudfront'].some((service) => site.startsWith(service));
  const code = fault === 'throttle' ? (xml ? 'Throttling' : 'ThrottlingException') : xml ? 'InternalError' : 'InternalFailure';
  const message = fault === 'throttle' ? 'Rate exceeded' : 'We encountered an internal error. Please try again.';
  const statusCode = fault === 'throttle' ? 400 : 500;
  if (xml) {
    return {
      statusCode,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse><Error><Type>Receiver</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>`,
    };
  }
  return { statusCode, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ __type: code, message }) };
}

const networkError = (message: string, code: string) => Object.assign(new Error(message), { code, name: code === 'ETIMEDOUT' ? 'TimeoutError' : 'Error' });

export interface WireHooks {
  /** Which fault, if any, this call meets. `n` counts calls to the same site so far, across attempts. */
  pick: (site: string, n: number) => Fault | undefined;
  /** The attempt dies here. */
  onKill: () => void;
  /** Time spent waiting for a reply that never came: the clock moves on by it. */
  onWait: (ms: number) => void;
  /** A call the service applied and answered (or whose answer was lost): what the table's stream would see. */
  onApplied?: (site: string, request: WireRequest, body: string, response: WireResponse) => void | Promise<void>;
}

/** An SDK request handler: the real wire for dynalite, a fake service for ECS and SNS; faults in between. */
export class FaultyHandler {
  /** Once the attempt is killed, nothing it sends leaves or returns. */
  dead = false;
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(
    private readonly service: Service,
    private readonly hooks: WireHooks,
    private readonly counts: Map<string, number>,
    /** The client's request timeout, as Vigil's clients set it. */
    private readonly timeoutMs: number,
  ) {}

  async handle(request: WireRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
    if (this.dead) return new Promise(() => undefined);
    const body = await bodyText(request.body);
    const site = siteOf(request, body);
    const n = (this.counts.get(site) ?? 0) + 1;
    this.counts.set(site, n);
    const fault = this.hooks.pick(site, n);
    if (fault === 'throttle' || fault === 'server') return respond(faultReply(fault, site));
    if (fault === 'before') throw networkError('connect ETIMEDOUT', 'ETIMEDOUT');
    const response = await this.service(request, body);
    if (response.statusCode < 300) await this.hooks.onApplied?.(site, request, body, response);
    if (fault === 'lost') throw networkError('socket hang up', 'ECONNRESET');
    if (fault === 'hang') {
      this.hooks.onWait(this.timeoutMs);
      throw Object.assign(new Error(`Request did not complete within ${this.timeoutMs} ms`), { name: 'TimeoutError' });
    }
    if (fault === 'kill' || this.dead) {
      this.hooks.onKill();
      return new Promise(() => undefined);
    }
    return respond(response);
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}
}

function respond(r: WireResponse) {
  return { response: { statusCode: r.statusCode, headers: r.headers, body: Readable.from([Buffer.from(r.body)]) } };
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Through the underlying bytes: the SDK's JSON body is a Uint8Array that warns when read as a string.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** A real server over HTTP (dynalite), answering through the SDK's own Node handler. */
export function overHttp(): Service {
  const http = new NodeHttpHandler();
  return async (request, body) => {
    const { response } = await http.handle({ ...request, body } as never);
    const text = await bodyText(response.body);
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, String(v)]));
    return { statusCode: response.statusCode, headers, body: text };
  };
}
