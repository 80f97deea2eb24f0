import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../shared/aws/ports.js';
import { mongoClientOptions } from '../../shared/db/mongo-session.js';
import { daysFrom, issueCertificate } from '../../app/local/certificates.js';
import type { SecretsPort } from '../../shared/secrets/credentials.js';
import { runOne, type TestCheck } from '../support/checks.js';
import { currentOp, documentdbOp, mongodbOp, notReplicaSet, replSetGetStatus, serverStatus, systemOps } from '../support/mongo-replies.js';
import { scriptedMongoCheck, startScriptedMongo, type MongoScript, type ScriptedMongo } from '../support/mongo-wire.js';

const SENTINEL = 'Sentinel-Mongo-7d1e';
const NOW = new Date();
let server: ScriptedMongo | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(script: Partial<MongoScript>) {
  server = await startScriptedMongo({ users: { vigil: SENTINEL }, replies: {}, ...script });
  return server;
}

const check = (s: ScriptedMongo, measure: string, extra: Record<string, unknown> = {}) => runOne(scriptedMongoCheck(s, SENTINEL, measure, extra) as TestCheck);

describe('mongo probe', () => {
  it('pings, authenticated, and reports the latency; a slow server warns', async () => {
    const s = await serve({ replies: { ping: { ok: 1 } } });
    const fast = await check(s, 'connectivity');
    expect(fast).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^ping in \d+ ms$/) });
    expect(s.commands.map((c) => Object.keys(c)[0])).toEqual(['ping']);

    s.commands.length = 0;
    await s.stop();
    const slow = await serve({ replies: { ping: async () => (await new Promise((r) => setTimeout(r, 150)), { ok: 1 }) } });
    expect(await check(slow, 'connectivity', { thresholds: { latencyMs: { warn: 100, fail: 1000 } } })).toMatchObject({ status: 'warn' });
  });

  it.each([
    ['mongodb', 50, 450, 'ok', '50 of 500 connections in use (10%)'],
    ['mongodb', 412, 88, 'warn', '412 of 500 connections in use (82.4%)'],
    ['documentdb', 460, 40, 'fail', '460 of 500 connections in use (92%)'],
  ] as const)('grades %s connections from serverStatus: %i used', async (flavor, current, available, status, summary) => {
    const s = await serve({ replies: { serverStatus: serverStatus(flavor, current, available) } });
    const finding = await check(s, 'connections', { flavor });
    expect(finding).toMatchObject({ status, summary, observed: { connections: current, maxConnections: current + available } });
    expect(finding.evidence).toMatchObject({ current, available, totalCreated: 15_231 });
  });

  describe('replication', () => {
    const members = (lagB: number, lagC: number) => [
      { name: 'mongo-a:27017', state: 'PRIMARY' as const },
      { name: 'mongo-b:27017', state: 'SECONDARY' as const, behind: lagB },
      { name: 'mongo-c:27017', state: 'SECONDARY' as const, behind: lagC },
    ];

    it('reports the lag of each secondary behind the primary', async () => {
      const s = await serve({ replies: { replSetGetStatus: replSetGetStatus(NOW, members(2, 1)) } });
      const finding = await check(s, 'replication');
      expect(finding).toMatchObject({
        status: 'ok',
        summary: 'primary mongo-a:27017; max lag 2 s (mongo-b:27017) over 2 secondaries',
        observed: { lagSeconds: 2, secondaries: 2 },
      });
      expect(finding.evidence?.members).toEqual([
        { name: 'mongo-a:27017', state: 'PRIMARY', health: 1 },
        { name: 'mongo-b:27017', state: 'SECONDARY', health: 1, lagSeconds: 2 },
        { name: 'mongo-c:27017', state: 'SECONDARY', health: 1, lagSeconds: 1 },
      ]);
    });

    it('fails a secondary far behind, naming it', async () => {
      const s = await serve({ replies: { replSetGetStatus: replSetGetStatus(NOW, members(3, 420)) } });
      expect(await check(s, 'replication')).toMatchObject({
        status: 'fail',
        summary: 'primary mongo-a:27017; max lag 420 s (mongo-c:27017) over 2 secondaries',
      });
    });

    it('warns of an unreachable member, and fails without a primary', async () => {
      const down = await serve({
        replies: { replSetGetStatus: replSetGetStatus(NOW, [...members(1, 1).slice(0, 2), { name: 'mongo-c:27017', state: '(not reachable/healthy)' }]) },
      });
      expect(await check(down, 'replication')).toMatchObject({
        status: 'warn',
        summary: 'primary mongo-a:27017; max lag 1 s (mongo-b:27017) over 1 secondary; mongo-c:27017 unreachable',
      });
      await down.stop();
      const headless = await serve({ replies: { replSetGetStatus: replSetGetStatus(NOW, members(1, 1).slice(1)) } });
      expect(await check(headless, 'replication')).toMatchObject({ status: 'fail', summary: 'no primary among 2 members' });
    });

    it('says plainly when the server has no replica set to measure', async () => {
      const s = await serve({ replies: { replSetGetStatus: notReplicaSet } });
      expect(await check(s, 'replication')).toMatchObject({
        status: 'warn',
        summary: expect.stringContaining('replSetGetStatus is not available here (not running with --replSet)'),
      });
    });
  });

  describe('long-ops', () => {
    it.each([
      ['mongodb', mongodbOp],
      ['documentdb', documentdbOp],
    ] as const)("lists the clients' operations over the limit on %s, never the server's own, with values masked", async (flavor, op) => {
      const inprog = [
        op({ opid: 4101, seconds: 412, app: 'orders-api' }),
        op({
          opid: 4102,
          seconds: 95,
          op: 'command',
          ns: 'analytics.events',
          app: 'reporting',
          command: { aggregate: 'events', pipeline: [{ $match: { country: 'FR' } }], cursor: {}, $db: 'analytics' },
        }),
        op({ opid: 4103, seconds: 3, app: 'orders-api' }),
        op({ opid: 4104, seconds: 0, op: 'command', ns: 'admin.$cmd', app: 'vigil', command: { currentOp: 1, active: true, $db: 'admin' } }),
        ...systemOps,
      ];
      const s = await serve({ replies: { currentOp: currentOp(inprog) } });
      const finding = await check(s, 'long-ops', { flavor });
      expect(finding).toMatchObject({
        status: 'fail',
        summary: '2 operations running over 60 s (oldest 412 s, opid 4101, query on orders.items, orders-api)',
        observed: { operations: 2, oldestSeconds: 412 },
      });
      const listed = finding.evidence?.operations as { opid: number; command: string }[];
      expect(listed.map((o) => o.opid)).toEqual([4101, 4102]);
      expect(listed[1]!.command).toBe('{"aggregate":"events","pipeline":[{"$match":{"country":"?"}}],"cursor":{},"$db":"analytics"}');
      expect(JSON.stringify(finding)).not.toContain('jane@example.com');
      expect(s.commands[0]).toMatchObject({ currentOp: 1, active: true });
    });

    it("is an error naming the role when the user may not see every client's operations (no clusterMonitor)", async () => {
      const unauthorized = { ok: 0, errmsg: 'not authorized on admin to execute command { currentOp: 1 }', code: 13, codeName: 'Unauthorized' };
      const s = await serve({ replies: { currentOp: unauthorized, serverStatus: unauthorized } });
      for (const measure of ['long-ops', 'connections']) {
        expect(await check(s, measure)).toMatchObject({ status: 'error', summary: expect.stringMatching(/^setup error: .*not authorized.*clusterMonitor/) });
      }
    });

    it('passes when nothing runs that long', async () => {
      const s = await serve({ replies: { currentOp: currentOp([mongodbOp({ opid: 1, seconds: 5 }), ...systemOps]) } });
      expect(await check(s, 'long-ops')).toMatchObject({ status: 'ok', summary: 'no operation running over 60 s' });
    });
  });

  describe('credentials', () => {
    const SECRET = 'orders-docdb-vigil';
    const rotatingSecrets = (values: string[]) => {
      const reads: boolean[] = [];
      const port: SecretsPort = {
        async getSecret(id, fresh) {
          expect(id).toBe(SECRET);
          reads.push(fresh);
          return JSON.stringify({ username: 'vigil', password: values[Math.min(reads.length - 1, values.length - 1)] });
        },
      };
      return { aws: { secrets: port } as unknown as AwsPorts, reads };
    };
    const withSecret = (s: ScriptedMongo, aws: AwsPorts, flavor = 'documentdb') =>
      runOne({ kind: 'mongo', target: `${s.host}:${s.port}`, password: { secret: SECRET }, flavor, tls: false, directConnection: true } as TestCheck, { aws });

    it.each(['SCRAM-SHA-1', 'SCRAM-SHA-256'] as const)('picks up a rotated password after one fresh read (%s)', async (mechanism) => {
      const s = await serve({ mechanism, replies: { ping: { ok: 1 } } });
      const { aws, reads } = rotatingSecrets([`${SENTINEL}-before-rotation`, SENTINEL]);
      expect(await withSecret(s, aws)).toMatchObject({ status: 'ok' });
      expect(reads).toEqual([false, true]);
    });

    it('never shows the password: not with a wrong one, not against a closed port', async () => {
      const s = await serve({ replies: { ping: { ok: 1 } } });
      const { aws } = rotatingSecrets([`${SENTINEL}-wrong`]);
      const rejected = await withSecret(s, aws);
      const refused = await runOne({ kind: 'mongo', target: '127.0.0.1:1', password: { value: SENTINEL }, tls: false, directConnection: true } as TestCheck);
      expect(rejected).toMatchObject({ status: 'fail', summary: 'cannot connect: Authentication failed. (AuthenticationFailed 18)' });
      expect(refused).toMatchObject({ status: 'fail', summary: expect.stringContaining('cannot connect') });
      expect(JSON.stringify([rejected, refused])).not.toContain(SENTINEL);
    });
  });

  describe('TLS, as DocumentDB requires it', () => {
    it('connects when the CA bundle is given, and refuses a server it cannot verify', async () => {
      const cert = await issueCertificate({ notBefore: daysFrom(NOW, -1), notAfter: daysFrom(NOW, 30) });
      const dir = mkdtempSync(join(tmpdir(), 'vigil-ca-'));
      writeFileSync(join(dir, 'global-bundle.pem'), cert.ca);
      const s = await serve({ mechanism: 'SCRAM-SHA-1', maxWireVersion: 13, tls: cert, replies: { ping: { ok: 1 } } });
      const docdb = (extra: object) => check(s, 'connectivity', { flavor: 'documentdb', tls: true, ...extra });
      expect(await docdb({ caBundle: join(dir, 'global-bundle.pem') })).toMatchObject({ status: 'ok' });
      const untrusted = await docdb({});
      expect(untrusted).toMatchObject({ status: 'fail', summary: expect.stringMatching(/cannot connect: .*certificate/i) });
    });
  });

  it("sets DocumentDB's driver options: no retryable writes, TLS with the bundle, credentials outside the URL", () => {
    const options = mongoClientOptions(
      {
        target: 'orders.cluster-c1.eu-west-1.docdb.amazonaws.com:27017',
        flavor: 'documentdb',
        password: { secret: 's' },
        authSource: 'admin',
        tls: true,
        caBundle: '/opt/global-bundle.pem',
        replicaSet: 'rs0',
        directConnection: false,
      },
      { user: 'vigil', password: SENTINEL },
      10_000,
    );
    expect(options).toMatchObject({
      retryWrites: false,
      tls: true,
      tlsCAFile: '/opt/global-bundle.pem',
      replicaSet: 'rs0',
      auth: { username: 'vigil', password: SENTINEL },
      maxPoolSize: 1,
    });
  });
});
