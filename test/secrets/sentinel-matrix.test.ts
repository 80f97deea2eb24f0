import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { createStateTable, startLocalDynamo, type LocalDynamo } from '../../app/local/dynamo.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { streamRecord } from '../../app/local/stream.js';
import { synthFunctions, type BuiltFunction } from '../support/lambda/built.js';
import { NODE_22 } from '../support/node22.js';
import { startEchoPg } from '../support/wire/echo-pg.js';
import { fakeSecrets } from '../support/wire/fake-secrets.js';
import { FakeSns } from '../support/wire/fake-sns.js';
import { FakeEvents } from '../support/wire/fake-events.js';
import { FakeLambdaEvents } from '../support/wire/fake-lambda-events.js';
import { FakeS3 } from '../support/wire/fake-s3.js';
import { forwardTo, serve } from '../support/wire/serve.js';

// Every place a secret can be configured × every way a target can echo it × every sink it could reach.
// The functions run as Lambda runs them (built assets on Node.js 22, AWS on loopback), the CLI as a process.

const run = promisify(execFile);
const INVOKE = fileURLToPath(new URL('../support/lambda/invoke-asset.mjs', import.meta.url));
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const TABLE = 'vigil-sentinel';

const HTTP_PLACES = [
  'url-user-info',
  'bearer-header',
  'api-key-header',
  'cookie-header',
  'token-query',
  'header-from-secret',
  'header-from-env',
  'basic-auth-from-secret',
] as const;
const HTTP_ECHOES = ['plain', 'json', 'base64', 'percent', 'redirect', 'straddle', 'component', 'not-json', 'fragment'] as const;
// A PostgreSQL server that asks for the password in clear text can echo it in its error message.
const PG_PLACES = ['pg-password-value', 'pg-password-env', 'pg-password-secret'] as const;
const PG_ECHOES = ['plain', 'json', 'base64', 'percent'] as const;
type Place = (typeof HTTP_PLACES)[number] | (typeof PG_PLACES)[number];
type Echo = (typeof HTTP_ECHOES)[number];

/** A sentinel per cell, unique in every 8 characters, with characters that each encoding changes. */
function sentinel(place: Place, echo: Echo): string {
  const h = createHash('sha256').update(`${place}/${echo}`).digest('hex');
  return `${h.slice(0, 6)}/${h.slice(6, 10)}+"${h.slice(10, 14)}\\&=${h.slice(14, 18)}`;
}

const cell = (place: Place, echo: Echo) => ({ place, echo, id: `${place}-${echo}`, secret: sentinel(place, echo) });
const cells = [
  ...HTTP_PLACES.flatMap((place) => HTTP_ECHOES.map((echo) => cell(place, echo))),
  ...PG_PLACES.flatMap((place) => PG_ECHOES.map((echo) => cell(place, echo))),
];
const envName = (id: string) => `SENTINEL_${id.replaceAll('-', '_').toUpperCase()}`;
const secretName = (id: string) => `sentinel/${id}`;

function checkFor(cell: (typeof cells)[number], origin: string, pgPort: number): Record<string, unknown> {
  const path = `/echo/${cell.echo}`;
  const pg = {
    id: cell.id,
    kind: 'pg',
    schedule: 'rate(5 minutes)',
    severity: 'P2',
    incident: { failureThreshold: 1 },
    target: `127.0.0.1:${pgPort}/${cell.echo}`,
    user: 'vigil',
    ssl: 'disable',
  };
  const base = {
    id: cell.id,
    kind: 'http',
    schedule: 'rate(5 minutes)',
    severity: 'P2',
    incident: { failureThreshold: 1 },
    healthReport: ['json', 'component', 'not-json', 'fragment'].includes(cell.echo),
  };
  const s = encodeURIComponent(cell.secret);
  switch (cell.place) {
    case 'url-user-info':
      return { ...base, target: `${origin.replace('://', `://ops:${s}@`)}${path}` };
    case 'bearer-header':
      return { ...base, target: origin + path, headers: { Authorization: `Bearer ${cell.secret}` } };
    case 'api-key-header':
      return { ...base, target: origin + path, headers: { 'X-Api-Key': cell.secret } };
    case 'cookie-header':
      return { ...base, target: origin + path, headers: { Cookie: `session=${cell.secret}; theme=dark` } };
    case 'token-query':
      return { ...base, target: `${origin}${path}?token=${s}` };
    case 'header-from-secret':
      return { ...base, target: origin + path, headers: { 'X-Upstream': { secret: secretName(cell.id) } } };
    case 'header-from-env':
      return { ...base, target: origin + path, headers: { Authorization: { env: envName(cell.id) } } };
    case 'basic-auth-from-secret':
      return { ...base, target: origin + path, basicAuth: { user: 'ops', password: { secret: secretName(cell.id) } } };
    case 'pg-password-value':
      return { ...pg, password: { value: cell.secret } };
    case 'pg-password-env':
      return { ...pg, password: { env: envName(cell.id) } };
    case 'pg-password-secret':
      return { ...pg, password: { secret: secretName(cell.id) } };
  }
}

/** What a careless server takes as the caller's credential, decoded as it would decode it. */
function credentialIn(req: IncomingMessage, url: URL): string {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8');
  if (auth) return auth.replace(/^\w+ /, '');
  return String(req.headers['x-api-key'] ?? req.headers['x-upstream'] ?? req.headers.cookie ?? url.searchParams.get('token') ?? '');
}

/** Echoes the credential back, each path in its own way, as the servers that leaked it did. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const [, kind, mode] = url.pathname.split('/');
  if (kind === 'landing') return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`came from ${url.search}`);
  const got = credentialIn(req, url);
  const text = (status: number, body: string) => void res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  switch (mode as Echo) {
    case 'plain':
      return text(401, `denied: ${got}`);
    case 'json':
      return void res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: `down for ${got}`, error: `denied: ${got}`, raw: req.headers.authorization ?? null }));
    case 'base64':
      return text(401, `denied: ${Buffer.from(got).toString('base64')} (${req.headers.authorization ?? ''})`);
    case 'percent':
      return text(401, `denied: ${encodeURIComponent(got)}`);
    case 'redirect':
      return void res.writeHead(302, { location: `/landing/here?echo=${encodeURIComponent(got)}` }).end();
    case 'straddle':
      // The credential starts before the excerpt's 500th character and ends after it.
      return text(503, `${'x'.repeat(500 - Math.floor(got.length / 2))}${got} and more`);
    case 'component':
      // A long component name, cut to 64 characters in the secret's middle.
      return void res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'down', checks: { [`${'c'.repeat(52)}${got}`]: 'down', cache: 'up' } }));
    case 'not-json':
      return text(503, `${got} is not allowed here`);
    case 'fragment':
      // Only the credential's tail, inside a JSON key: no whole form of it anywhere.
      return void res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'down', checks: { [`db-${got.slice(-14)}`]: 'down' } }));
  }
}

/**
 * Each form a leak of `secret` could take (worked out here, not by the code under test), and every
 * 8-character piece of it that carries some of the secret.
 */
function leakPieces(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const plain = [secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2)].map((form) => ({
    form,
    from: 0,
    to: form.length,
  }));
  // Base64 of the secret inside what the servers encode: the characters that depend on the secret, and pieces touching them.
  const encoded = ['', 'ops:', 'session='].flatMap((prefix) => {
    const b = Buffer.from(`${prefix}${secret}; x`).toString('base64');
    const span = { from: Math.ceil((prefix.length * 8) / 6), to: Math.floor(((prefix.length + Buffer.byteLength(secret)) * 8) / 6) };
    return [b, b.replaceAll('+', '-').replaceAll('/', '_')].map((form) => ({ form, ...span }));
  });
  return [
    ...new Set(
      [...plain, ...encoded].flatMap(({ form, from, to }) => range(Math.max(0, from - 7), Math.min(to, form.length - 7)).map((i) => form.slice(i, i + 8))),
    ),
  ];
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

function leaks(sinks: Record<string, string>): string[] {
  return cells.flatMap(({ id, secret }) => {
    const pieces = leakPieces(secret);
    return Object.entries(sinks).flatMap(([sink, text]) => {
      const piece = pieces.find((p) => text.includes(p));
      return piece ? [`${id} → ${sink}: "${piece}"`] : [];
    });
  });
}

/** How the hostile PostgreSQL server quotes the password, by the database the check names. */
function pgEcho(password: string, echo: string): string {
  if (echo === 'json') return JSON.stringify({ password });
  if (echo === 'base64') return Buffer.from(password).toString('base64');
  if (echo === 'percent') return encodeURIComponent(password);
  return password;
}

let api: LocalTarget;
let pgServer: { port: number; close(): Promise<void> };
let local: LocalDynamo;
let services: { url: string; close(): Promise<void> }[];
const sns = new FakeSns();
const events = new FakeEvents();
const lambda = new FakeLambdaEvents();
const calls: string[] = [];
const secretValues = new Map(cells.filter((c) => c.place.endsWith('-secret')).map((c) => [secretName(c.id), c.secret]));
const envValues = Object.fromEntries(
  cells.filter((c) => c.place.endsWith('-env')).map((c) => [envName(c.id), c.place === 'header-from-env' ? `Token ${c.secret}` : c.secret]),
);
let rawConfig: { checks: Record<string, unknown>[] };
let configFile: string;

beforeAll(async () => {
  api = await startHttpTarget(echo);
  pgServer = await startEchoPg(pgEcho);
  rawConfig = { checks: cells.map((c) => checkFor(c, `http://127.0.0.1:${api.port}`, pgServer.port)) };
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sentinel-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  configFile = join(dir, 'sentinel.config.ts');
  writeFileSync(configFile, `export default ${JSON.stringify(rawConfig)};`);
  local = await startLocalDynamo();
  await createStateTable(local.client, TABLE);
  services = await Promise.all([
    serve('dynamodb', forwardTo(local.endpoint), calls),
    serve('sns', sns.handler, calls),
    serve('secretsmanager', fakeSecrets(secretValues), calls),
    serve('events', events.handler, calls),
    serve('s3', new FakeS3().handler, calls),
    serve('lambda', lambda.handler, calls),
  ]);
});

afterAll(async () => {
  await Promise.all(services?.map((s) => s.close()) ?? []);
  await local?.close();
  await api?.close();
  await pgServer?.close();
});

const awsEnv = () => {
  const [dynamodb, snsEndpoint, secrets, eventBridge, s3, lambdaEndpoint] = services;
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'sentinel',
    AWS_SECRET_ACCESS_KEY: 'sentinel',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb!.url,
    AWS_ENDPOINT_URL_SNS: snsEndpoint!.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets!.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge!.url,
    AWS_ENDPOINT_URL_S3: s3!.url,
    AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint!.url,
    ...envValues,
  };
};

describe('a secret, in every form a target echoes it', () => {
  it("reaches no sink: the CLI's output, as a process", async () => {
    // Exit 1: checks failed, as they should.
    const { stdout, stderr, code } = await run(process.execPath, [VIGIL, 'run', '--config', configFile, '--json'], { env: awsEnv(), timeout: 120_000 }).then(
      (out) => ({ ...out, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(code, stderr).toBe(1);
    const findings = JSON.parse(stdout) as { checkId: string; status: string }[];
    expect(findings.map((f) => f.status)).toEqual(cells.map(() => 'fail'));
    expect(leaks({ 'vigil run stdout': stdout, 'vigil run stderr': stderr })).toEqual([]);
    // Each echo reached the output, masked: without the masking, the line above would find it.
    expect(findings.filter((f) => JSON.stringify(f).includes('***')).map((f) => f.checkId)).toEqual(cells.map((c) => c.id));
  });

  describe.skipIf(!NODE_22)('the deployed functions, as Lambda runs them', () => {
    let fns: BuiltFunction[];
    let schedules: { target: string; input: unknown }[];

    beforeAll(() => void ({ functions: fns, schedules } = synthFunctions(parseConfig(rawConfig), 'Sentinel', TABLE)), 240_000);

    async function invoke(fnId: string, event: unknown): Promise<string> {
      const fn = fns.find((f) => f.id === fnId)!;
      const { stdout, stderr } = await run(NODE_22!, [INVOKE, fn.asset, fn.handler, JSON.stringify(event)], {
        timeout: 120_000,
        env: { ...awsEnv(), ...fn.environment, AWS_LAMBDA_FUNCTION_NAME: fn.id },
      });
      return `${stdout}\n${stderr}`;
    }

    it('reaches no DynamoDB item, log line, metric, result, SNS message or EventBridge event', async () => {
      const sinks: Record<string, string> = {};
      const before = calls.length;
      // Each schedule's tick through dispatch, then each event it queued through its run-checks function.
      const started: { functionName: string; payload: unknown }[] = [];
      for (const schedule of schedules) {
        const queued = lambda.queued.length;
        sinks[`${schedule.target} output`] = await invoke(schedule.target, schedule.input);
        started.push(...lambda.queued.slice(queued));
      }
      expect(started.length).toBeGreaterThan(0);
      for (const { functionName, payload } of started) {
        const from = calls.length;
        sinks[`${functionName} output`] = await invoke(functionName, payload);
        // Reading a header's secret is a call its role allows, as deployed.
        const allowed = fns.find((f) => f.id === functionName)!.allowed;
        expect(calls.slice(from).filter((c) => !allowed.has(c.replace(' ', ':').split(' ')[0]!))).toEqual([]);
      }
      const items = (await local.doc.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
      // What DynamoDB Streams would carry for this round's check-state writes, delivered to notify.
      const states = items.filter((i) => i.type === 'check').map((i) => i.state as CheckState);
      expect(states).toHaveLength(cells.length);
      const notifier = fns.find((f) => f.id.startsWith('NotifierFunction'))!;
      sinks['notify output'] = await invoke(notifier.id, { Records: states.map((s, i) => streamRecord(undefined, s, i + 1)) });
      const stored = (await local.doc.send(new ScanCommand({ TableName: TABLE }))).Items ?? [];
      sinks['DynamoDB items'] = JSON.stringify(stored);
      // A bucket's summary is stored gzipped: read as a round reads it.
      const summaries = stored.filter((i) => i.type === 'summary');
      expect(summaries.length).toBeGreaterThan(0);
      sinks['bucket summaries'] = summaries.map((i) => gunzipSync(i.summary as Uint8Array).toString('utf8')).join('\n');
      sinks['SNS subjects'] = sns.published.map((p) => p.subject).join('\n');
      sinks['SNS bodies'] = sns.published.map((p) => p.message).join('\n');
      sinks['SNS attributes'] = JSON.stringify(sns.published.map((p) => p.attributes));
      // The hand-off events leave the account as the messages do.
      expect(events.put).toHaveLength(sns.published.length);
      sinks['EventBridge events'] = JSON.stringify(events.put);

      expect(leaks(sinks)).toEqual([]);
      expect(calls.slice(before)).toContain('secretsmanager GetSecretValue');
      expect(sns.published.length).toBeGreaterThanOrEqual(cells.length);
      // Each echo reached the table, masked: without the masking, the first assertion would find it.
      const findings = items.filter((i) => i.type === 'finding').map((i) => i.finding as { checkId: string });
      const masked = findings.filter((f) => JSON.stringify(f).includes('***')).map((f) => f.checkId);
      expect(masked.sort()).toEqual(cells.map((c) => c.id).sort());
    }, 240_000);
  });
});
