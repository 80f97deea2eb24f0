import { afterEach, describe, expect, it } from 'vitest';
import { samples } from '../support/alarm.js';
import { startConsole, type Console } from '../support/console.js';

let t: Console;
afterEach(() => t?.close());

describe("Vigil's own metrics", () => {
  it('counts check outcomes by status and incident transitions by kind, and keeps the open-incident level', async () => {
    t = await startConsole();
    await t.openIncident();
    t.setHealthy(true);
    for (const minute of [5, 6]) {
      t.at(minute);
      await t.handlers['run-checks']!({ checks: ['api-health'] } as never);
    }
    expect(t.metrics).toEqual([
      'CheckOutcomes{Status=fail} 1',
      'CheckOutcomes{Status=fail} 1',
      'Notifications{Kind=opened} 1',
      'OpenIncidents 1',
      'IncidentTransitions{Kind=opened} 1',
      'CheckOutcomes{Status=ok} 1',
      'CheckOutcomes{Status=ok} 1',
      'Notifications{Kind=resolved} 1',
      'OpenIncidents 0',
      'IncidentTransitions{Kind=resolved} 1',
    ]);
  });

  it('counts runbook verdicts and remediation outcomes, once per event even when it is delivered twice', async () => {
    t = await startConsole({ restart: { mode: 'auto' } });
    await t.handlers['on-alarm']!(samples.metric as never);
    await t.handlers['on-alarm']!(samples.metric as never);
    expect(t.metrics.filter((m) => /^(RunbookVerdicts|Remediations)/.test(m))).toEqual(['RunbookVerdicts{Verdict=fixed} 1', 'Remediations{Outcome=acted} 1']);
  });

  it("counts the transitions operators make from the console, for the dashboard's acknowledged and resolved series", async () => {
    t = await startConsole();
    await t.openIncident();
    const before = t.metrics.length;
    await t.handlers.incidents!({ op: 'ack', incident: 'api-health/1', by: 'alice', reason: 'looking' } as never);
    await t.handlers.incidents!({ op: 'resolve', incident: 'api-health/1', by: 'alice', reason: 'fixed the pool' } as never);
    await t.handlers.incidents!({ op: 'list' } as never);
    expect(t.metrics.slice(before).filter((m) => m.startsWith('IncidentTransitions'))).toEqual([
      'IncidentTransitions{Kind=acknowledged} 1',
      'IncidentTransitions{Kind=resolved} 1',
    ]);
  });

  it('never names a check in a metric: the series stay the same however many checks there are', async () => {
    t = await startConsole();
    await t.openIncident();
    expect(t.metrics.join('\n')).not.toMatch(/api-health|orders-api/);
  });
});
