import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import type { HandoffEvent } from '../../shared/notifications/handoff-event.js';
import type { CheckState } from '../../shared/state/check-state.js';
import type { Silence } from '../../shared/config/silences.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';
import { memoryNotify } from '../support/memory-notify.js';

// The PagerDuty rule docs/operations.md shows, run over Vigil's real events as EventBridge would: its pattern
// picks them, its input transformer shapes them, and what comes out is what PagerDuty's Events API v2 takes.

interface Rule {
  EventPattern: Record<string, unknown>;
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
}
const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const rule = JSON.parse(/\*\*PagerDuty\.\*\*[\s\S]*?```json\n([\s\S]*?)```/.exec(operations)![1]!) as Rule;

/** An event as EventBridge delivers it to a rule: the envelope, and the detail as put. */
const envelope = (e: HandoffEvent) => ({ version: '0', id: 'e-1', source: e.source, 'detail-type': e.detailType, time: e.time, detail: e.detail });

/** EventBridge's matching for the pattern's forms used here: exact values listed in arrays, nested objects. */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, want]) =>
    Array.isArray(want) ? want.includes(event[key]) : matches(want as Record<string, unknown>, (event[key] ?? {}) as Record<string, unknown>),
  );
}

/** An input transformer: each `<name>` outside quotes becomes the JSON value its path selects. */
function transform(event: Record<string, unknown>): unknown {
  const { InputPathsMap, InputTemplate } = rule.InputTransformer;
  const values = Object.fromEntries(
    Object.entries(InputPathsMap).map(([name, path]) => [
      name,
      path
        .replace(/^\$\./, '')
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], event),
    ]),
  );
  return JSON.parse(InputTemplate.replace(/<(\w+)>/g, (_, name: string) => JSON.stringify(values[name])));
}

const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health', severity: 'P1', tags: { service: 'api' } }],
});
const check = config.checks[0]!;

async function eventsOf(silenced: boolean): Promise<HandoffEvent[]> {
  // A silence for the whole outage, as a deploy's would be.
  const silence = silenced ? ({ id: 'deploy', reason: 'deploying orders v1.4.2' } as Silence) : undefined;
  const ctx = (minute: number) => ({ policy: policyFor(check, config), severity: check.severity, silence, now: minutesAfter(T0, minute) });
  const states: CheckState[] = [];
  let s: CheckState | undefined;
  for (const minute of [0, 1]) states.push((s = decideIncident(s, finding('fail', minutesAfter(T0, minute)), ctx(minute)) ?? s)!);
  states.push((s = decideHumanAction(states[1], { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, minutesAfter(T0, 3))));
  for (const minute of [4, 5]) states.push((s = decideIncident(s, finding('ok', minutesAfter(T0, minute)), ctx(minute)) ?? s)!);
  const events: HandoffEvent[] = [];
  const { send } = memoryNotify(config, {
    handoff: { bus: 'vigil-test-incidents', publisher: { put: async (_bus, e) => (events.push(e), { eventId: `e-${events.length}` }) } },
  });
  await send(states);
  return events;
}

describe('the PagerDuty hand-off docs/operations.md shows', () => {
  it('triggers, acknowledges and resolves one PagerDuty alert per incident, in the Events API v2 shape', async () => {
    const sent = (await eventsOf(false))
      .map(envelope)
      .filter((e) => matches(rule.EventPattern, e))
      .map(transform);
    expect(sent.map((b) => (b as { event_action: string }).event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    for (const body of sent as Record<string, unknown>[]) {
      expect(body).toMatchObject({ routing_key: expect.any(String), dedup_key: 'api-health/1' });
      const payload = body.payload as Record<string, unknown>;
      expect(['critical', 'error', 'warning', 'info']).toContain(payload.severity);
      expect(String(payload.summary).length).toBeGreaterThan(0);
      expect(String(payload.summary).length).toBeLessThanOrEqual(1024);
      expect(payload.source).toBe('api-health');
      expect(Number.isNaN(Date.parse(String(payload.timestamp)))).toBe(false);
    }
    expect((sent[0] as { payload: { summary: string; severity: string } }).payload).toMatchObject({
      summary: expect.stringMatching(/^\[P1\]\[OPEN\] api-health: /),
      severity: 'critical',
    });
  });

  it('pages nobody for a silenced incident', async () => {
    const events = await eventsOf(true);
    expect(events.length).toBeGreaterThan(0);
    expect(events.map(envelope).filter((e) => matches(rule.EventPattern, e))).toEqual([]);
  });
});
