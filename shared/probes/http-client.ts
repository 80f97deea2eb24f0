import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * The HTTP probe's client, on node:http rather than fetch: fetch costs about three times
 * the CPU per request (bench/results.md), and CPU is what a Lambda round is billed for.
 */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  followRedirects: boolean;
  /** Body bytes read at most; the rest is never downloaded. */
  maxBodyBytes: number;
  /** A connection of its own, so DNS, connect and TLS are measured every time. Default: a kept-alive one. */
  freshConnection?: boolean;
}

/** Each phase of the final request, in ms: DNS, TCP connect and TLS are 0 on a reused connection. */
export interface Timings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From sending the request to the response's headers: the server's own time, mostly. */
  firstByteMs: number;
  /** From the first request (redirects included) to the body's last byte. */
  totalMs: number;
  reusedConnection: boolean;
}

export interface HttpResponse {
  status: number;
  /** From the first byte sent to the final response's headers, redirects included. */
  latencyMs: number;
  /** The final response's headers, names lower-cased (repeated ones joined with ", "). */
  headers: Record<string, string>;
  body: string;
  timings: Timings;
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
    const { response, phases } = await send(url, method, headers, body, request.signal, request.freshConnection === true);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!request.followRedirects || !REDIRECT_CODES.has(status) || !location) {
      const latencyMs = Math.round(performance.now() - started);
      const text = method === 'HEAD' ? '' : await readCapped(response, request.maxBodyBytes);
      const totalMs = Math.round(performance.now() - started);
      return { status, latencyMs, headers: flat(response.headers), body: text, timings: { ...phases, totalMs } };
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

type Sent = { response: IncomingMessage; phases: Omit<Timings, 'totalMs'> };

async function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, fresh: boolean): Promise<Sent> {
  try {
    return await sendOnce(url, method, headers, body, signal, fresh);
  } catch (err) {
    // A kept-alive connection the server closed while idle (or while Lambda was frozen) fails
    // before any answer: a safe request is sent once more, on a fresh connection.
    if ((err as { reusedSocket?: boolean }).reusedSocket && (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') && !signal.aborted) {
      return sendOnce(url, method, headers, body, signal, fresh);
    }
    throw err;
  }
}

function sendOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, fresh: boolean): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
    const client = protocol === 'https:' ? https : http;
    const t0 = performance.now();
    const at: { lookup?: number; connect?: number; secure?: number; sent?: number } = {};
    const since = (a: number | undefined, b: number) => (a === undefined ? 0 : Math.round((a - b) * 10) / 10);
    const req = client.request(url, { method, headers, agent: fresh ? false : agents[protocol], signal }, (response) => {
      const now = performance.now();
      const reused = req.reusedSocket;
      const connected = at.connect ?? t0;
      resolve({
        response,
        phases: {
          dnsMs: since(at.lookup, t0),
          connectMs: at.connect === undefined ? 0 : since(at.connect, at.lookup ?? t0),
          tlsMs: at.secure === undefined ? 0 : since(at.secure, connected),
          firstByteMs: Math.round((now - (at.sent ?? at.secure ?? connected)) * 10) / 10,
          reusedConnection: reused,
        },
      });
    });
    req.on('socket', (socket) => {
      // A kept-alive socket is already connected: it has no phases to time, and listeners left on it would pile up.
      if (!socket.connecting) return;
      const marks = {
        lookup: () => (at.lookup = performance.now()),
        connect: () => (at.connect = performance.now()),
        secureConnect: () => (at.secure = performance.now()),
      };
      for (const [event, mark] of Object.entries(marks)) socket.once(event, mark);
      const unmark = () => {
        for (const [event, mark] of Object.entries(marks)) socket.off(event, mark);
      };
      req.once('response', unmark);
      req.once('close', unmark);
    });
    req.on('finish', () => (at.sent = performance.now()));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

function flat(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])),
  );
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
