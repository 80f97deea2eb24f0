import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * The HTTP probe's client, on node:http rather than fetch: fetch costs about three times
 * the CPU per request (bench/results.md), and CPU is what a Lambda round is billed for.
 */
export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  followRedirects: boolean;
  /** Body bytes read at most; the rest is never downloaded. */
  maxBodyBytes: number;
}

export interface HttpResponse {
  status: number;
  /** From the first byte sent to the final response's headers, redirects included. */
  latencyMs: number;
  body: string;
}

// Kept alive so a round's checks of one host share connections, as fetch's did.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const MAX_REDIRECTS = 20;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
// Sent to the first origin only: a redirect elsewhere must not carry the credentials along.
const ORIGIN_BOUND = new Set(['authorization', 'cookie', 'proxy-authorization']);

export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
  const started = performance.now();
  let { url, method, body } = request;
  let headers: Record<string, string> = { 'user-agent': 'vigil-probe', ...request.headers };
  for (let hops = 0; ; hops++) {
    const response = await send(url, method, headers, body, request.signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!request.followRedirects || !REDIRECT_CODES.has(status) || !location) {
      const latencyMs = Math.round(performance.now() - started);
      const text = method === 'HEAD' ? '' : await readCapped(response, request.maxBodyBytes);
      return { status, latencyMs, body: text };
    }
    response.resume();
    if (hops === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirected to an unsupported ${next.protocol} URL`);
    if (next.origin !== url.origin) headers = without(headers, (name) => ORIGIN_BOUND.has(name));
    // As browsers and fetch do: 303, and 301/302 after a POST, continue as a GET without the body.
    if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = without(headers, (name) => name.startsWith('content-'));
    }
    url = next;
  }
}

async function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  try {
    return await sendOnce(url, method, headers, body, signal);
  } catch (err) {
    // A kept-alive connection the server closed while idle (or while Lambda was frozen) fails
    // before any answer: a safe request is sent once more, on a fresh connection.
    if ((err as { reusedSocket?: boolean }).reusedSocket && (method === 'GET' || method === 'HEAD') && !signal.aborted) {
      return sendOnce(url, method, headers, body, signal);
    }
    throw err;
  }
}

function sendOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const client = protocol === 'https:' ? https : http;
    const req = client.request(url, { method, headers, agent: agents[protocol], signal }, resolve);
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

function readCapped(response: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'));
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      // Enough read: the rest of the body is never downloaded.
      if (size >= maxBytes) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', reject);
  });
}

function without(headers: Record<string, string>, drop: (lowerCaseName: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop(name.toLowerCase())));
}
