import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { runOne } from '../support/checks.js';

// The guides' HTTP questions beyond "is it 200": headers (caching, CORS), values in the body compared,
// time per phase, and an API walked through as a client uses it. Real servers on loopback.

const TOKEN = 'tok-9fQ2xLmZ7kW3pR8v';
const orders = new Map<string, { id: string; item: string }>();
const deleted: string[] = [];
let failCreate = false;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> = {
  '/assets/app.js': (_, res) => void res.writeHead(200, { 'cache-control': 'public, max-age=31536000, immutable', 'content-type': 'text/javascript' }).end('x'),
  '/metrics.json': (_, res) => json(res, 200, { queue: { depth: 140, oldestSeconds: 12 }, version: 'v2.14.1', regions: ['eu-west-1', 'us-east-1'] }),
  '/slow-first-byte': (_, res) => void setTimeout(() => json(res, 200, {}), 250),
  '/api/cart': (req, res) => {
    if (req.method !== 'OPTIONS') return json(res, 200, {});
    const origin = req.headers.origin ?? '';
    const allowed = origin === 'https://shop.example.com';
    res
      .writeHead(204, {
        ...(allowed ? { 'access-control-allow-origin': origin } : {}),
        'access-control-allow-methods': 'GET, POST, PUT',
        'access-control-allow-headers': 'content-type',
      })
      .end();
  },
  '/login': async (req, res) => {
    const { user, password } = JSON.parse(await readBody(req));
    if (user === 'ops' && password === 'pw') return json(res, 200, { access_token: TOKEN, expires_in: 300 });
    json(res, 401, { error: 'bad credentials' });
  },
  '/orders': async (req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { error: `token ${req.headers.authorization} rejected` });
    if (failCreate) return json(res, 500, { error: 'database unavailable' });
    const order = { id: `o-${orders.size + 1}`, item: JSON.parse(await readBody(req)).item };
    orders.set(order.id, order);
    json(res, 201, order, { location: `/orders/${order.id}` });
  },
};

async function route(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url!, 'http://x').pathname;
  const order = /^\/orders\/(o-\d+)$/.exec(path);
  if (order) {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, {});
    if (req.method === 'DELETE') {
      deleted.push(order[1]!);
      orders.delete(order[1]!);
      return void res.writeHead(204).end();
    }
    const found = orders.get(order[1]!);
    return found ? json(res, 200, found) : json(res, 404, { error: 'no such order' });
  }
  if (path === '/orders' && req.method === 'DELETE') return void res.writeHead(204).end();
  const handler = routes[path];
  if (!handler) return json(res, 404, {});
  await handler(req, res);
}

let api: LocalTarget;
const url = (path: string) => `http://${api.host}:${api.port}${path}`;
const run = (check: Record<string, unknown>) => runOne({ kind: 'http', ...check } as never);

beforeAll(async () => {
  api = await startHttpTarget((req, res) => void route(req, res));
});
afterAll(() => api?.close());

describe('http assertions on headers and on values in the body', () => {
  it('checks a caching header', async () => {
    expect(
      await run({
        target: url('/assets/app.js'),
        assertions: [
          { header: 'Cache-Control', contains: 'max-age=31536000' },
          { header: 'etag', exists: false },
        ],
      }),
    ).toMatchObject({ status: 'ok' });
    expect(await run({ target: url('/assets/app.js'), assertions: [{ header: 'cache-control', contains: 'no-store' }] })).toMatchObject({
      status: 'fail',
      summary: 'header cache-control is "public, max-age=31536000, immutable" (expected to contain "no-store")',
    });
  });

  it('compares numbers, matches text, finds an item in a list, and says what is missing', async () => {
    const target = url('/metrics.json');
    expect(
      await run({
        target,
        assertions: [
          { path: 'queue.oldestSeconds', lessThan: 60 },
          { path: 'version', matches: '^v2\\.' },
          { path: 'regions', contains: 'us-east-1' },
          { path: 'queue.depth', greaterThan: 0 },
        ],
      }),
    ).toMatchObject({ status: 'ok' });
    const f = await run({
      target,
      assertions: [
        { path: 'queue.depth', lessThan: 100, onMismatch: 'warn' },
        { path: 'queue.stalled', exists: true },
      ],
    });
    expect(f).toMatchObject({ status: 'fail', summary: 'queue.depth is 140 (expected below 100); queue.stalled missing (expected present)' });
  });

  it('refuses an assertion with no comparison, two of them, or a broken pattern, naming the field', () => {
    const config = (a: object) => parseConfig({ checks: [{ id: 'x', kind: 'http', target: 'https://example.com', assertions: [a] }] });
    expect(() => config({ path: 'a' })).toThrow(/checks\[0\]\.assertions\[0\]: give exactly one of equals, exists, contains, matches, lessThan, greaterThan/);
    expect(() => config({ path: 'a', equals: 1, lessThan: 2 })).toThrow(/\(got equals, lessThan\)/);
    expect(() => config({ header: 'x', matches: '(' })).toThrow(/checks\[0\]\.assertions\[0\]\.matches: expected a valid regular expression/);
    expect(() => config({ equals: 1 })).toThrow(/give one of "path" \(the JSON body\) or "header"/);
  });
});

describe('a CORS preflight', () => {
  const preflight = { origin: 'https://shop.example.com', method: 'PUT', headers: ['Content-Type'] };

  it('passes when the answer allows the origin, the method and the headers', async () => {
    expect(await run({ target: url('/api/cart'), preflight })).toMatchObject({ status: 'ok', observed: { statusCode: 204 } });
  });

  it('names what a browser would refuse', async () => {
    expect(await run({ target: url('/api/cart'), preflight: { ...preflight, origin: 'https://evil.example.com' } })).toMatchObject({
      status: 'fail',
      summary: 'CORS: https://evil.example.com is not allowed (access-control-allow-origin missing)',
    });
    expect(await run({ target: url('/api/cart'), preflight: { ...preflight, method: 'DELETE', headers: ['content-type', 'x-request-id'] } })).toMatchObject({
      status: 'fail',
      summary: 'CORS: method DELETE is not allowed (access-control-allow-methods "GET, POST, PUT"); CORS: header x-request-id not allowed',
    });
  });
});

describe('timing per phase', () => {
  it('reports DNS, connect, TLS, first byte and total, on a connection of its own when a phase has a threshold', async () => {
    // Plain HTTP on loopback: TLS takes no time and the address needs no lookup; connect is measured.
    const g = await run({ target: url('/metrics.json'), thresholds: { connectMs: { warn: 1000, fail: 2000 } } });
    expect(g.status).toBe('ok');
    expect(g.observed).toMatchObject({
      dnsMs: expect.any(Number),
      connectMs: expect.any(Number),
      tlsMs: 0,
      firstByteMs: expect.any(Number),
      totalMs: expect.any(Number),
    });
    expect(g.observed.connectMs).toBeGreaterThan(0);
  });

  it('grades no phase it was not given a threshold for, and keeps its connection alive', async () => {
    const config = parseConfig({ checks: [{ id: 'x', kind: 'http', target: url('/metrics.json') }] });
    expect(config.checks[0]).toMatchObject({ thresholds: { latencyMs: { warn: 500, fail: 2000 } } });
    expect((config.checks[0] as { thresholds: Record<string, unknown> }).thresholds).not.toHaveProperty('connectMs');
    // Counted at the server: a second round of the check reuses the first one's connection.
    let connections = 0;
    const server = createServer((_, res) => void res.writeHead(200).end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await run({ target });
      const again = await run({ target });
      expect(again).toMatchObject({ status: 'ok', observed: { dnsMs: 0, connectMs: 0, tlsMs: 0 } });
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('grades the first byte on its own threshold and names the phase', async () => {
    const f = await run({ target: url('/slow-first-byte'), thresholds: { firstByteMs: { warn: 100, fail: 5000 } } });
    expect(f).toMatchObject({ status: 'warn', summary: expect.stringMatching(/^slow first byte: \d+(\.\d)? ms \(warn at 100 ms\)$/) });
  });
});

describe('an API check in steps', () => {
  const steps = [
    {
      name: 'log in',
      method: 'POST',
      path: '/login',
      body: { user: 'ops', password: 'pw' },
      expectStatus: [200],
      extract: { token: { path: 'access_token' } },
    },
    {
      name: 'create order',
      method: 'POST',
      path: '/orders',
      headers: { authorization: 'Bearer {{token}}' },
      body: { item: 'probe-widget' },
      expectStatus: [201],
      extract: { orderId: { path: 'id' } },
    },
    {
      name: 'read it back',
      path: '/orders/{{orderId}}',
      headers: { authorization: 'Bearer {{token}}' },
      assertions: [{ path: 'item', equals: 'probe-widget' }],
    },
    { name: 'clean up', method: 'DELETE', path: '/orders/{{orderId}}', headers: { authorization: 'Bearer {{token}}' }, always: true },
  ];

  it('logs in, takes the token, creates, reads back and cleans up; the token never shows', async () => {
    failCreate = false;
    const f = await run({ target: url('/'), steps });
    expect(f).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^4 steps passed in \d+ ms$/), observed: { steps: 4, passed: 4 } });
    expect((f.evidence!.steps as { step: string; statusCode: number }[]).map((s) => [s.step, s.statusCode])).toEqual([
      ['log in', 200],
      ['create order', 201],
      ['read it back', 200],
      ['clean up', 204],
    ]);
    expect(orders.size).toBe(0);
    expect(JSON.stringify(f)).not.toContain(TOKEN);
  });

  it('names the failing step, skips the rest, and still cleans up', async () => {
    failCreate = true;
    deleted.length = 0;
    const f = await run({ target: url('/'), steps });
    expect(f).toMatchObject({
      status: 'fail',
      summary: 'step 2 "create order": HTTP 500 (expected 201); no orderId in the response (id)',
      observed: { passed: 1 },
    });
    const shown = f.evidence!.steps as { step: string; skipped?: boolean }[];
    expect(shown.map((s) => [s.step, s.skipped ?? false])).toEqual([
      ['log in', false],
      ['create order', false],
      ['read it back', true],
      ['clean up', false],
    ]);
    expect(JSON.stringify(f)).not.toContain(TOKEN);
    failCreate = false;
  });

  it('refuses a value no earlier step extracts, and two steps of one name', () => {
    const config = (s: object[]) => parseConfig({ checks: [{ id: 'api', kind: 'http', target: 'https://api.example.com', steps: s }] });
    expect(() => config([{ name: 'read', path: '/orders/{{orderId}}' }])).toThrow(
      /checks\[0\]\.steps\[0\]: \{\{orderId\}\} is not extracted by an earlier step/,
    );
    expect(() =>
      config([
        { name: 'a', path: '/' },
        { name: 'a', path: '/x' },
      ]),
    ).toThrow(/checks\[0\]\.steps\[1\]\.name: two steps are named "a"/);
  });
});
