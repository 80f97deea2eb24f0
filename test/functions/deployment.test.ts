import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import { parseConfig } from '../../shared/config/load.js';
import { ConfigError } from '../../shared/errors.js';
import type { DeploymentEvent } from '../../shared/events/deployment.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { mockDeploymentHistory, service, SERVICE_ARN } from '../support/ecs-fixtures.js';
import { minutesAfter, T0 } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';

// A rollout of prod/orders-api holds the checks of the orders service; its failure opens one incident that
// names the deployment and proposes the rollback.

const ecs = mockClient(ECSClient);
let api: LocalTarget;
let healthy = false;
beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(healthy ? 200 : 503).end());
});
afterAll(() => api.close());
beforeEach(() => {
  ecs.reset();
  healthy = false;
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  mockDeploymentHistory(ecs);
});

const input = (port: number) => ({
  checks: [{ id: 'orders-api', kind: 'http', target: `http://127.0.0.1:${port}/health`, severity: 'P1', tags: { service: 'orders' } }],
  remediations: [{ id: 'orders-api-rollback', kind: 'ecs-rollback', target: 'prod/orders-api', mode: 'propose' }],
  deployments: [{ service: 'prod/orders-api', tags: { service: 'orders' }, rollback: 'orders-api-rollback' }],
});

const event = (eventName: DeploymentEvent['detail']['eventName'], deploymentId = 'ecs-svc/1', id = `${eventName}-${deploymentId.replace('/', '-')}`) => ({
  version: '0',
  id,
  'detail-type': 'ECS Deployment State Change',
  source: 'aws.ecs',
  account: '123456789012',
  time: T0.toISOString(),
  region: 'eu-west-1',
  resources: [SERVICE_ARN],
  detail: {
    eventType: eventName.endsWith('FAILED') ? 'ERROR' : 'INFO',
    eventName,
    deploymentId,
    reason: eventName.endsWith('FAILED') ? 'tasks failed to start' : '',
  },
});

async function setup() {
  const config = parseConfig(input(api.port));
  let now = T0;
  const clock = { now: () => now };
  const sent: Notification[] = [];
  const runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, n) => sent.push(n), state: 'memory' });
  const deps = localRunbookDeps(runtime, { config, clock, log: silentLog });
  const runChecks = createRunChecksHandler({ config, log: silentLog, clock, store: runtime.store });
  return {
    onAlarm: createOnAlarmHandler(deps),
    round: async (minute: number) => ((now = minutesAfter(T0, minute)), await runChecks({ checks: ['orders-api'] })),
    at: (minute: number) => (now = minutesAfter(T0, minute)),
    subjects: () => sent.map((n) => n.subject),
    sent,
    store: runtime.store,
    close: () => runtime.close(),
  };
}

describe('a rollout of a service the config names', () => {
  it('holds the checks tied to it while it rolls out; once it completes, one still failing pages', async () => {
    const t = await setup();
    try {
      await t.onAlarm(event('SERVICE_DEPLOYMENT_IN_PROGRESS'));
      for (const m of [1, 2, 3]) await t.round(m);
      expect(t.subjects()).toEqual([]);
      const held = (await t.store.getCheckStates(['orders-api'])).get('orders-api')?.incident;
      expect(held).toMatchObject({ silenced: true, silenceReason: 'deployment ecs-svc/1 of prod/orders-api rolling out (held at most 30 min)' });

      t.at(4);
      await t.onAlarm(event('SERVICE_DEPLOYMENT_COMPLETED'));
      await t.round(5);
      expect(t.subjects()).toEqual([expect.stringMatching(/^\[P1\]\[OPEN\] orders-api: HTTP 503/)]);
    } finally {
      await t.close();
    }
  });

  it('holds them no longer than its limit, and a late event of an older deployment lifts nothing', async () => {
    const t = await setup();
    try {
      await t.onAlarm(event('SERVICE_DEPLOYMENT_IN_PROGRESS', 'ecs-svc/2'));
      t.at(1);
      await t.onAlarm(event('SERVICE_DEPLOYMENT_COMPLETED', 'ecs-svc/1'));
      for (const m of [2, 3]) await t.round(m);
      expect(t.subjects()).toEqual([]);
      // Told at minute 31: its 15 minutes to respond run from then, not from when it opened held.
      for (const m of [31, 32, 45]) await t.round(m);
      expect(t.subjects()[0]).toMatch(/^\[P1\]\[OPEN\] orders-api/);
      expect(t.subjects().some((s) => s.includes('[ESCALATED]'))).toBe(false);
      await t.round(46);
      expect(t.subjects().at(-1)).toMatch(/^\[P1\]\[ESCALATED\] orders-api/);
    } finally {
      await t.close();
    }
  });

  it('opens one incident naming a failed deployment and proposes the rollback; the checks stay held', async () => {
    const t = await setup();
    try {
      await t.onAlarm(event('SERVICE_DEPLOYMENT_IN_PROGRESS'));
      for (const m of [1, 2]) await t.round(m);
      t.at(3);
      const failed = (await t.onAlarm(event('SERVICE_DEPLOYMENT_FAILED'))) as RunbookResult;
      expect(failed).toMatchObject({ alarm: 'deployment prod/orders-api', verdict: 'proposed' });
      expect(t.subjects()).toEqual([
        expect.stringMatching(/^\[P2\]\[OPEN\] alarm:deployment prod\/orders-api: deployment prod\/orders-api: ecs-svc\/1 failed: tasks/),
        expect.stringMatching(/^\[P2\]\[APPROVAL NEEDED\] alarm:deployment prod\/orders-api: /),
      ]);
      expect(t.sent[0]!.body).toContain('Summary:   deployment prod/orders-api: ecs-svc/1 failed: tasks failed to start');
      expect(t.sent[1]!.body).toContain('roll prod/orders-api back from orders-api:42 to orders-api:41');
      await t.round(4);
      expect(t.subjects()).toHaveLength(2);

      // The rollback rolls out and completes: the deployment's incident resolves, and the hold ends.
      t.at(6);
      await t.onAlarm(event('SERVICE_DEPLOYMENT_IN_PROGRESS', 'ecs-svc/3'));
      healthy = true;
      t.at(8);
      await t.onAlarm(event('SERVICE_DEPLOYMENT_COMPLETED', 'ecs-svc/3'));
      expect(t.subjects().at(-1)).toMatch(/^\[P2\]\[RESOLVED\] alarm:deployment prod\/orders-api/);
      for (const m of [9, 10]) await t.round(m);
      expect(t.subjects().filter((s) => s.includes('] orders-api'))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('refuses tags no check has and a rollback of another service, naming the field and the fix', () => {
    const bad = { ...input(1), deployments: [{ service: 'prod/orders-api', tags: { service: 'billing' }, rollback: 'nope' }] };
    try {
      parseConfig(bad);
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        'deployments[0].tags: no check has the tags {"service":"billing"}; tag the checks of prod/orders-api with them',
        `deployments[0].rollback: "nope" is not an ecs-rollback remediation of prod/orders-api; declare { id: 'nope', kind: 'ecs-rollback', target: 'prod/orders-api' } in remediations`,
      ]);
    }
  });
});
