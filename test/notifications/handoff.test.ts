import { describe, expect, it } from 'vitest';
import { createNotifyHandler } from '../../functions/notify/handler.js';
import { streamRecord } from '../../app/local/stream.js';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import { silentLog } from '../../shared/log.js';
import { HANDOFF_DETAIL_TYPE, HANDOFF_SOURCE, type EventPublisher, type HandoffEvent } from '../../shared/notifications/handoff-event.js';
import type { Notification } from '../../shared/notifications/message.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';

// Every transition is also an EventBridge event, after its message, with the message's deduplication key:
// what PagerDuty, Opsgenie or a chat tool subscribe to with a rule, and no code in Vigil.

const BUS = 'vigil-test';
const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health', severity: 'P1', tags: { service: 'api', team: 'platform' } }],
});
const check = config.checks[0]!;

/** An API outage: failing, opened, acknowledged, resolved. */
function outage(): CheckState[] {
  const ctx = (minute: number) => ({ policy: policyFor(check, config), severity: check.severity, silence: undefined, now: minutesAfter(T0, minute) });
  const states: CheckState[] = [];
  let s: CheckState | undefined;
  for (const minute of [0, 1]) states.push((s = decideIncident(s, finding('fail', minutesAfter(T0, minute)), ctx(minute)) ?? s)!);
  states.push((s = decideHumanAction(s, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, minutesAfter(T0, 3))));
  for (const minute of [4, 5]) states.push((s = decideIncident(s, finding('ok', minutesAfter(T0, minute)), ctx(minute)) ?? s)!);
  return states;
}

function world(faults: { events?: () => Error | undefined } = {}) {
  const store = new MemoryStateStore();
  const messages: Notification[] = [];
  const events: HandoffEvent[] = [];
  const publisher = { publish: async (_topic: string, n: Notification) => (messages.push(n), { messageId: `m-${messages.length}` }) };
  const bus: EventPublisher = {
    put: async (name, event) => {
      expect(name).toBe(BUS);
      const fault = faults.events?.();
      if (fault) throw fault;
      events.push(event);
      return { eventId: `e-${events.length}` };
    },
  };
  let failures = 0;
  const notify = createNotifyHandler({
    config,
    store,
    publisher,
    log: silentLog,
    meter: { count: (name, n) => void (name === 'HandoffEventsFailed' && (failures += n)), gauge: () => undefined },
    topics: { main: 'alerts' },
    incidentsFunction: 'vigil-test-incidents',
    handoff: { bus: BUS, publisher: bus },
  });
  return { store, messages, events, notify, failed: () => failures };
}

const recordsOf = (states: CheckState[]) => states.map((s, i) => streamRecord(states[i - 1], s, i + 1));

describe('hand-off events', () => {
  it('puts one event per transition, carrying its message’s deduplication key and what a pager does with it', async () => {
    const { messages, events, notify } = world();
    expect((await notify({ Records: recordsOf(outage()) })).batchItemFailures).toEqual([]);
    expect(events.map((e) => [e.detail.transition, e.detail.pagerAction])).toEqual([
      ['opened', 'trigger'],
      ['acknowledged', 'acknowledge'],
      ['resolved', 'resolve'],
    ]);
    expect(events.map((e) => e.detail.dedupKey)).toEqual(messages.map((m) => m.attributes.dedupKey));
    expect(events[0]).toEqual({
      source: HANDOFF_SOURCE,
      detailType: HANDOFF_DETAIL_TYPE,
      time: events[0]!.detail.at,
      detail: expect.objectContaining({
        version: '1',
        incidentId: 'api-health/1',
        severity: 'P1',
        urgency: 'critical',
        state: 'open',
        paged: true,
        subject: messages[0]!.subject,
        checkId: 'api-health',
        service: 'api',
        tags: { service: 'api', team: 'platform' },
      }),
    });
    expect(events[1]!.detail).toMatchObject({ by: 'alice', reason: 'on it' });
  });

  it('hands off a silenced incident’s transitions too, marked as not paged', async () => {
    const { messages, events, notify } = world();
    const states = outage().slice(0, 2);
    states[1] = { ...states[1]!, incident: { ...states[1]!.incident!, silenced: true, silenceReason: 'deploying' } };
    await notify({ Records: recordsOf(states) });
    expect(messages).toEqual([]);
    expect(events.map((e) => [e.detail.transition, e.detail.paged])).toEqual([['opened', false]]);
  });

  it('never holds a message back: EventBridge refusing for good costs the events, counted, and every message still goes', async () => {
    const refused = () => Object.assign(new Error('Service unavailable'), { $metadata: { httpStatusCode: 503 } });
    const { messages, events, notify, failed } = world({ events: refused });
    const result = await notify({ Records: recordsOf(outage()) });
    expect(result.batchItemFailures).toEqual([]);
    expect(messages.map((m) => m.attributes.transition)).toEqual(['opened', 'acknowledged', 'resolved']);
    expect(events).toEqual([]);
    expect(failed()).toBe(3);
  });

  it('puts the event again when its answer was lost, with the message sent once', async () => {
    let lose = true;
    const lost = () => (lose ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} }) : undefined);
    const { messages, events, notify, store } = world({ events: lost });
    const records = recordsOf(outage().slice(0, 2));
    expect((await notify({ Records: records })).batchItemFailures).toHaveLength(1);
    lose = false;
    await notify({ Records: records.slice(1) });
    expect(messages).toHaveLength(1);
    expect(events.map((e) => e.detail.transition)).toEqual(['opened']);
    expect((await store.getTimeline('api-health/1')).map((l) => l.kind)).toEqual(expect.arrayContaining(['notified', 'handed-off', 'opened']));
    // Delivered a third time: nothing more goes out.
    await notify({ Records: records.slice(1) });
    expect([messages.length, events.length]).toEqual([1, 1]);
  });

  it('stops after two unanswered puts, as for messages: each was likely delivered', async () => {
    const lost = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
    let puts = 0;
    const { events, notify, store } = world({ events: () => (++puts, lost()) });
    const records = recordsOf(outage().slice(0, 2));
    for (let i = 0; i < 4; i++) await notify({ Records: records.slice(1) });
    expect(puts).toBe(2);
    expect(events).toEqual([]);
    const handed = (await store.getTimeline('api-health/1')).find((l) => l.kind === 'handed-off');
    expect(handed?.summary).toMatch(/sent 2 times, no answer: most likely delivered/);
  });
});
