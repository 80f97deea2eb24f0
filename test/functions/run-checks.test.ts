import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { recordingLog } from '../support/log.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

let api: LocalTarget;
beforeAll(async () => {
  api = await startHttpTarget((req, res) => {
    // Echoes what it was sent: a careless server must still not leak the password into logs.
    res
      .writeHead(req.url === '/up' ? 200 : 500)
      .end(`got ${req.headers.authorization ?? ''} ${Buffer.from((req.headers.authorization ?? '').slice(6), 'base64')}`);
  });
});
afterAll(() => api.close());

function setup() {
  const config = parseConfig({
    checks: [
      { id: 'up', kind: 'http', target: `http://127.0.0.1:${api.port}/up`, group: 'edge' },
      { id: 'down', kind: 'http', target: `http://ops:Sup3r-Secret@127.0.0.1:${api.port}/down`, group: 'edge' },
      { id: 'other', kind: 'http', target: `http://127.0.0.1:${api.port}/up`, group: 'back' },
    ],
  });
  const recorder = recordingLog();
  return { handler: createRunChecksHandler({ config, log: recorder.log }), ...recorder };
}

describe('run-checks handler', () => {
  it('runs the group a schedule names and returns the round summary', async () => {
    const { handler } = setup();
    const result = await handler({ group: 'edge' });
    expect(result).toMatchObject({ ran: 2, counts: { ok: 1, warn: 0, fail: 1, error: 0 } });
    expect('findings' in result && result.findings.map((f) => [f.checkId, f.status])).toEqual([
      ['up', 'ok'],
      ['down', 'fail'],
    ]);
  });

  it('logs each finding (a passing one at DEBUG, a failing target at WARN, keeping ERROR for Vigil itself), then the round', async () => {
    const { handler, lines } = setup();
    await handler({ checks: ['up', 'down'] });
    expect(lines.map((l) => l.level)).toEqual(['debug', 'warn', 'info']);
    expect(lines[0]!.message).toMatch(/^up ok: HTTP 200 in \d+ ms$/);
    expect(lines[1]!.message).toBe('down fail: HTTP 500 (expected 200)');
    expect(lines[2]).toMatchObject({ message: 'round done', extra: [{ ran: 2, counts: { ok: 1, fail: 1 } }] });
  });

  it('never puts a password into a log line or a result', async () => {
    const { handler, text } = setup();
    const result = await handler({ checks: ['down'] });
    expect(text()).toContain('ops:***');
    expect(text() + JSON.stringify(result)).not.toContain('Sup3r-Secret');
  });

  it.each([
    [{}, '(event): give either "checks" (a list of check ids) or "group", not both and not neither'],
    [{ checks: 'up' }, 'checks: Invalid input: expected array, received string'],
    [{ group: 'edge', checks: ['up'] }, '(event): give either "checks" (a list of check ids) or "group", not both and not neither'],
    [{ group: 'edge', dryrun: true }, '(event): unknown key "dryrun"; did you mean "dryRun"?'],
  ])('answers the malformed event %j with its problem and an example, running nothing', async (event, problem) => {
    const { handler, lines } = setup();
    const result = await handler(event);
    // The example names this config's own check ("up"), so the payload it shows works here.
    expect(result).toEqual({ error: 'invalid run-checks event', problems: [problem], example: { checks: ['up'], dryRun: true } });
    expect(lines.map((l) => l.message)).toEqual(['invalid run-checks event']);
  });

  describe('a selection larger than one invocation is planned for', () => {
    // 120 checks of one group: the function's timeout is planned for 50 per invocation.
    const big = () => {
      const checks = Array.from({ length: 120 }, (_, i) => ({ id: `edge-${i + 1}`, kind: 'tcp', target: `127.0.0.1:${api.port}`, group: 'edge' }));
      return createRunChecksHandler({ config: parseConfig({ checks }), log: recordingLog().log });
    };

    it('refuses a whole group, running nothing, and says how to send it in parts', async () => {
      const result = await big()({ group: 'edge' });
      expect(result).toMatchObject({
        error:
          'group "edge" has 120 checks; one invocation runs at most 50 within its timeout: send it in 3 parts, { "group": "edge", "part": 1 } to { "group": "edge", "part": 3 }',
      });
      expect(result).not.toHaveProperty('ran');
    });

    it('runs one part of it: the checks of that part, in config order, with a short answer', async () => {
      const result = await big()({ group: 'edge', part: 3, dryRun: true });
      expect(result).toMatchObject({ ran: 20, counts: { ok: 20 } });
      expect('findings' in result && result.findings.map((f) => f.checkId)).toEqual(Array.from({ length: 20 }, (_, i) => `edge-${101 + i}`));
      expect(JSON.stringify(result).length).toBeLessThan(4_000);
    });

    it('names a part past the last', async () => {
      expect(await big()({ group: 'edge', part: 4 })).toMatchObject({ error: 'part 4 of group "edge": it has 3 parts of at most 50 checks' });
    });

    it('refuses more than 50 check ids at once, and a part without a group', async () => {
      const ids = Array.from({ length: 51 }, (_, i) => `edge-${i + 1}`);
      expect(await big()({ checks: ids })).toMatchObject({
        problems: ['checks: at most 50 checks per invocation, what its timeout is planned for: send the rest in another'],
      });
      expect(await big()({ checks: ['edge-1'], part: 1 })).toMatchObject({ problems: ['part: only with "group": the part of the group to run'] });
    });
  });

  it('names unknown check ids and the known ones', async () => {
    const { handler } = setup();
    expect(await handler({ checks: ['up', 'gone'] })).toMatchObject({ error: 'unknown check id "gone"; known: up, down, other' });
  });
});
