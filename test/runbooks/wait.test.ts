import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { startLocalRuntime } from '../../app/local/runtime.js';
import { silentLog } from '../../shared/log.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { minutesAfter, T0 } from '../support/findings.js';
import { localRunbookDeps } from '../support/runbook-deps.js';
import { closedAfterEach, useHealthTarget } from '../support/health-target.js';
import { useEcsService } from '../support/ecs-service-mock.js';

// A runbook step that waits longer than a function lives: the run sleeps, its lease let go, and a one-time
// schedule (here, a list) wakes it to go on where it stopped.

const ecs = useEcsService();
const api = useHealthTarget();
const keep = closedAfterEach();

const due = { scheduledRunbook: 'restart-and-watch', at: '2026-11-23T03:00:00Z' };

async function setup() {
  const config = parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health` }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
    runbooks: [
      {
        id: 'restart-and-watch',
        match: { schedule: { expression: 'cron(0 3 ? * SUN *)' } },
        steps: [{ act: 'orders-api-restart' }, { wait: { minutes: 30 } }, { verify: { check: 'api-health', settleSeconds: 0, attempts: 1 } }],
      },
    ],
  });
  let now = T0;
  const clock = { now: () => now };
  const wakes: { runId: string; at: string }[] = [];
  const runtime = keep(await startLocalRuntime({ config, clock, log: silentLog, onNotification: () => undefined, state: 'memory' }));
  const onAlarm = createOnAlarmHandler({
    ...localRunbookDeps(runtime, { config, clock, log: silentLog }),
    waker: { wakeAt: async (runId, at) => void wakes.push({ runId, at: at.toISOString() }) },
  });
  return { onAlarm, wakes, at: (minute: number) => (now = minutesAfter(T0, minute)), store: runtime.store };
}

describe('a wait step', () => {
  it('sleeps across invocations: the run lets go, is woken at its time, and goes on where it stopped', async () => {
    const t = await setup();
    const first = (await t.onAlarm(due)) as RunbookResult;
    expect(first.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual(['act orders-api-restart: acted', 'wait: waiting']);
    expect(first.waitingUntil).toBe('2026-11-23T03:30:00.000Z');
    expect(t.wakes).toEqual([{ runId: 'scheduled#restart-and-watch#2026-11-23T03:00:00.000Z', at: '2026-11-23T03:30:00.000Z' }]);

    t.at(31);
    const woken = (await t.onAlarm({ wakeRun: t.wakes[0]!.runId })) as RunbookResult;
    expect(woken.steps.map((s) => `${s.step}: ${s.outcome}`)).toEqual(['act orders-api-restart: acted', 'wait: waiting', 'verify api-health: passed']);
    expect(woken).toMatchObject({ verdict: 'fixed', state: 'woken' });
    expect(woken.waitingUntil).toBeUndefined();
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  it('does nothing more when the firing comes again while it sleeps, and a second wake-up replays the result', async () => {
    const t = await setup();
    await t.onAlarm(due);
    t.at(10);
    expect(((await t.onAlarm(due)) as RunbookResult).waitingUntil).toBe('2026-11-23T03:30:00.000Z');
    t.at(31);
    await t.onAlarm({ wakeRun: t.wakes[0]!.runId });
    const again = (await t.onAlarm({ wakeRun: t.wakes[0]!.runId })) as RunbookResult;
    expect(again.replay).toMatchObject({ firstVerdict: 'fixed' });
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  it('asks to be woken again when woken early, and does nothing before its time', async () => {
    const t = await setup();
    await t.onAlarm(due);
    t.at(5);
    const early = (await t.onAlarm({ wakeRun: t.wakes[0]!.runId })) as RunbookResult;
    expect(early.waitingUntil).toBe('2026-11-23T03:30:00.000Z');
    expect(early.steps).toHaveLength(2);
    expect(t.wakes.map((w) => w.at)).toEqual(['2026-11-23T03:30:00.000Z', '2026-11-23T03:30:00.000Z']);
  });

  it('answers a wake-up of a run it does not know with a clear error', async () => {
    const t = await setup();
    await expect(t.onAlarm({ wakeRun: 'scheduled#nothing' })).rejects.toThrow('no run "scheduled#nothing" to wake');
  });
});
