import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createIncidentsHandler } from '../../functions/incidents/handler.js';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { createRemediateHandler } from '../../functions/remediate/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { createRegionProbeHandler } from '../../functions/region-probe/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import type { RemediationInput } from '../../shared/config/remediations.js';
import { recordingLog } from './log.js';
import type { Meter } from '../../shared/metrics.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';
import type { Notification } from '../../shared/notifications/message.js';
import { localRunbookDeps } from './runbook-deps.js';
import { service } from './ecs-fixtures.js';
import { minutesAfter, T0 } from './findings.js';

/** The ids the sample events in events/ name, with targets on this machine. */
export const ecs = mockClient(ECSClient);

export { recordingLog };

/**
 * Every handler an operator can invoke, on one local table, as deployed: the notify handler reads
 * the writes as the stream would, and SNS is a list. ECS is aws-sdk-client-mock.
 */
export async function startConsole(options: { restart?: Partial<RemediationInput> } = {}) {
  let healthy = true;
  const api: LocalTarget = await startHttpTarget((_, res) => res.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'down'));
  const config = parseConfig({
    checks: [
      { id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health`, group: 'edge', tags: { service: 'api' } },
      { id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api', group: 'aws' },
      // Also run from another region, whose probe function the console has too (as us-east-1's).
      { id: 'shop-assets-cached', kind: 'http', target: `http://127.0.0.1:${api.port}/assets/app.js`, fromRegions: ['us-east-1'] },
    ],
    remediations: [
      { id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'observe', ...options.restart } as RemediationInput,
      { id: 'orders-api-rollback', kind: 'ecs-rollback', target: 'prod/orders-api', mode: 'propose' },
    ],
    // Its rollouts hold api-health; a failed one proposes the rollback.
    deployments: [{ service: 'prod/orders-api', tags: { service: 'api' }, rollback: 'orders-api-rollback' }],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate', 'orders-api-degraded'] },
        severity: 'P1',
        steps: [
          { diagnose: ['orders-api-service'] },
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } },
          { escalate: 'restart did not help' },
        ],
      },
      // Started by the api-health check's incident, from the stream (the console's stream feeds only notify; on-alarm is invoked by hand).
      {
        id: 'api-health-failing',
        match: { checks: { ids: ['api-health'] } },
        severity: 'P1',
        steps: [{ diagnose: ['orders-api-service'] }, { act: 'orders-api-restart' }, { verify: { settleSeconds: 0, attempts: 1 } }],
      },
      // Started on its schedule, only while the API is healthy; named as the sample config's, so one event file serves both.
      {
        id: 'billing-db-monthly-maintenance',
        match: { schedule: { expression: 'cron(0 2 15 * ? *)' } },
        severity: 'P4',
        steps: [{ precheck: ['api-health'] }, { act: 'orders-api-restart' }, { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } }],
      },
      {
        id: 'orders-api-deploy-failed',
        match: { alarmPrefix: 'orders-api-deploy-' },
        severity: 'P1',
        steps: [
          { diagnose: ['orders-api-service'] },
          { act: 'orders-api-rollback' },
          { verify: { check: 'orders-api-service', settleSeconds: 0, attempts: 1 } },
          { escalate: 'rollback did not restore the service' },
        ],
      },
    ],
  });
  ecs.reset();
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  ecs.on(UpdateServiceCommand).resolves({ service: service() });

  let now = T0;
  const clock = { now: () => now };
  const sent: Notification[] = [];
  const { log, lines } = recordingLog();
  const metrics: string[] = [];
  const meter: Meter = {
    count: (name, value, d) => void metrics.push(`${name}${d ? `{${d.name}=${d.value}}` : ''} ${value}`),
    gauge: (name, value) => void metrics.push(`${name} ${value}`),
  };
  const runtime = await startLocalRuntime({ config, clock, log, meter, onNotification: (_, n) => sent.push(n), state: 'memory' });
  const deps = localRunbookDeps(runtime, { config, clock, log, meter });
  const runChecks = createRunChecksHandler({ config, log, clock, store: runtime.store, aws: deps.aws, meter });
  let requests = 0;
  const remediate = createRemediateHandler(deps);
  return {
    config,
    store: runtime.store,
    sent,
    lines,
    /** What the functions emitted as Vigil's own metrics, `name{dimension=value} value`. */
    metrics,
    handlers: {
      'run-checks': runChecks,
      'region-probe': createRegionProbeHandler({ config, region: 'us-east-1', log, clock }),
      'on-alarm': createOnAlarmHandler(deps),
      remediate: (event: unknown) => remediate(event, { awsRequestId: `request-${++requests}` }),
      incidents: createIncidentsHandler({ config, store: runtime.store, clock, log, meter }),
      notify: createNotifyHandler({
        config,
        store: runtime.store,
        publisher: { publish: async (_, n) => (sent.push(n), { messageId: `m-${sent.length}` }) },
        log,
        topics: { main: 'local:vigil-alerts' },
        incidentsFunction: 'vigil-local-incidents',
      }),
    } as Record<string, (event: never) => Promise<unknown>>,
    setHealthy: (value: boolean) => void (healthy = value),
    at: (minutes: number) => (now = minutesAfter(T0, minutes)),
    /** Every item in the table: "changes no state" is this, unchanged. */
    items: () => runtime.items(),
    updates: () => ecs.commandCalls(UpdateServiceCommand).length,
    /** Two failing rounds: incident api-health/1 opens and is notified. */
    async openIncident(minute = 0) {
      healthy = false;
      for (const m of [minute, minute + 1]) {
        now = minutesAfter(T0, m);
        await runChecks({ checks: ['api-health'] });
      }
    },
    subjects: () => sent.map((n) => n.subject),
    close: async () => {
      await Promise.all([api.close(), runtime.close()]);
    },
  };
}

export type Console = Awaited<ReturnType<typeof startConsole>>;
