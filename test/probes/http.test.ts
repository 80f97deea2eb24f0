import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, startTcpTarget, type LocalTarget } from '../../app/local/servers.js';
import { parseConfig } from '../../shared/config/load.js';
import { runOne } from '../support/checks.js';

const healthy = { status: 'healthy', checks: { database: 'healthy', cache: 'healthy' } };

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/health': (_, res) => json(res, 200, healthy),
  '/down': (_, res) => json(res, 503, { status: 'unhealthy', checks: { database: 'unhealthy', cache: 'healthy' } }),
  '/degraded': (_, res) => json(res, 200, { status: 'degraded', checks: { database: 'healthy', cache: { status: 'degraded' } } }),
  '/inconsistent': (_, res) => json(res, 200, { status: 'healthy', checks: { database: 'unhealthy' } }),
  '/bad-json': (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "heal'),
  '/slow': (_, res) => setTimeout(() => json(res, 200, healthy), 150),
  '/hang': () => undefined,
  '/whoami': (req, res) => {
    const auth = req.headers.authorization ?? '';
    const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : auth;
    // A badly behaved server that echoes credentials back: they must still not reach the finding.
    json(res, 401, { error: `rejected credentials ${decoded}` });
  },
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

let api: LocalTarget;
const url = (path: string) => `http://${api.host}:${api.port}${path}`;

beforeAll(async () => {
  api = await startHttpTarget((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
});
afterAll(() => api.close());

describe('httpProbe', () => {
  it('takes a header from Secrets Manager and Basic auth from the environment, and shows neither', async () => {
    process.env.VIGIL_TEST_BASIC_PW = 'env-basic-Pa55';
    const secrets = { getSecret: async (id: string) => (id === 'api-token' ? 'Bearer sm-token-1234' : Promise.reject(new Error('no such secret'))) };
    const aws = { secrets } as never;
    const withHeader = await runOne({ kind: 'http', target: url('/whoami'), headers: { Authorization: { secret: 'api-token' } } }, { aws });
    // The whole header value and the token alone are both secrets: either mask leaves nothing of the token.
    expect(withHeader.evidence).toEqual({ bodyExcerpt: expect.stringMatching(/^\{"error":"rejected credentials (Bearer )?\*\*\*"\}$/) });
    const withBasic = await runOne({ kind: 'http', target: url('/whoami'), basicAuth: { user: 'ops', password: { env: 'VIGIL_TEST_BASIC_PW' } } }, { aws });
    expect(withBasic.evidence).toEqual({ bodyExcerpt: '{"error":"rejected credentials ops:***"}' });
  });

  it('says which secret could not be read, and names no value: an error of its setup, not a failing target', async () => {
    const aws = { secrets: { getSecret: async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })) } } as never;
    const finding = await runOne({ kind: 'http', target: url('/whoami'), headers: { 'X-Api-Key': { secret: 'api-key' } } }, { aws });
    expect(finding).toMatchObject({ status: 'error', summary: 'setup error: secret api-key cannot be read: AccessDeniedException' });
  });

  it('refuses Basic auth set twice, by basicAuth and by user info in the target', () => {
    expect(() => parseConfig({ checks: [{ id: 'x', kind: 'http', target: 'https://ops:pw@example.com', basicAuth: { password: { env: 'PW' } } }] })).toThrow(
      /checks\[0\]\.basicAuth: .*keep one/,
    );
  });

  it('is ok when /health answers 200 and reports healthy', async () => {
    const finding = await runOne({ kind: 'http', target: url('/health'), healthReport: true });
    expect(finding.status).toBe('ok');
    expect(finding.summary).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(finding.observed.statusCode).toBe(200);
    expect(finding.evidence).toEqual({ health: { database: 'healthy', cache: 'healthy' } });
  });

  it('fails on 503 and names the unhealthy component', async () => {
    const finding = await runOne({ kind: 'http', target: url('/down'), healthReport: true });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('HTTP 503 (expected 200); status unhealthy (database unhealthy)');
    expect(finding.evidence?.bodyExcerpt).toContain('"database":"unhealthy"');
  });

  it('warns when the service reports itself degraded', async () => {
    const finding = await runOne({ kind: 'http', target: url('/degraded'), healthReport: true });
    expect(finding.status).toBe('warn');
    expect(finding.summary).toBe('status degraded (cache degraded)');
  });

  it('reads "healthy" with an unhealthy component as degraded', async () => {
    const finding = await runOne({ kind: 'http', target: url('/inconsistent'), healthReport: true });
    expect(finding.status).toBe('warn');
    expect(finding.summary).toBe('status healthy but database unhealthy');
  });

  it.each([
    { onMismatch: 'fail' as const, status: 'fail' },
    { onMismatch: 'warn' as const, status: 'warn' },
  ])('an assertion that does not hold gives $status when onMismatch is $onMismatch', async ({ onMismatch, status }) => {
    const finding = await runOne({
      kind: 'http',
      target: url('/down'),
      expectStatus: [503],
      assertions: [{ path: 'checks.database', equals: 'healthy', onMismatch }],
    });
    expect(finding.status).toBe(status);
    expect(finding.summary).toBe('checks.database is "unhealthy" (expected "healthy")');
  });

  it('accepts the status codes it is told to expect', async () => {
    const finding = await runOne({ kind: 'http', target: url('/down'), expectStatus: [200, 503] });
    expect(finding.status).toBe('ok');
  });

  it('fails when a health body is not JSON', async () => {
    const finding = await runOne({ kind: 'http', target: url('/bad-json'), healthReport: true });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toMatch(/^body is not JSON/);
  });

  it.each([
    { thresholds: { latencyMs: { warn: 50, fail: 5_000 } }, status: 'warn' },
    { thresholds: { latencyMs: { warn: 20, fail: 50 } }, status: 'fail' },
  ])('grades a 150 ms answer as $status against its latency limits', async ({ thresholds, status }) => {
    const finding = await runOne({ kind: 'http', target: url('/slow'), thresholds });
    expect(finding.status).toBe(status);
    expect(finding.summary).toMatch(/^slow: \d+ ms/);
    expect(finding.observed.latencyMs).toBeGreaterThanOrEqual(140);
  });

  it('fails with a timeout when the endpoint never answers', async () => {
    const finding = await runOne({ kind: 'http', target: url('/hang'), timeoutMs: 300 });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('no answer: timed out after 300 ms');
  });

  it('fails when nothing listens on the port', async () => {
    const closed = await startTcpTarget();
    await closed.close();
    const finding = await runOne({ kind: 'http', target: `http://127.0.0.1:${closed.port}/health` });
    expect(finding.status).toBe('fail');
    expect(finding.summary).toBe('request failed: connection refused (ECONNREFUSED)');
  });

  it('sends URL credentials as basic auth and never shows them', async () => {
    const finding = await runOne({ kind: 'http', target: `http://monitor:s3cr3t-Pa55@${api.host}:${api.port}/whoami` });
    expect(finding.status).toBe('fail');
    expect(finding.target).toBe(url('/whoami'));
    expect(JSON.stringify(finding)).toContain('rejected credentials monitor:***');
    expect(JSON.stringify(finding)).not.toContain('s3cr3t-Pa55');
  });

  it('sends headers and never shows a token', async () => {
    const finding = await runOne({
      kind: 'http',
      target: `${url('/whoami')}?api_key=k-123456`,
      headers: { Authorization: 'Bearer tok-abcdef' },
    });
    expect(finding.target).toBe(`${url('/whoami')}?api_key=***`);
    expect(finding.summary).toBe('HTTP 401 (expected 200)');
    expect(finding.evidence?.bodyExcerpt).toContain('rejected credentials ***');
    expect(JSON.stringify(finding)).not.toMatch(/tok-abcdef|k-123456/);
  });
});
