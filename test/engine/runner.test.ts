import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from '../../shared/zod.js';
import { parseConfig } from '../../shared/config/load.js';
import { runChecks } from '../../shared/engine/runner.js';
import { probeRegistry } from '../../shared/probes/index.js';
import { defineProbe, type Probe } from '../../shared/probes/probe.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

const throwing = defineProbe({
  kind: 'throws',
  example: { target: 'x' },
  uses: {},
  description: 'A probe with a bug.',
  settings: z.strictObject({ target: z.string() }),
  describeTarget: (c) => c.target,
  secrets: () => ['hunter2-secret'],
  run: () => {
    throw new Error('cannot read properties of undefined (password hunter2-secret)');
  },
});

const deaf = defineProbe({
  kind: 'deaf',
  example: { target: 'x' },
  uses: {},
  description: 'A probe that ignores its abort signal and never settles.',
  settings: z.strictObject({ target: z.string() }),
  describeTarget: (c) => c.target,
  secrets: () => [],
  run: () => new Promise(() => undefined),
});

const probes = new Map<string, Probe>([...probeRegistry, ['throws', throwing as unknown as Probe], ['deaf', deaf as unknown as Probe]]);

let api: LocalTarget;
beforeAll(async () => {
  // Answers in a time that varies with the path, so completion order differs from config order.
  api = await startHttpTarget((req, res) => setTimeout(() => res.end('ok'), Number(req.url?.slice(1)) % 7));
});
afterAll(() => api.close());

describe('runChecks', () => {
  it('isolates a hanging and a throwing probe among 50 healthy checks', async () => {
    const healthy = Array.from({ length: 50 }, (_, i) => ({ id: `web-${i}`, kind: 'http', target: `http://127.0.0.1:${api.port}/${i}` }));
    const checks = [
      ...healthy.slice(0, 20),
      { id: 'hangs', kind: 'deaf', target: 'x' },
      ...healthy.slice(20, 35),
      { id: 'crashes', kind: 'throws', target: 'y' },
      ...healthy.slice(35),
    ];
    // Validated like any config, except for the two test-only kinds.
    const http = parseConfig({ checks: healthy }).checks;
    const validated = checks.map((c) => http.find((h) => h.id === c.id) ?? { ...c, timeoutMs: undefined });

    const started = performance.now();
    const findings = await runChecks(validated, { probes, concurrency: 8, defaultTimeoutMs: 400 });
    const elapsed = performance.now() - started;

    expect(findings.map((f) => f.checkId)).toEqual(checks.map((c) => c.id));
    expect(findings.filter((f) => f.kind === 'http').every((f) => f.status === 'ok')).toBe(true);
    expect(findings.find((f) => f.checkId === 'hangs')).toMatchObject({ status: 'fail', summary: 'no answer: timed out after 400 ms' });
    expect(findings.find((f) => f.checkId === 'crashes')).toMatchObject({
      status: 'error',
      summary: 'probe error: cannot read properties of undefined (password ***)',
    });
    // One slot is held by the hanging probe for its timeout; the other seven carry on meanwhile.
    expect(elapsed).toBeLessThan(400 * 3);
  });

  it('reports a check whose kind has no probe as an error, and runs the rest', async () => {
    const findings = await runChecks(
      [
        { id: 'a', kind: 'nope' },
        { id: 'b', kind: 'deaf', target: 'z', timeoutMs: 50 },
      ],
      { probes, concurrency: 2, defaultTimeoutMs: 1000 },
    );
    expect(findings.map((f) => [f.checkId, f.status, f.summary])).toEqual([
      ['a', 'error', 'no probe of kind "nope" is registered'],
      ['b', 'fail', 'no answer: timed out after 50 ms'],
    ]);
  });

  it('masks a password in any connection string a probe returns, however deep, even one it never declared', async () => {
    const echoing = defineProbe({
      kind: 'echoing',
      example: {},
      uses: {},
      description: 'Returns what its driver said, connection string and all.',
      settings: z.strictObject({}),
      describeTarget: () => 'orders-db',
      secrets: () => [],
      run: async () => ({
        status: 'fail',
        summary: 'cannot connect to postgres://app:Tr0ub4dor@orders-db:5432/orders',
        observed: {},
        evidence: { attempts: [{ error: 'mongodb://reader:c0rrect-h0rse@docs:27017 refused' }], owner: 'dba@example.com' },
      }),
    });
    const [finding] = await runChecks([{ id: 'db', kind: 'echoing' }], {
      probes: new Map([['echoing', echoing as unknown as Probe]]),
      concurrency: 1,
      defaultTimeoutMs: 1000,
    });

    expect(JSON.stringify(finding)).not.toMatch(/Tr0ub4dor|c0rrect-h0rse/);
    expect(finding!.summary).toBe('cannot connect to postgres://***@orders-db:5432/orders');
    expect(finding!.evidence).toEqual({ attempts: [{ error: 'mongodb://***@docs:27017 refused' }], owner: 'dba@example.com' });
  });

  it('never runs more probes at once than its concurrency', async () => {
    let running = 0;
    let peak = 0;
    const counting = defineProbe({
      kind: 'counting',
      example: {},
      uses: {},
      description: 'Counts how many run at once.',
      settings: z.strictObject({}),
      describeTarget: () => 'here',
      secrets: () => [],
      async run() {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        return { status: 'ok', summary: 'counted', observed: {} };
      },
    });
    const checks = Array.from({ length: 30 }, (_, i) => ({ id: `c${i}`, kind: 'counting' }));
    await runChecks(checks, { probes: new Map([['counting', counting as unknown as Probe]]), concurrency: 4, defaultTimeoutMs: 1000 });
    expect(peak).toBe(4);
  });
});
