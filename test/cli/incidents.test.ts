import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilIn } from '../support/vigil-process.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

// The on-call from a terminal: list, look, acknowledge, resolve, each a process on the local state, as typed.

let dir: string;
let api: LocalTarget;

beforeAll(async () => {
  api = await startHttpTarget((_, res) => res.writeHead(503).end());
  dir = mkdtempSync(join(tmpdir(), 'vigil-incidents-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const checks = [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${api.port}/health`, severity: 'P1', incident: { failureThreshold: 1 } }];
  writeFileSync(join(dir, 'vigil.config.ts'), `export default ${JSON.stringify({ checks })};`);
  writeFileSync(join(dir, 'round.json'), JSON.stringify({ checks: ['api-health'] }));
});
afterAll(() => api?.close());

const vigil = vigilIn(() => dir);

describe('vigil incidents, ack and resolve', () => {
  it('lists, shows, acknowledges and resolves an incident, readable by default and as JSON with --json', async () => {
    expect((await vigil('incidents')).stdout.trim()).toBe('no active incidents');
    expect((await vigil('invoke', 'run-checks', '--event', 'round.json')).code).toBe(0);

    // What EventBridge would carry to a pager's rule is kept beside the messages.
    const events = readFileSync(join(dir, '.vigil', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { detailType: string; detail: Record<string, unknown> });
    expect(events.map((e) => [e.detailType, e.detail.transition, e.detail.dedupKey, e.detail.pagerAction])).toEqual([
      ['Vigil Incident Transition', 'opened', 'api-health/1#1', 'trigger'],
    ]);

    const listed = await vigil('incidents', 'list');
    expect(listed.stdout.trim()).toMatch(/^api-health\/1 {2}P1 {2}open {2}opened \S+ {2}HTTP 503 \(expected 200\)$/);
    expect(JSON.parse((await vigil('incidents', '--json')).stdout)).toMatchObject({ count: 1, incidents: [{ id: 'api-health/1', state: 'open' }] });

    const shown = await vigil('incidents', 'get', 'api-health/1');
    expect(shown.stdout).toMatch(/^api-health\/1 {2}P1 {2}open/);
    expect(shown.stdout).toMatch(/ opened: HTTP 503/);

    const acked = await vigil('ack', 'api-health/1', '--reason', 'looking into it', '--by', 'alice');
    expect(acked.code).toBe(0);
    expect(acked.stdout.split('\n').slice(0, 1)).toEqual(['api-health/1 acknowledged by alice']);
    expect((await vigil('incidents', 'list', '--state', 'acknowledged')).stdout).toMatch(/^api-health\/1 {2}P1 {2}acknowledged by alice/);

    // Stakeholders hear what the on-call tells them, on their own topic.
    const updated = await vigil('update', 'api-health/1', '--message', 'Pool resized; watching the error rate.', '--public', '--by', 'alice');
    expect(updated.code).toBe(0);
    expect(updated.stdout.split('\n')[0]).toBe('update on api-health/1 from alice sent to stakeholders, marked public');
    expect(updated.stderr).toMatch(/notification \(stakeholders topic\): \[P1\]\[UPDATE\] api-health: /);
    expect((await vigil('update', 'api-health/1', '--by', 'alice')).stderr).toContain('--message is required');

    const resolved = await vigil('resolve', 'api-health/1', '--reason', 'fixed the pool', '--by', 'alice', '--json');
    expect(JSON.parse(resolved.stdout)).toMatchObject({ done: 'api-health/1 resolved by alice', incident: { state: 'resolved' } });
    expect((await vigil('incidents')).stdout.trim()).toBe('no active incidents');
  }, 120_000);

  it('refuses what it cannot send, naming the fix, and says why an action does not apply', async () => {
    const noReason = await vigil('ack', 'api-health/1');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason is required: say why');
    const unknown = await vigil('ack', 'nope/1', '--reason', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/^error: /);
    const notOn = await vigil('release-brake', '--reason', 'understood', '--by', 'alice');
    expect(notOn.code).toBe(2);
    expect(notOn.stdout).toMatch(/^error: .*the brake is not on; nothing to release/);
    const badLimit = await vigil('incidents', 'list', '--limit', 'many');
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('--limit many: expected a whole number from 1');
  }, 60_000);
});

describe('vigil release-brake', () => {
  it('lifts the brake a mass failure engaged, and the message that it is off goes out', async () => {
    const brakeDir = mkdtempSync(join(tmpdir(), 'vigil-brake-'));
    writeFileSync(join(brakeDir, 'package.json'), JSON.stringify({ type: 'module' }));
    const checks = ['home', 'cart'].map((id) => ({ id, kind: 'http', target: `http://127.0.0.1:${api.port}/${id}`, incident: { failureThreshold: 1 } }));
    writeFileSync(
      join(brakeDir, 'vigil.config.ts'),
      `export default ${JSON.stringify({ checks, brake: { failing: { count: 2 } }, remediations: [{ id: 'restart', kind: 'ecs-restart', target: 'prod/shop', mode: 'auto' }] })};`,
    );
    writeFileSync(join(brakeDir, 'round.json'), JSON.stringify({ checks: ['home', 'cart'] }));
    const inBrakeDir = vigilIn(() => brakeDir);
    expect((await inBrakeDir('invoke', 'run-checks', '--event', 'round.json')).stderr).toMatch(/\[VIGIL BRAKE\] automatic actions held: 2 incidents opened/);
    const released = await inBrakeDir('release-brake', '--reason', 'the outage is understood', '--by', 'alice');
    expect(released.code).toBe(0);
    expect(released.stdout).toMatch(/^brake released by alice: automatic actions resume/);
    expect(released.stderr).toContain('[VIGIL BRAKE OFF] automatic actions resume (released by alice)');
  }, 60_000);
});
