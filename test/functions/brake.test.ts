import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIncidentsHandler } from '../../functions/incidents/handler.js';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { alarm } from '../support/alarm.js';
import { service } from '../support/ecs-fixtures.js';
import { minutesAfter, T0 } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';

// A mass failure: four checks fail at once, nothing ties them together. Vigil pages once that it stops acting
// on its own, proposes what it would have done, and acts again once calm, saying what it held back.

const ecs = mockClient(ECSClient);
let site: LocalTarget;
let healthy = false;
beforeAll(async () => {
  site = await startHttpTarget((_, res) => res.writeHead(healthy ? 200 : 503).end());
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });
});
afterAll(() => site.close());

describe('the brake in a mass failure', () => {
  it('engages once, proposes instead of acting, and lifts when calm, listing what it held', async () => {
    const config = parseConfig({
      checks: ['home', 'cart', 'search', 'account'].map((id) => ({ id, kind: 'http', target: `http://127.0.0.1:${site.port}/${id}` })),
      brake: { failing: { count: 3 } },
      remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto', cooldownMinutes: 0 }],
      runbooks: [{ id: 'orders-api-5xx', match: { alarmNames: ['orders-api-5xx-rate'] }, severity: 'P1', steps: [{ act: 'orders-api-restart' }] }],
    });
    let now = T0;
    const clock = { now: () => now };
    const sent: Notification[] = [];
    const runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, n) => sent.push(n), state: 'memory' });
    try {
      const runChecks = createRunChecksHandler({
        config,
        log: silentLog,
        clock,
        store: runtime.store,
        aws: localRunbookDeps(runtime, { config, clock, log: silentLog }).aws,
      });
      const onAlarm = createOnAlarmHandler(localRunbookDeps(runtime, { config, clock, log: silentLog }));
      const at = (minute: number) => (now = minutesAfter(T0, minute));
      const brakeSubjects = () => sent.map((n) => n.subject).filter((s) => s.startsWith('[VIGIL BRAKE'));

      for (const m of [0, 1]) (at(m), await runChecks({ checks: config.checks.map((c) => c.id) }));
      expect(brakeSubjects()).toEqual([expect.stringMatching(/^\[VIGIL BRAKE\] automatic actions held: [34] incidents opened within 10 min \(brake at 3\)$/)]);

      at(2);
      const held = (await onAlarm(alarm('during'))) as RunbookResult;
      expect(held.steps[0]).toMatchObject({ step: 'act orders-api-restart', outcome: 'proposed' });
      expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
      expect(sent.some((n) => n.subject.includes('[APPROVAL NEEDED]'))).toBe(true);

      healthy = true;
      for (const m of [3, 4]) (at(m), await runChecks({ checks: config.checks.map((c) => c.id) }));
      at(20);
      const after = (await onAlarm(alarm('after'))) as RunbookResult;
      expect(after.steps[0]).toMatchObject({ outcome: 'acted' });
      expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
      expect(brakeSubjects()).toEqual([expect.any(String), '[VIGIL BRAKE OFF] automatic actions resume (calm again)']);
      expect(sent.find((n) => n.subject.startsWith('[VIGIL BRAKE OFF]'))!.body).toContain(
        'What it held back (each was proposed on its incident; an approval not given is not acted on) (1):',
      );

      // Engaged again by hand is not possible; released by hand when on.
      const incidents = createIncidentsHandler({ config, store: runtime.store, clock, log: silentLog });
      expect(await incidents({ op: 'release-brake', by: 'alice', reason: 'x' })).toMatchObject({ error: 'the brake is not on; nothing to release' });
    } finally {
      await runtime.close();
    }
  });
});
