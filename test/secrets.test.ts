import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunChecksHandler } from '../functions/run-checks/handler.js';
import { parseConfig } from '../shared/config/load.js';
import { withCredentials } from '../shared/secrets/credentials.js';
import { startLocalRuntime, type LocalRuntime } from '../app/local/runtime.js';
import { startHttpTarget, type LocalTarget } from '../app/local/servers.js';
import { recordingLog } from './support/log.js';
import type { Notification } from '../shared/notifications/message.js';
import { minutesAfter, T0 } from './support/findings.js';

const PASSWORD = 'Sekr3t-Pa55';
const TOKEN = 'tok-9f8e7d6c5b';

let api: LocalTarget;
let runtime: LocalRuntime;
const sent: Notification[] = [];

beforeAll(async () => {
  // A server that puts the credentials it received into its error payload, as careless ones do.
  api = await startHttpTarget((req, res) => {
    const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    res
      .writeHead(503, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: `login failed for ${basic}`, checks: { database: `token ${req.headers['x-api-token']} rejected` } }));
  });
});
afterAll(async () => {
  await api.close();
  await runtime?.close();
});

describe('secrets', () => {
  it('never reach a DynamoDB item, a log line, a result or a notification', async () => {
    const config = parseConfig({
      checks: [
        {
          id: 'api-health',
          kind: 'http',
          target: `http://ops:${PASSWORD}@127.0.0.1:${api.port}/health`,
          headers: { 'X-Api-Token': TOKEN },
          healthReport: true,
          severity: 'P1',
          incident: { failureThreshold: 1, repeatMinutes: 1, respondMinutes: 2 },
        },
      ],
    });
    const { log, text } = recordingLog();
    let minute = 0;
    const clock = { now: () => minutesAfter(T0, minute) };
    runtime = await startLocalRuntime({ config, clock, log, onNotification: (_, n) => sent.push(n) });
    const handler = createRunChecksHandler({ config, log, clock, store: runtime.store });

    const results = [];
    for (minute = 0; minute < 4; minute++) results.push(await handler({ checks: ['api-health'] }));

    const everything = [JSON.stringify(await runtime.items()), text(), JSON.stringify(results), JSON.stringify(sent)].join('\n');
    // The secrets went through the whole pipeline (masked), so this test can fail.
    expect(sent.map((n) => n.subject)).toEqual(
      [
        '[P1][OPEN] api-health: HTTP 503 (expected 200); status login failed for ops:*** (database token *** rejected) for 1 checks',
        '[P1][STILL OPEN] api-health: HTTP 503 (expected 200); status login failed for ops:*** (database token *** rejected)',
        '[P1][ESCALATED] api-health: HTTP 503 (expected 200); status login failed for ops:*** (database token *** rejected)',
        '[P1][STILL OPEN] api-health: HTTP 503 (expected 200); status login failed for ops:*** (database token *** rejected)',
      ].map((s) => (s.length > 99 ? `${s.slice(0, 96)}...` : s)),
    );
    expect(everything).toContain('login failed for ops:***');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(TOKEN);
  });

  it('are taken out of a driver error, its message and its stack, before it leaves', async () => {
    const failing = withCredentials(
      { value: PASSWORD },
      undefined,
      () => false,
      async () => {
        const driverError = new Error(`connect failed for postgres://vigil:${PASSWORD}@db:5432`);
        void driverError.stack; // once read, a stack is fixed text, password and all
        throw driverError;
      },
    );
    const err = (await failing.catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('connect failed for postgres://***@db:5432');
    expect(err.stack).not.toContain(PASSWORD);
  });
});
