import { describe, expect, it } from 'vitest';
import { createOnAlarmHandler } from '../../functions/on-alarm/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { StateStore } from '../../shared/state/ports.js';
import { samples } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import { recordingLog } from '../support/log.js';

const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health' }],
  remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
  runbooks: [{ id: 'orders-api-5xx', match: { alarmNames: ['orders-api-5xx-rate'] }, severity: 'P1', steps: [{ act: 'orders-api-restart' }] }],
});

describe('on-alarm when its state store keeps failing', () => {
  it('waits it out within the attempt, then pages the escalation topic once per attempt, with no credentials from the error', async () => {
    let now = T0;
    const failing = new Proxy({} as StateStore, {
      // An AWS-shaped error (it has $metadata) that echoes a connection string, as a misbehaving proxy might.
      get: () => async () => {
        throw Object.assign(new Error('upstream postgres://vigil:Sentinel-Pw-4e1a@db.internal:5432 refused'), { $metadata: {} });
      },
    });
    const pages: Notification[] = [];
    const log = recordingLog();
    const onAlarm = createOnAlarmHandler({
      config,
      store: failing,
      aws: {} as never,
      clock: { now: () => now },
      log: log.log,
      sleep: async (ms) => void (now = new Date(now.getTime() + ms)),
      deadline: () => new Date(T0.getTime() + 10 * 60_000),
      failLoud: { publisher: { publish: async (_topic, n) => (pages.push(n), { messageId: 'm' }) }, topic: 'escalations' },
      remediateFunction: 'r',
    });
    await expect(onAlarm(samples.metric)).rejects.toThrow(/refused/);
    // 5 + 10 + 15 + 30 s of pauses went by within the attempt before it gave up.
    expect(now.getTime() - T0.getTime()).toBe(60_000);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      subject: '[P1][VIGIL ERROR] orders-api-5xx-rate: not handled yet, retrying',
      attributes: { dedupKey: `alarm#${samples.metric.id}#unhandled` },
    });
    expect(JSON.stringify(pages) + log.text()).not.toContain('Sentinel-Pw-4e1a');
  });
});
