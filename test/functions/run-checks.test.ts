import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { recordingLog } from '../support/log.js';
import { startHttpTarget, type LocalTarget } from '../../shared/local/servers.js';


let api: LocalTarget;
beforeAll(async () => {
  api = await startHttpTarget((req, res) => {
    // Echoes what it was sent: a careless server must still not leak the password into logs.
    res.writeHead(req.url === '/up' ? 200 : 500).end(`got ${req.headers.authorization ?? ''} ${Buffer.from((req.headers.authorization ?? '').slice(6), 'base64')}`);
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
    [{ group: 'edge', dryrun: true }, '(event): Unrecognized key: "dryrun"'],
  ])('answers the malformed event %j with its problem and an example, running nothing', async (event, problem) => {
    const { handler, lines } = setup();
    const result = await handler(event);
    // The example names this config's own check ("up"), so the payload it shows works here.
    expect(result).toEqual({ error: 'invalid run-checks event', problems: [problem], example: { checks: ['up'], dryRun: true } });
    expect(lines.map((l) => l.message)).toEqual(['invalid run-checks event']);
  });

  it('names unknown check ids and the known ones', async () => {
    const { handler } = setup();
    expect(await handler({ checks: ['up', 'gone'] })).toMatchObject({ error: 'unknown check id "gone"; known: up, down, other' });
  });
});
