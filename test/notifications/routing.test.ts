import { describe, expect, it } from 'vitest';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import { streamRecord } from '../../app/local/stream.js';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import { silentLog } from '../../shared/log.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { HandoffEvent } from '../../shared/notifications/handoff-event.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// Who hears what: the on-call the page and reminders, each level of the chain its escalation, stakeholders the updates.

const LEAD = 'arn:aws:sns:eu-west-1:123456789012:head-of-ops';
const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health', severity: 'P1', incident: { failureThreshold: 1 } }],
  incidents: { maxRepeats: 0, escalation: [{ name: 'secondary' }, { name: 'lead', afterMinutes: 30, topic: LEAD }] },
});
const check = config.checks[0]!;

describe('where each message goes', () => {
  it('pages the on-call, escalates level by level, updates stakeholders, and says who it escalated to', async () => {
    const policy = policyFor(check, config);
    const states: CheckState[] = [];
    let s: CheckState | undefined;
    for (const minute of [0, 15, 16, 45, 46]) {
      const next = decideIncident(s, finding('fail', minutesAfter(T0, minute)), { policy, severity: 'P1', silence: undefined, now: minutesAfter(T0, minute) });
      if (next) states.push((s = next));
    }
    states.push((s = decideHumanAction(s, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, minutesAfter(T0, 50))));
    const sent: { topic: string; n: Notification }[] = [];
    const events: HandoffEvent[] = [];
    const notify = createNotifyHandler({
      config,
      store: new MemoryStateStore(),
      publisher: { publish: async (topic, n) => (sent.push({ topic, n }), { messageId: `m-${sent.length}` }) },
      log: silentLog,
      topics: { main: 'alerts', escalation: 'escalations', stakeholders: 'stakeholders' },
      incidentsFunction: 'vigil-test-incidents',
      handoff: { bus: 'vigil-test-incidents', publisher: { put: async (_bus, e) => (events.push(e), { eventId: `e-${events.length}` }) } },
    });
    await notify({ Records: states.map((st, i) => streamRecord(states[i - 1], st, i + 1)) });
    expect(sent.map(({ topic, n }) => `${n.attributes.transition} → ${topic}`)).toEqual([
      'opened → alerts',
      'escalated → escalations',
      'updated → stakeholders',
      'escalated → ' + LEAD,
      'updated → stakeholders',
      'acknowledged → alerts',
    ]);
    const toLead = sent.find(({ topic }) => topic === LEAD)!.n;
    expect(toLead.body).toContain('escalated to lead (level 2)');
    expect(events.map((e) => e.detail.level?.name)).toEqual([undefined, 'secondary', undefined, 'lead', undefined, undefined]);
    expect(sent.find(({ topic }) => topic === 'stakeholders')!.n.subject).toMatch(/^\[P1\]\[UPDATE\] api-health: /);
  });
});
