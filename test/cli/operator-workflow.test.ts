import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { FakeEcs } from '../support/wire/fake-ecs.js';
import { serve } from '../support/wire/serve.js';

// The operator's section of docs/operations.md, walked with the CLI as an operator on a laptop would: one process per
// step, the state lasting in .vigil/ between them, notify fed by the local stream. ECS answers on loopback.

const run = promisify(execFile);
const VIGIL = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const EVENTS = fileURLToPath(new URL('../../events/', import.meta.url));

let api: LocalTarget;
let healthy = true;
const ecs = new FakeEcs();
let ecsServer: { url: string; close(): Promise<void> };
let dir: string;

beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down'));
  ecsServer = await serve('ecs', ecs.handler, []);
  dir = mkdtempSync(join(tmpdir(), 'vigil-operator-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const config = {
    checks: [
      { id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health`, severity: 'P1', incident: { failureThreshold: 1 } },
      { id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api' },
    ],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [
          { diagnose: ['orders-api-service'] },
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } },
          { escalate: 'restart did not help' },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'vigil.config.ts'), `export default ${JSON.stringify(config)};`);
});

afterAll(async () => {
  await ecsServer?.close();
  await api?.close();
});

/** One `vigil invoke`, as typed in the project's folder: its answer, its exit code, the notifications it printed. */
async function invoke(fn: string, event: unknown, ...flags: string[]): Promise<{ answer: any; code: number; notified: string[]; stderr: string }> {
  const file = typeof event === 'string' ? join(EVENTS, event) : join(dir, `event-${Date.now()}.json`);
  if (typeof event !== 'string') writeFileSync(file, JSON.stringify(event));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'laptop',
    AWS_SECRET_ACCESS_KEY: 'laptop',
    AWS_ENDPOINT_URL_ECS: ecsServer.url,
  };
  const out = await run(process.execPath, [VIGIL, 'invoke', fn, '--event', file, ...flags], { cwd: dir, env, timeout: 60_000 }).then(
    (o) => ({ ...o, code: 0 }),
    (e: { stdout: string; stderr: string; code: number }) => e,
  );
  const notified = out.stderr
    .split('\n')
    .filter((l) => l.startsWith('notification'))
    .map((l) => l.replace(/^notification \((\w+) topic\): /, '$1: '));
  return { answer: out.stdout ? JSON.parse(out.stdout) : undefined, code: out.code, notified, stderr: out.stderr };
}

const by = { by: 'alice', reason: 'walking the runbook' };

describe("the operator's workflow, with the CLI on a laptop", () => {
  it('ALARM, a duplicate, OK, a failing check, ack, resolve, silence, the kill switch, reset', async () => {
    // ALARM: the runbook restarts the service once, verifies, and the on-call hears of it.
    const alarm = await invoke('on-alarm', 'alarm-metric.json');
    expect(alarm.answer).toMatchObject({ runbook: 'orders-api-5xx', verdict: 'fixed' });
    expect(ecs.applied).toHaveLength(1);
    expect(alarm.notified).toEqual([
      expect.stringMatching(/^alerts: \[P1\]\[OPEN\] alarm:orders-api-5xx-rate: /),
      'alerts: [P1][ACTION TAKEN] alarm:orders-api-5xx-rate: new deployment of prod/orders-api started',
    ]);

    // The same event delivered again: the first answer, no second restart, no second message.
    const again = await invoke('on-alarm', 'alarm-metric.json');
    expect(again.answer).toMatchObject({ verdict: 'fixed', replay: { firstVerdict: 'fixed' } });
    expect(ecs.applied).toHaveLength(1);
    expect(again.notified).toEqual([]);

    // OK: the alarm's incident resolves.
    const ok = await invoke('on-alarm', 'alarm-ok.json');
    expect(ok.notified).toEqual([expect.stringMatching(/^alerts: \[P1\]\[RESOLVED\] alarm:orders-api-5xx-rate: /)]);

    // A check fails: its incident opens, and the index notify writes lists it.
    healthy = false;
    const round = await invoke('run-checks', { checks: ['api-health'] });
    expect(round.notified).toEqual([expect.stringMatching(/^alerts: \[P1\]\[OPEN\] api-health: HTTP 503/)]);
    expect((await invoke('incidents', 'incidents-list.json')).answer).toMatchObject({ count: 1, incidents: [{ id: 'api-health/1', state: 'open' }] });

    // Ack, then resolve: each is on the timeline and each tells the on-call.
    const ack = await invoke('incidents', { op: 'ack', incident: 'api-health/1', ...by });
    expect(ack.notified).toEqual([expect.stringMatching(/^alerts: \[P1\]\[ACK\] api-health/)]);
    expect((await invoke('incidents', 'incidents-list.json')).answer).toMatchObject({ count: 1, incidents: [{ id: 'api-health/1', state: 'acknowledged' }] });
    const resolved = await invoke('incidents', { op: 'resolve', incident: 'api-health/1', ...by });
    expect(resolved.notified).toEqual([expect.stringMatching(/^alerts: \[P1\]\[RESOLVED\] api-health/)]);
    expect((await invoke('incidents', 'incidents-list.json')).answer).toMatchObject({ count: 0 });
    const story = await invoke('incidents', { op: 'get', incident: 'api-health/1' });
    expect(JSON.stringify(story.answer.timeline)).toMatch(/acknowledged[\s\S]*alice[\s\S]*resolved/);

    // Silenced: the check still fails, its new incident opens silenced, and nobody is paged.
    await invoke('incidents', { op: 'silence', check: 'api-health', for: '2h', ...by });
    const quiet = await invoke('run-checks', { checks: ['api-health'] });
    expect(quiet.answer).toMatchObject({ counts: { fail: 1 } });
    expect(quiet.notified.filter((n) => n.includes('[OPEN]'))).toEqual([]);
    expect((await invoke('incidents', { op: 'get', incident: 'api-health/2' })).answer).toMatchObject({ incident: { silenced: expect.anything() } });

    // The kill switch: the next alarm is held, not acted on, and escalated to a human.
    const off = await invoke('remediate', { automation: 'off', ...by });
    expect(off.code).toBe(0);
    const next = JSON.parse(readFileSync(join(EVENTS, 'alarm-metric.json'), 'utf8'));
    const held = await invoke('on-alarm', { ...next, id: 'b1f0c9d8-0000-4000-8000-000000000001' });
    expect(ecs.applied).toHaveLength(1);
    expect(held.answer).toMatchObject({
      verdict: 'escalated',
      steps: [
        { step: 'diagnose' },
        { step: 'act orders-api-restart', outcome: 'escalated', detail: expect.stringMatching(/automatic actions are switched off by alice/) },
      ],
    });
    expect(held.notified).toEqual(expect.arrayContaining([expect.stringMatching(/\[ESCALATED\] alarm:orders-api-5xx-rate/)]));

    // --reset: a clean slate.
    await invoke('incidents', 'incidents-list.json', '--reset');
    expect((await invoke('incidents', 'incidents-list.json')).answer).toMatchObject({ count: 0 });
  }, 180_000);
});

describe('a runbook a check starts, with the CLI on a laptop', () => {
  it('runs from the local stream when run-checks opens the incident, and the next round resolves it', async () => {
    const config = {
      checks: [
        {
          id: 'api-health',
          kind: 'http',
          target: `http://127.0.0.1:${api.port}/health`,
          severity: 'P1',
          incident: { failureThreshold: 1, successThreshold: 1 },
        },
      ],
      remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
      runbooks: [
        { id: 'api-down', match: { checks: { ids: ['api-health'] } }, steps: [{ act: 'orders-api-restart' }, { verify: { settleSeconds: 0, attempts: 1 } }] },
      ],
    };
    writeFileSync(join(dir, 'auto.config.ts'), `export default ${JSON.stringify(config)};`);
    const before = ecs.applied.length;
    healthy = false;
    // The fake ECS "restart" brings the API back, as a real one would.
    const restarted = setInterval(() => ecs.applied.length > before && (healthy = true), 5);
    try {
      const round = await invoke('run-checks', { checks: ['api-health'] }, '--config', 'auto.config.ts', '--reset');
      expect(round.notified).toEqual([
        expect.stringMatching(/^alerts: \[P1\]\[OPEN\] api-health/),
        'alerts: [P1][ACTION TAKEN] api-health: new deployment of prod/orders-api started',
      ]);
      expect(ecs.applied.length - before).toBe(1);
      expect(round.stderr).toMatch(/api-health opened: fixed/);
      const next = await invoke('run-checks', { checks: ['api-health'] }, '--config', 'auto.config.ts');
      expect(next.notified).toEqual([expect.stringMatching(/^alerts: \[P1\]\[RESOLVED\] api-health: .*\(fixed by Vigil\)$/)]);
    } finally {
      clearInterval(restarted);
    }
  }, 60_000);
});

describe('a remediation run by hand that a check-started runbook also uses', () => {
  // The runbook's verify names no check: "re-run the check that started me". Run by hand, there is no such run.
  const config = {
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:PORT/health`, severity: 'P1', incident: { failureThreshold: 1 } }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'observe', cooldownMinutes: 15 }],
    runbooks: [
      { id: 'api-down', match: { checks: { ids: ['api-health'] } }, steps: [{ act: 'orders-api-restart' }, { verify: { settleSeconds: 0, attempts: 1 } }] },
    ],
  };
  const write = () => writeFileSync(join(dir, 'manual.config.ts'), `export default ${JSON.stringify(config).replace('PORT', String(api.port))};`);
  const request = { remediation: 'orders-api-restart', dryRun: false, approvedBy: 'alice', reason: 'pods are wedged' };

  it("acts on the incident, verifies with the incident's check, and tells the on-call what was done", async () => {
    write();
    healthy = false;
    const round = await invoke('run-checks', { checks: ['api-health'] }, '--config', 'manual.config.ts', '--reset');
    // Its runbook, in observe mode, says what it would have done.
    expect(round.notified).toEqual([
      expect.stringMatching(/\[OPEN\] api-health/),
      expect.stringMatching(/\[DRY RUN\] api-health: would force a new deployment of prod\/orders-api/),
    ]);
    const before = ecs.applied.length;
    healthy = true;
    const manual = await invoke('remediate', { ...request, incident: 'api-health/1' }, '--config', 'manual.config.ts');
    expect(manual.stderr).not.toMatch(/TypeError/);
    expect(manual.code).toBe(0);
    expect(ecs.applied.length - before).toBe(1);
    expect(manual.answer).toMatchObject({ outcome: 'acted', verified: expect.stringMatching(/^api-health ok/) });
    expect(manual.notified).toEqual([expect.stringMatching(/\[ACTION TAKEN\] api-health/)]);
  }, 60_000);

  it('without an incident, verifies the one check the runbook watches; a second run within the cooldown is refused with exit 1', async () => {
    write();
    healthy = true;
    const before = ecs.applied.length;
    const manual = await invoke('remediate', request, '--config', 'manual.config.ts', '--reset');
    expect(manual.stderr).not.toMatch(/TypeError/);
    expect(manual.code).toBe(0);
    expect(ecs.applied.length - before).toBe(1);
    expect(manual.answer).toMatchObject({ outcome: 'acted', verified: expect.stringMatching(/^api-health ok/) });
    // No incident carries it, so it is told on its own.
    expect(manual.notified).toEqual(['alerts: [ACTION TAKEN] ecs:prod/orders-api: new deployment of prod/orders-api started (by alice)']);

    const again = await invoke('remediate', request, '--config', 'manual.config.ts');
    expect(again.answer).toMatchObject({ outcome: 'skipped', detail: expect.stringMatching(/cooldown/) });
    expect(again.code).toBe(1);
    expect(ecs.applied.length - before).toBe(1);
  }, 60_000);
});
