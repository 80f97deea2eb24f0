import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysFrom, issueCertificate } from '../../app/local/certificates.js';
import { startHttpTarget, startHttpsTarget, type LocalTarget } from '../../app/local/servers.js';
import { runOne } from '../support/checks.js';

let api: LocalTarget;
let elsewhere: LocalTarget;
const url = (path: string, target = api) => `http://${target.host}:${target.port}${path}`;
const answered = new WeakMap<Socket, number>();

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
const redirect = (res: ServerResponse, status: number, location: string) => res.writeHead(status, { location }).end();

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/health': (_, res) => json(res, 200, { status: 'healthy' }),
  '/moved': (_, res) => redirect(res, 302, '/health'),
  '/loop': (_, res) => redirect(res, 302, '/loop'),
  '/to-elsewhere': (_, res) => redirect(res, 307, url('/auth', elsewhere)),
  '/to-auth': (_, res) => redirect(res, 307, '/auth'),
  '/auth': (req, res) => json(res, 200, { authorization: req.headers.authorization ?? null }),
  '/submit': (_, res) => redirect(res, 303, '/request'),
  '/request': (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk)).on('end', () => json(res, 200, { method: req.method, body }));
  },
  '/endless': (_, res) => {
    res.writeHead(200);
    const writing = setInterval(() => res.write('x'.repeat(1024)), 1);
    res.on('close', () => clearInterval(writing));
  },
  // Like a server whose idle timeout closed the kept-alive connection just as it was reused.
  '/closes-reused': (req, res) => {
    const count = (answered.get(req.socket) ?? 0) + 1;
    answered.set(req.socket, count);
    if (count > 1) req.socket.destroy();
    else res.end('ok');
  },
};

beforeAll(async () => {
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  };
  [api, elsewhere] = await Promise.all([startHttpTarget(serve), startHttpTarget(serve)]);
});
afterAll(() => Promise.all([api.close(), elsewhere.close()]));

describe('httpProbe over the wire', () => {
  it('follows a redirect and reports the final answer', async () => {
    const finding = await runOne({ kind: 'http', target: url('/moved'), healthReport: true });
    expect(finding.status).toBe('ok');
    expect(finding.observed.statusCode).toBe(200);
  });

  it('reports the redirect itself when told not to follow', async () => {
    const finding = await runOne({ kind: 'http', target: url('/moved'), followRedirects: false });
    expect(finding.summary).toBe('HTTP 302 (expected 200)');
  });

  it('gives up on a redirect loop and says so', async () => {
    const finding = await runOne({ kind: 'http', target: url('/loop') });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('request failed: more than 20 redirects');
  });

  it('keeps credentials on a redirect within the origin', async () => {
    const finding = await runOne({
      kind: 'http',
      target: url('/to-auth'),
      headers: { Authorization: 'Bearer tok-abcdef' },
      assertions: [{ path: 'authorization', equals: 'Bearer tok-abcdef' }],
    });
    expect(finding.status).toBe('ok');
  });

  it('does not carry credentials to another origin', async () => {
    const finding = await runOne({
      kind: 'http',
      target: url('/to-elsewhere'),
      headers: { Authorization: 'Bearer tok-abcdef' },
      assertions: [{ path: 'authorization', equals: null }],
    });
    expect(finding.status).toBe('ok');
  });

  it('continues a POST answered with 303 as a GET without the body', async () => {
    const finding = await runOne({
      kind: 'http',
      target: url('/submit'),
      method: 'POST',
      body: 'ping',
      assertions: [
        { path: 'method', equals: 'GET' },
        { path: 'body', equals: '' },
      ],
    });
    expect(finding.status).toBe('ok');
  });

  it('reads no more of an endless body than maxBodyBytes', async () => {
    const finding = await runOne({ kind: 'http', target: url('/endless'), maxBodyBytes: 4096, timeoutMs: 2_000 });
    expect(finding.status).toBe('ok');
    expect(finding.observed.bodyBytes).toBe(4096);
  });

  it('sends a request again when a kept-alive connection turns out closed', async () => {
    const first = await runOne({ kind: 'http', target: url('/closes-reused') });
    const second = await runOne({ kind: 'http', target: url('/closes-reused') });
    expect([first.status, second.status]).toEqual(['ok', 'ok']);
  });

  it('fails on a certificate nobody trusts, naming why', async () => {
    const now = new Date();
    const issued = await issueCertificate({ notBefore: daysFrom(now, -1), notAfter: daysFrom(now, 30) });
    const secure = await startHttpsTarget(issued, (_, res) => res.end('ok'));
    try {
      const finding = await runOne({ kind: 'http', target: `https://127.0.0.1:${secure.port}/` });
      expect(finding.status).toBe('fail');
      expect(finding.summary).toBe('request failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    } finally {
      await secure.close();
    }
  });
});
