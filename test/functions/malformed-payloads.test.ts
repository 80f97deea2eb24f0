import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIncidentsHandler } from '../../functions/incidents/handler.js';
import { createRemediateHandler } from '../../functions/remediate/handler.js';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLog } from '../../shared/log.js';
import { startConsole, type Console } from '../support/console.js';

let t: Console;
let before: unknown[];
beforeAll(async () => {
  t = await startConsole({ restart: { mode: 'auto' } });
  await t.openIncident();
  before = await t.items();
});
afterAll(() => t.close());

const huge = 'x'.repeat(9000);
const tooBig = expect.stringMatching(/^\(event\): 90\d\d bytes; the limit is 8192$/);

/** [function, payload, the problem it must name] */
const rows: [string, unknown, unknown][] = [
  ['run-checks', { checks: 'api-health' }, 'checks: Invalid input: expected array, received string'],
  ['run-checks', { checks: ['api-health'], dryRun: 'yes' }, 'dryRun: Invalid input: expected boolean, received string'],
  ['run-checks', { checks: ['nope'] }, 'unknown check id "nope"; known: api-health, orders-api-service, shop-assets-cached'],
  ['run-checks', { group: 'nope' }, 'unknown group "nope"; known: edge, aws'],
  ['run-checks', { checks: [huge] }, tooBig],
  [
    'remediate',
    { remediation: 'orders-api-restart', dryRun: false },
    'approvedBy: required with "dryRun": false: who runs this (it approves high-risk remediations)',
  ],
  ['remediate', { remediation: 'orders-api-restart', dryRun: false, approvedBy: 'alice' }, 'reason: required with "dryRun": false: why, for the timeline'],
  ['remediate', { remediation: 'orders-api-restart', dryRun: false, approvedBy: '  ', reason: 'x' }, 'approvedBy: say who you are, e.g. "alice"'],
  [
    'remediate',
    { remediation: 'nope', dryRun: false, approvedBy: 'alice', reason: 'x' },
    'unknown remediation "nope"; configured: orders-api-restart, orders-api-rollback',
  ],
  ['remediate', { remediation: 'orders-api-restart', dryRun: 'false' }, 'dryRun: Invalid input: expected boolean, received string'],
  ['remediate', { remediation: 'orders-api-restart', dryrun: false }, '(event): unknown key "dryrun"; did you mean "dryRun"?'],
  ['remediate', { remediation: 'orders-api-rollback', approve: 'nope-1', approvedBy: 'alice', reason: 'x' }, 'no proposal "nope-1"'],
  ['remediate', { remediation: 'orders-api-rollback', approve: 'nope-1' }, 'approvedBy: required (string)'],
  ['remediate', { automation: 'maybe', by: 'alice', reason: 'x' }, 'automation: Invalid option: expected one of "off"|"on"'],
  ['remediate', { action: 'restart' }, '(event): expected "remediation" (to run or approve one) or "automation" (the kill switch)'],
  ['remediate', 'restart orders-api', '(event): expected "remediation" (to run or approve one) or "automation" (the kill switch)'],
  [
    'incidents',
    { op: 'close', incident: 'api-health/1' },
    'op: give "op", one of: list, get, ack, resolve, update, silence, unsilence, reset-circuit, release-brake',
  ],
  ['incidents', {}, 'op: give "op", one of: list, get, ack, resolve, update, silence, unsilence, reset-circuit, release-brake'],
  ['incidents', { op: 'ack', incident: 'api-health/1' }, 'by: required (string)'],
  [
    'incidents',
    { op: 'ack', incident: 'api-health', by: 'alice', reason: 'x' },
    'incident: expected an incident id like "api-health/3" (from the notification)',
  ],
  ['incidents', { op: 'ack', incident: 'api-health/1', by: 'alice', reason: huge }, tooBig],
  [
    'incidents',
    { op: 'ack', incident: 'api-health/1', by: 'alice\n[P1][RESOLVED]', reason: 'x' },
    'by: no control characters (newlines, tabs, NUL, escapes) or broken Unicode',
  ],
  [
    'incidents',
    { op: 'resolve', incident: 'api-health/1', by: 'alice', reason: 'fixed\u001b[2J' },
    'reason: no control characters (newlines, tabs, NUL, escapes) or broken Unicode',
  ],
  ['remediate', { automation: 'off', by: 'alice\u0000', reason: 'x' }, 'by: no control characters (newlines, tabs, NUL, escapes) or broken Unicode'],
  ['incidents', { op: 'resolve', incident: 'api-health/1', by: 'alice', reason: 'r'.repeat(501) }, 'reason: Too big: expected string to have <=500 characters'],
  ['incidents', { op: 'silence', check: 'api-health', for: '30 minutes', by: 'alice', reason: 'x' }, 'for: expected a length like "30m", "4h" or "2d"'],
  ['incidents', { op: 'silence', check: 'api-health', for: '8d', by: 'alice', reason: 'x' }, 'for: between 1m and 7d'],
  [
    'incidents',
    { op: 'silence', check: 'api-health', incident: 'api-health/1', by: 'alice', reason: 'x' },
    '(event): give one of "check", "incident" or "tags"',
  ],
  [
    'incidents',
    { op: 'silence', check: 'nope', by: 'alice', reason: 'x' },
    'unknown check "nope"; use a check id from vigil.config.ts, or alarm:<alarm name> for an alarm\'s incidents',
  ],
  ['incidents', { op: 'list', limit: 0 }, 'limit: Too small: expected number to be >=1'],
  ['incidents', { op: 'get', incident: 'api-health/1', extra: true }, '(event): unknown key "extra"; expected one of: op, incident, timeline'],
];

describe('a malformed manual payload', () => {
  it.each(rows.map(([fn, payload, problem], i) => [i + 1, fn, payload, problem] as const))(
    '#%i to %s: names the problem, shows a payload that works, logs it, changes nothing',
    async (_, fn, payload, problem) => {
      const logged = t.lines.length;
      const sent = t.sent.length;
      const updates = t.updates();
      const result = (await t.handlers[fn]!(payload as never)) as Record<string, unknown>;
      expect(result.error).toEqual(expect.any(String));
      expect(result.problems).toContainEqual(problem);
      expect(result.example ?? result.examples).toBeDefined();
      expect(t.lines.slice(logged).map((l) => l.level)).toContain('error');
      expect(await t.items()).toEqual(before);
      expect(t.sent).toHaveLength(sent);
      expect(t.updates()).toBe(updates);
    },
  );

  it('answers a notify invoked by hand with anything but a stream event, sending nothing', async () => {
    expect(await t.handlers.notify!({ op: 'ack' } as never)).toEqual({
      batchItemFailures: [],
      error: "not a DynamoDB stream event: notify reads the state table's stream; see events/notify-stream.json",
    });
    expect(await t.items()).toEqual(before);
  });

  it('never echoes what was sent: a password pasted into a payload stays out of the answer and the log', async () => {
    const logged = t.lines.length;
    const result = await t.handlers.incidents!({ op: 'ack', incident: 'api-health/1', by: 'alice', reason: 'x', password: 'Sentinel-Pa55' } as never);
    expect(JSON.stringify(result) + JSON.stringify(t.lines.slice(logged))).not.toContain('Sentinel-Pa55');
  });
});

describe('the example an error reply shows', () => {
  it("names the loaded config's own check and remediation, not the sample's", async () => {
    const config = parseConfig({
      checks: [{ id: 'billing-db', kind: 'tcp', target: 'billing.internal:5432' }],
      remediations: [{ id: 'billing-api-restart', kind: 'ecs-restart', target: 'billing/api' }],
    });
    const deps = { config, log: silentLog, clock: { now: () => new Date() } };
    const runChecks = await createRunChecksHandler({ ...deps })({ checks: 'billing-db' });
    expect(runChecks).toMatchObject({ example: { checks: ['billing-db'], dryRun: true } });
    const incidents = await createIncidentsHandler({ ...deps, store: undefined as never })({ op: 'ack', incident: 'billing-db/1' });
    expect(incidents).toMatchObject({ example: { op: 'ack', incident: 'billing-db/1', by: 'alice', reason: expect.any(String) } });
    expect(await createIncidentsHandler({ ...deps, store: undefined as never })({ op: 'reset-circuit' })).toMatchObject({
      example: { target: 'ecs:billing/api' },
    });
    const remediate = await createRemediateHandler({
      ...deps,
      store: undefined as never,
      aws: undefined as never,
      sleep: async () => undefined,
      deadline: () => new Date(),
      remediateFunction: 'r',
    })({ remediation: 'billing-api-restart', dryRun: false });
    expect(remediate).toMatchObject({ example: { remediation: 'billing-api-restart', incident: 'billing-db/1' } });
  });
});
