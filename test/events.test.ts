import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import vigilConfig from '../vigil.config.js';
import { parseConfig } from '../shared/config/load.js';
import { remediationRegistry } from '../shared/remediations/index.js';
import { matchRunbook } from '../shared/runbooks/match.js';
import type { AlarmEvent } from '../shared/events/alarm.js';
import { ecs, startConsole, type Console } from './support/console.js';
import { mockDeploymentHistory } from './support/ecs-fixtures.js';

const DIR = new URL('../events/', import.meta.url);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (file: string) => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Record<string, unknown>;

type Result = Record<string, unknown>;
interface Case {
  fn: string;
  /** What the operator would have seen before invoking it. */
  before?: (t: Console) => Promise<unknown>;
  then: (result: Result, t: Console) => Promise<void> | void;
}

const openIncident = (t: Console) => t.openIncident();

/** One case per sample: the handler it goes to, and what a user would see it do. */
const cases: Record<string, Case> = {
  'run-checks.json': {
    fn: 'run-checks',
    then: (r) => expect(r).toMatchObject({ ran: 1, recorded: true, findings: [{ checkId: 'api-health', status: 'ok' }] }),
  },
  'run-checks-now.json': {
    fn: 'run-checks',
    before: (t) => Promise.resolve(t.setHealthy(false)),
    then: async (r, t) => {
      expect(r).toMatchObject({ ran: 1, counts: { fail: 1 }, recorded: 'dry run: nothing recorded, nobody notified' });
      expect(await t.items()).toEqual([]);
    },
  },
  'region-probe.json': {
    fn: 'region-probe',
    then: async (r) => expect(r).toMatchObject({ region: 'us-east-1', findings: [{ checkId: 'shop-assets-cached', status: 'ok' }] }),
  },
  'alarm-metric.json': {
    fn: 'on-alarm',
    then: (r, t) => (expect(r).toMatchObject({ runbook: 'orders-api-5xx', verdict: 'observed' }), expect(t.updates()).toBe(0)),
  },
  'alarm-composite.json': { fn: 'on-alarm', then: (r) => expect(r).toMatchObject({ alarm: 'orders-api-degraded', verdict: 'observed' }) },
  'alarm-ok.json': {
    fn: 'on-alarm',
    before: (t) => t.handlers['on-alarm']!(load('alarm-metric.json') as never),
    then: (r) => expect(r).toMatchObject({ verdict: 'resolved', incidentId: 'alarm:orders-api-5xx-rate/1' }),
  },
  'alarm-insufficient-data.json': {
    fn: 'on-alarm',
    then: (r, t) => (expect(r).toMatchObject({ verdict: 'recorded', steps: [] }), expect(t.updates()).toBe(0)),
  },
  'alarm-ecs-deployment-failed.json': {
    fn: 'on-alarm',
    before: () => Promise.resolve(mockDeploymentHistory(ecs)),
    then: (r, t) => {
      expect(r).toMatchObject({ alarm: 'deployment prod/orders-api', runbook: 'deployment-prod-orders-api', verdict: 'proposed' });
      expect(t.subjects()).toEqual([
        expect.stringMatching(/^\[P2\]\[OPEN\] alarm:deployment prod\/orders-api: deployment prod\/orders-api: ecs-svc\/7384/),
        expect.stringMatching(/^\[P2\]\[APPROVAL NEEDED\] alarm:deployment prod\/orders-api/),
      ]);
    },
  },
  'alarm-scheduled-runbook.json': {
    fn: 'on-alarm',
    then: (r, t) => {
      // The console's restart observes: a scheduled run records what it would do, and tells it on the alerts topic.
      expect(r).toMatchObject({
        runbook: 'billing-db-monthly-maintenance',
        verdict: 'observed',
        steps: [{ step: 'precheck', outcome: 'passed' }, { outcome: 'observed' }],
      });
      expect(t.subjects()).toEqual([expect.stringMatching(/^\[DRY RUN\] ecs:prod\/orders-api: /)]);
      expect(t.updates()).toBe(0);
    },
  },
  'alarm-deploy-failed.json': {
    fn: 'on-alarm',
    before: () => Promise.resolve(mockDeploymentHistory(ecs)),
    then: (r, t) => {
      expect(r).toMatchObject({ runbook: 'orders-api-deploy-failed', verdict: 'proposed' });
      expect(t.sent.at(-1)!.body).toContain(
        JSON.stringify(load('remediate-approve.json')).replace('"alice"', '"your-name"').replace('"bad deploy at 03:02, rolling back"', '"why this is right"'),
      );
    },
  },
  'alarm-check-opened.json': {
    fn: 'on-alarm',
    before: openIncident,
    // The stream record of api-health's incident opening: its runbook runs (the restart is in observe mode).
    then: (r, t) => (
      expect(r).toMatchObject({ batchItemFailures: [], runs: [{ check: 'api-health', state: 'opened', runbook: 'api-health-failing' }] }),
      expect(t.updates()).toBe(0)
    ),
  },
  'notify-stream.json': {
    fn: 'notify',
    then: (r, t) => (
      expect(r).toEqual({ batchItemFailures: [] }),
      expect(t.subjects()).toEqual([expect.stringMatching(/^\[P1\]\[OPEN\] api-health: HTTP 503/)])
    ),
  },
  'remediate-dry-run.json': {
    fn: 'remediate',
    then: (r, t) => (
      expect(r).toMatchObject({ outcome: 'would act', plan: expect.stringMatching(/^force a new deployment of prod\/orders-api/) }),
      expect(t.updates()).toBe(0)
    ),
  },
  'remediate-run.json': {
    fn: 'remediate',
    before: async (t) => (await openIncident(t), t.setHealthy(true)),
    then: (r, t) => (
      expect(r).toMatchObject({ outcome: 'acted', incident: { id: 'api-health/1' }, verified: expect.stringMatching(/^api-health ok/) }),
      expect(t.updates()).toBe(1)
    ),
  },
  'remediate-approve.json': {
    fn: 'remediate',
    before: async (t) => (mockDeploymentHistory(ecs), await t.handlers['on-alarm']!(load('alarm-deploy-failed.json') as never)),
    then: (r, t) => (expect(r).toMatchObject({ runbook: 'orders-api-deploy-failed', verdict: 'fixed' }), expect(t.updates()).toBe(1)),
  },
  'remediate-automation-off.json': {
    fn: 'remediate',
    then: async (r, t) => {
      expect(r).toEqual({ done: 'automatic actions are off (alice: region failover drill: no automatic actions until it ends)' });
      expect((await t.store.getGuard('ecs:prod/orders-api')).killSwitch).toMatchObject({ automationEnabled: false, by: 'alice' });
    },
  },
  'remediate-automation-on.json': {
    fn: 'remediate',
    before: (t) => t.handlers.remediate!(load('remediate-automation-off.json') as never),
    then: async (_, t) => expect((await t.store.getGuard('ecs:prod/orders-api')).killSwitch).toMatchObject({ automationEnabled: true }),
  },
  'incidents-list.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r) => expect(r).toMatchObject({ count: 1, incidents: [{ id: 'api-health/1', state: 'open' }] }),
  },
  'incidents-get.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r) => expect(r).toMatchObject({ incident: { id: 'api-health/1' }, timeline: [expect.stringMatching(/opened/), expect.stringMatching(/notified/)] }),
  },
  'incidents-ack.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r, t) => (expect(r).toMatchObject({ incident: { state: 'acknowledged', acknowledgedBy: 'alice' } }), expect(t.subjects().at(-1)).toMatch(/\[ACK\]/)),
  },
  'incidents-resolve.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r, t) => (expect(r).toMatchObject({ incident: { state: 'resolved', resolvedBy: 'alice' } }), expect(t.subjects().at(-1)).toMatch(/\[RESOLVED\]/)),
  },
  'incidents-update.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r, t) => (
      expect(r).toMatchObject({ done: 'update on api-health/1 from alice sent to stakeholders, marked public' }),
      expect(t.subjects().at(-1)).toMatch(/^\[P\d\]\[UPDATE\] api-health: /)
    ),
  },
  'incidents-silence.json': {
    fn: 'incidents',
    before: openIncident,
    then: (r, t) => (
      expect(r).toMatchObject({ done: 'api-health silenced until 2026-11-23T05:01:00.000Z' }),
      expect(t.subjects().at(-1)).toMatch(/\[SILENCED\]/)
    ),
  },
  'incidents-unsilence.json': {
    fn: 'incidents',
    before: async (t) => (await openIncident(t), await t.handlers.incidents!(load('incidents-silence.json') as never)),
    then: (r, t) => (expect(r).toMatchObject({ done: 'silence on api-health lifted' }), expect(t.subjects().at(-1)).toMatch(/\[UNSILENCED\]/)),
  },
  'incidents-reset-circuit.json': {
    fn: 'incidents',
    before: async (t) => (
      t.setHealthy(false),
      await t.handlers.remediate!({ remediation: 'orders-api-restart', dryRun: false, approvedBy: 'bob', reason: 'x' } as never)
    ),
    then: (r) => expect(r).toEqual({ done: 'circuit on ecs:prod/orders-api was not open; its failure count is back to 0' }),
  },
  'incidents-release-brake.json': {
    fn: 'incidents',
    before: async (t) =>
      t.store.putBrake({ version: 1, actions: [], engaged: { at: '2026-11-23T03:00:00.000Z', reason: '25 incidents opened within 10 minutes' } }, undefined),
    then: (r, t) => (
      expect(r).toEqual({ done: 'brake released by alice: automatic actions resume (0 held while it was on; each was proposed on its incident)' }),
      expect(t.subjects()).toEqual([
        expect.stringMatching(/^\[VIGIL BRAKE\] automatic actions held/),
        '[VIGIL BRAKE OFF] automatic actions resume (released by alice)',
      ])
    ),
  },
};

let t: Console | undefined;
afterEach(() => t?.close());

describe('sample events in events/', () => {
  it('has a case for every sample, and a sample for every case', () => {
    expect(files).toEqual(Object.keys(cases).sort());
  });

  it.each(files)('%s runs through its handler locally', async (file) => {
    const c = cases[file]!;
    t = await startConsole();
    await c.before?.(t);
    const result = (await t.handlers[c.fn]!(load(file) as never)) as Result;
    expect(result).not.toHaveProperty('error');
    await c.then(result, t);
  });

  it('names only checks, groups, remediations, targets and alarms that vigil.config.ts has', () => {
    const config = parseConfig(vigilConfig);
    const checks = new Set(config.checks.map((c) => c.id));
    const groups = new Set(config.checks.map((c) => c.group));
    const targets = new Set(config.remediations.map((r) => remediationRegistry.get(r.kind)!.targetKey(r as never)));
    for (const file of files) {
      const e = load(file);
      if (e.group) expect(groups, file).toContain(e.group);
      for (const id of (e.checks as string[] | undefined) ?? []) expect(checks, file).toContain(id);
      if (typeof e.check === 'string') expect(checks, file).toContain(e.check);
      if (typeof e.incident === 'string') expect(checks, file).toContain(e.incident.split('/')[0]);
      if (typeof e.remediation === 'string')
        expect(
          config.remediations.map((r) => r.id),
          file,
        ).toContain(e.remediation);
      if (typeof e.target === 'string') expect(targets, file).toContain(e.target);
      if (e['detail-type'] === 'CloudWatch Alarm State Change' && (e.detail as { state: { value: string } }).state.value !== 'INSUFFICIENT_DATA') {
        expect(matchRunbook(config.runbooks, e as unknown as AlarmEvent), file).toBeDefined();
      }
    }
  });
});
