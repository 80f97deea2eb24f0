import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../shared/config/load.js';
import { scheduleProblem } from '../../shared/config/schedule.js';
import { ConfigError } from '../../shared/errors.js';
import { probeRegistry } from '../../shared/probes/index.js';

const http = { id: 'api-health', kind: 'http', target: 'https://api.example.com/health' };
/** The kinds a config may name, in the registry's order: what an unknown kind's error lists. */
const KINDS = [...probeRegistry.keys()].join(', ');

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  throw new Error('config was accepted');
}

describe('parseConfig', () => {
  it('fills in the documented defaults', () => {
    const config = parseConfig({ checks: [http] });
    expect(config.defaults).toEqual({ timeoutMs: 10_000, concurrency: 50 });
    expect(config.checks[0]).toMatchObject({
      schedule: 'rate(5 minutes)',
      severity: 'P3',
      enabled: true,
      tags: {},
      method: 'GET',
      thresholds: { latencyMs: { warn: 500, fail: 2000 } },
    });
    // Unset, it is [200], or [200, 204] for a preflight (tested with the http probe).
    expect(config.checks[0]).not.toHaveProperty('expectStatus');
  });

  it('loads the shipped sample config', async () => {
    const config = await loadConfigFile('vigil.config.ts');
    expect(config.checks.map((c) => c.kind)).toEqual(expect.arrayContaining(['http', 'tls', 'dns', 'tcp']));
  });

  it.each([
    {
      name: 'a threshold of the wrong type',
      raw: { checks: [http, http, http, { ...http, id: 'x', thresholds: { latencyMs: { warn: 'fast' } } }] },
      expected: 'checks[3].thresholds.latencyMs.warn: Invalid input: expected number, received string (check "x")',
    },
    {
      name: 'warn above fail',
      raw: { checks: [{ ...http, thresholds: { latencyMs: { warn: 3000, fail: 2000 } } }] },
      expected: 'checks[0].thresholds.latencyMs.warn: warn must not be above fail (check "api-health")',
    },
    {
      name: 'an unknown kind',
      raw: { checks: [{ ...http, kind: 'htp' }] },
      expected: `checks[0].kind: unknown kind "htp"; did you mean "http"?; expected one of: ${KINDS} (check "api-health")`,
    },
    {
      name: 'a missing kind',
      raw: { checks: [{ id: 'a', target: 'x' }] },
      expected: `checks[0].kind: no kind; expected one of: ${KINDS} (check "a")`,
    },
    {
      name: 'a misspelt field',
      raw: { checks: [{ ...http, timout: 1 }] },
      expected: 'checks[0]: unknown key "timout"; did you mean "timeoutMs"? (check "api-health")',
    },
    {
      name: 'a misspelt field of a nested section',
      raw: { checks: [http], incidents: { grouping: { window: 5 } } },
      expected: 'incidents.grouping: unknown key "window"; did you mean "windowMinutes"?',
    },
    {
      name: 'a field that is nothing like any',
      raw: { checks: [http], brake: { zzzzzzzz: true } },
      expected: 'brake: unknown key "zzzzzzzz"; expected one of: enabled, failing, actionsPerHour, calmMinutes',
    },
    {
      name: 'a bad URL',
      raw: { checks: [{ ...http, target: 'api.example.com/health' }] },
      expected: 'checks[0].target: expected an http:// or https:// URL (check "api-health")',
    },
    {
      name: 'a tcp target without a port',
      raw: { checks: [{ id: 'db', kind: 'tcp', target: 'db.internal' }] },
      expected: 'checks[0].target: expected "host:port", e.g. "db.internal:5432" (check "db")',
    },
    {
      name: 'a plural rate of 1',
      raw: { checks: [{ ...http, schedule: 'rate(1 minutes)' }] },
      expected: 'checks[0].schedule: write "rate(1 minute)": the unit is singular for 1 (check "api-health")',
    },
    {
      name: 'an unknown severity',
      raw: { checks: [{ ...http, severity: 'P0' }] },
      expected: 'checks[0].severity: Invalid option: expected one of "P1"|"P2"|"P3"|"P4" (check "api-health")',
    },
    { name: 'a duplicate id', raw: { checks: [http, http] }, expected: 'checks[1].id: duplicate id "api-health" (also checks[0])' },
    {
      name: 'a duplicate remediation id',
      raw: {
        checks: [http],
        remediations: [
          { id: 'restart', kind: 'ecs-restart', target: 'prod/api' },
          { id: 'restart', kind: 'ecs-scale-out', target: 'prod/api', max: 4 },
        ],
      },
      expected: 'remediations[1].id: duplicate id "restart" (also remediations[0])',
    },
    {
      name: 'a duplicate runbook id',
      raw: {
        checks: [http],
        runbooks: [
          { id: 'api-5xx', match: { alarmNames: ['a'] }, steps: [{ escalate: 'x' }] },
          { id: 'api-5xx', match: { alarmNames: ['b'] }, steps: [{ escalate: 'y' }] },
        ],
      },
      expected: 'runbooks[1].id: duplicate id "api-5xx" (also runbooks[0])',
    },
    {
      name: 'an id with capitals',
      raw: { checks: [{ ...http, id: 'API' }] },
      expected: 'checks[0].id: use 1-63 lowercase letters, digits and dashes, e.g. "api-health"',
    },
    { name: 'no checks', raw: { checks: [] }, expected: 'checks: declare at least one check' },
    {
      name: 'a concurrency of 0',
      raw: { defaults: { concurrency: 0 }, checks: [http] },
      expected: 'defaults.concurrency: Too small: expected number to be >=1',
    },
  ])('rejects $name', ({ raw, expected }) => {
    expect(problemsOf(raw)).toEqual([expected]);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      checks: [
        { ...http, severity: 'P9' },
        { id: 'db', kind: 'tcp', target: 'db' },
        { ...http, id: 'b', schedule: 'every minute' },
      ],
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['checks[0].severity', 'checks[1].target', 'checks[2].schedule']);
  });

  it('never echoes a rejected value, which may hold a secret', () => {
    const problems = problemsOf({ checks: [{ ...http, target: 'ftp://user:hunter2@host/' }] });
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('explains a missing config file', async () => {
    await expect(loadConfigFile('no-such.config.ts')).rejects.toThrow(
      /no-such\.config\.ts is invalid:\n {2}- \(root\): file not found; create it with defineConfig\(\)/,
    );
  });
});

describe('scheduleProblem', () => {
  it.each(['rate(1 minute)', 'rate(5 minutes)', 'rate(2 hours)', 'rate(1 day)', 'cron(0 3 ? * SUN *)', 'cron(*/5 * * * ? *)'])('accepts %s', (expr) => {
    expect(scheduleProblem(expr)).toBeUndefined();
  });

  it.each([
    ['rate(0 minutes)', 'a rate must be at least 1'],
    ['rate(5 minute)', 'write "rate(5 minutes)": the unit is plural above 1'],
    ['cron(0 3 * * *)', 'cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5'],
    ['cron(0 3 * * SUN *)', 'cron needs "?" in exactly one of day-of-month and day-of-week'],
    ['*/5 * * * *', 'expected "rate(5 minutes)" or "cron(0 3 ? * SUN *)"'],
  ])('rejects %s', (expr, problem) => {
    expect(scheduleProblem(expr)).toBe(problem);
  });
});
