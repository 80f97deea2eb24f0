import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeartbeatHandler } from '../../functions/heartbeat/handler.js';
import { createRunChecksHandler, type RunChecksSummary } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { serveFunctionUrl } from '../../app/local/function-url.js';
import type { LocalTarget } from '../../app/local/servers.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { freshTable, startLocalDynamo } from '../support/dynamo.js';
import { silentLog } from '../../shared/log.js';

// A job reports in over HTTP, as it would to the function URL; the schedule reads the newest report;
// a report missing past its period and grace opens an incident like any failing check.

const TOKEN = 'hb-token-7Qm2xZ9kLp4Wv8Rt3Ns6';
const config = parseConfig({
  checks: [
    { id: 'nightly-backup', kind: 'heartbeat', target: 'nightly pg_dump of billing', periodMinutes: 1440, graceMinutes: 60, severity: 'P2' },
    { id: 'monthly-certs', kind: 'heartbeat', periodMinutes: 43200 },
  ],
});

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let store: DynamoStateStore;
let endpoint: LocalTarget;
let now = new Date('2026-11-23T02:10:00Z');
const clock = { now: () => now };

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  store = new DynamoStateStore(dynamo.doc, await freshTable(dynamo));
  const handler = createHeartbeatHandler({
    config,
    store,
    tokenOf: async (id) => (id === 'nightly-backup' ? TOKEN : 'another-token-entirely-0000'),
    log: silentLog,
    clock,
  });
  endpoint = await serveFunctionUrl(handler);
});
afterAll(async () => {
  await endpoint?.close();
  await dynamo?.close();
});

const report = (path: string, init: RequestInit = {}) =>
  fetch(`http://${endpoint.host}:${endpoint.port}${path}`, {
    method: 'POST',
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as object) },
  });
const round = async () =>
  (await createRunChecksHandler({ config, log: silentLog, clock, store, aws: {} as never })({ checks: ['nightly-backup'] })) as RunChecksSummary;

describe('a heartbeat', () => {
  it('records a report sent with its token, with a status and a short message', async () => {
    const res = await report('/nightly-backup', { body: JSON.stringify({ status: 'ok', message: 'backup finished\n12.4 GB in 9 min' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checkId: 'nightly-backup', status: 'ok', message: 'backup finished 12.4 GB in 9 min', via: 'url' });
    expect(await store.getHeartbeat('nightly-backup')).toEqual({
      at: now.toISOString(),
      status: 'ok',
      message: 'backup finished 12.4 GB in 9 min',
      via: 'url',
    });
  });

  it('refuses a wrong or missing token, an unknown heartbeat, and a bad status, each saying why, and records nothing', async () => {
    const before = await store.getHeartbeat('nightly-backup');
    expect((await report('/nightly-backup', { headers: { authorization: 'Bearer not-it' } })).status).toBe(401);
    expect((await fetch(`http://${endpoint.host}:${endpoint.port}/nightly-backup`, { method: 'POST' })).status).toBe(401);
    // The URL is public: an unknown heartbeat is answered as a wrong token is, so it tells nothing of which exist.
    const unknown = await report('/weekly-reindex');
    const wrong = await report('/nightly-backup', { headers: { authorization: 'Bearer not-it' } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
    const bad = await report('/nightly-backup?status=maybe');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^status: /);
    expect(await store.getHeartbeat('nightly-backup')).toEqual(before);
  });

  it('passes while the last report is within its period, and a report of failure fails', async () => {
    now = new Date('2026-11-23T20:00:00Z');
    expect((await round()).findings[0]).toMatchObject({ status: 'ok', summary: 'reported 17.8 h ago: backup finished 12.4 GB in 9 min' });
    await report('/nightly-backup?status=fail&message=pg_dump%3A%20connection%20refused');
    expect((await round()).findings[0]).toMatchObject({ status: 'fail', summary: 'the job reported failure 0 min ago: pg_dump: connection refused' });
    await report('/nightly-backup', { body: JSON.stringify({ message: 'retried by hand' }) });
  });

  it('fails once the report is missing past its period and grace, and opens an incident', async () => {
    now = new Date('2026-11-24T21:30:00Z');
    const summary = await round();
    expect(summary.findings[0]).toMatchObject({ status: 'fail', summary: 'missing: last report 25.5 h ago (expected every 24 h, 1 h grace): retried by hand' });
    expect(summary.incidents?.transitions).toEqual([expect.objectContaining({ kind: 'opened' })]);
  });

  it('keeps the newest report when an older one arrives late', async () => {
    const newer = { at: '2026-11-25T02:00:00.000Z', status: 'ok' as const, via: 'cli' as const };
    await store.putHeartbeat('monthly-certs', newer);
    await store.putHeartbeat('monthly-certs', { at: '2026-11-25T01:00:00.000Z', status: 'fail', via: 'url' });
    expect(await store.getHeartbeat('monthly-certs')).toEqual(newer);
  });
});
