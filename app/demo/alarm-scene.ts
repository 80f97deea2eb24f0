import { readFileSync } from 'node:fs';
import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import { alarmEvent } from '../../shared/events/alarm.js';
import type { Io } from '../terminal/io.js';
import type { LocalRuntime } from '../local/runtime.js';
import { silentLog } from '../../shared/log.js';
import { handleAlarm } from '../../shared/runbooks/alarm.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { SimulatedEcs } from './simulated-ecs.js';

const EVENT = new URL('../../events/alarm-metric.json', import.meta.url);

/** The sample alarm event, the sample runbook, a simulated ECS service: a dry run, with its decision trail. */
export async function runAlarmScene(runtime: LocalRuntime, clock: Clock, io: Io): Promise<{ result: RunbookResult; updates: number }> {
  const config = parseConfig(
    {
      checks: [{ id: 'orders-api-service', kind: 'ecs-service', target: 'prod/orders-api', severity: 'P1' }],
      remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'observe' }],
      runbooks: [
        {
          id: 'orders-api-5xx',
          match: { alarmNames: ['orders-api-5xx-rate'] },
          severity: 'P1',
          steps: [
            { diagnose: ['orders-api-service'] },
            { act: 'orders-api-restart' },
            { verify: { check: 'orders-api-service' } },
            { escalate: 'restart did not help' },
          ],
        },
      ],
    },
    'demo alarm config',
  );
  const ecs = new SimulatedEcs(() => clock.now());
  const event = alarmEvent.parse(JSON.parse(readFileSync(EVENT, 'utf8')));
  io.out(`\n── alarm · ${event.detail.alarmName} went ${event.detail.previousState?.value} → ALARM (events/alarm-metric.json)`);
  io.out('   runbook orders-api-5xx; remediation orders-api-restart in observe mode (dry run); ECS simulated in memory');
  const result = await handleAlarm(event, {
    config,
    store: runtime.store,
    aws: { ecs, metrics: { getMetricData: async () => new Map() } },
    clock,
    log: silentLog,
    sleep: async () => undefined,
    deadline: () => new Date(clock.now().getTime() + 600_000),
    remediateFunction: 'vigil-local-remediate',
  });
  result.steps.forEach((s, i) => io.out(`   ${i + 1}. ${s.step}: ${s.outcome} (${s.durationMs} ms) — ${s.detail}`));
  io.out(`   verdict: ${result.verdict} · changes made to ECS: ${ecs.updates.length}`);
  const timeline = await runtime.store.getTimeline(result.incidentId!);
  io.out(`   timeline of ${result.incidentId}: ${timeline.map((e) => e.kind).join(' → ')}`);
  return { result, updates: ecs.updates.length };
}
