import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDeployedStack } from '../support/wire/fake-deployed-stack.js';
import { serve } from '../support/wire/serve.js';
import { vigilIn } from '../support/vigil-process.js';

// The operator's commands against a deployed stack (--env prod), as processes: the function names come
// from the stack's outputs, the calls go out with the caller's credentials to CloudFormation and Lambda
// (here fakes of both, reached through the SDK's per-service endpoint settings).

const stack = new FakeDeployedStack('Vigil-prod', {
  IncidentsFunction: 'Vigil-prod-Incidents4F2A',
  RemediateFunction: 'Vigil-prod-Remediate9C1B',
  OnAlarmFunction: 'Vigil-prod-OnAlarm77D0',
  AlertsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:Vigil-prod-alerts',
});
const calls: string[] = [];
let endpoints: { cloudFormation: string; lambda: string };
let closers: (() => Promise<void>)[] = [];
const dir = mkdtempSync(join(tmpdir(), 'vigil-deployed-'));

beforeAll(async () => {
  const [cloudFormation, lambda] = await Promise.all([serve('cloudformation', stack.cloudFormation, calls), serve('lambda', stack.lambda, calls)]);
  endpoints = { cloudFormation: cloudFormation.url, lambda: lambda.url };
  closers = [cloudFormation.close, lambda.close];
});
afterAll(() => Promise.all(closers.map((close) => close())));

const credentials = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_EC2_METADATA_DISABLED: 'true' };
const vigil = vigilIn(
  () => dir,
  () => ({ ...credentials, AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.cloudFormation, AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda }),
);

const brief = {
  id: 'orders-health/4',
  check: 'orders-health',
  severity: 'P1',
  state: 'open',
  openedAt: '2026-12-04T03:02:00.000Z',
  summary: 'HTTP 503 (expected 200)',
};

describe('vigil … --env prod', () => {
  it('lists and acknowledges incidents through the functions the stack outputs name, readable and as JSON', async () => {
    stack.answer('Vigil-prod-Incidents4F2A', { payload: { count: 1, incidents: [brief] } });
    const listed = await vigil('incidents', '--env', 'prod');
    expect(listed.code).toBe(0);
    expect(listed.stdout.trim()).toBe('orders-health/4  P1  open  opened 2026-12-04T03:02:00.000Z  HTTP 503 (expected 200)');
    expect(listed.stderr).not.toContain('local state');

    stack.answer('Vigil-prod-Incidents4F2A', { payload: { done: 'orders-health/4 acknowledged by alice', incident: { ...brief, state: 'acknowledged' } } });
    const acked = await vigil('ack', 'orders-health/4', '--reason', 'on it', '--by', 'alice', '--env', 'prod', '--json');
    expect(acked.code).toBe(0);
    expect(JSON.parse(acked.stdout)).toMatchObject({ done: 'orders-health/4 acknowledged by alice' });
    expect(stack.invoked.slice(-2)).toEqual([
      { functionName: 'Vigil-prod-Incidents4F2A', payload: { op: 'list' } },
      { functionName: 'Vigil-prod-Incidents4F2A', payload: { op: 'ack', incident: 'orders-health/4', by: 'alice', reason: 'on it' } },
    ]);
    expect(calls.filter((c) => c.startsWith('cloudformation'))).toEqual(['cloudformation DescribeStacks', 'cloudformation DescribeStacks']);
  }, 60_000);

  it('silences, runs a remediation and takes raw payloads on the deployed functions; a refusal exits 1', async () => {
    stack.answer('Vigil-prod-Incidents4F2A', { payload: { done: 'orders-health silenced until 2026-12-04T04:00:00.000Z' } });
    const silenced = await vigil('silence', '--check', 'orders-health', '--for', '1h', '--reason', 'deploying', '--by', 'bob', '--env', 'prod');
    expect(silenced.stdout.trim()).toBe('orders-health silenced until 2026-12-04T04:00:00.000Z');
    expect(stack.invoked.at(-1)).toEqual({
      functionName: 'Vigil-prod-Incidents4F2A',
      payload: { op: 'silence', check: 'orders-health', for: '1h', by: 'bob', reason: 'deploying' },
    });

    const refused = { remediation: 'orders-restart', target: 'prod/orders', dryRun: false, outcome: 'refused', detail: 'cooldown: last acted 4 minutes ago' };
    stack.answer('Vigil-prod-Remediate9C1B', { payload: refused });
    const acted = await vigil('remediate', 'orders-restart', '--act', '--reason', 'stuck tasks', '--by', 'bob', '--env', 'prod');
    expect(acted.code).toBe(1);
    expect(acted.stdout).toContain('cooldown: last acted 4 minutes ago');
    expect(stack.invoked.at(-1)?.payload).toEqual({ remediation: 'orders-restart', dryRun: false, approvedBy: 'bob', reason: 'stuck tasks' });

    stack.answer('Vigil-prod-OnAlarm77D0', { payload: { outcome: 'no runbook answers this alarm' } });
    const alarm = { source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', detail: { alarmName: 'orders-5xx', state: { value: 'ALARM' } } };
    const raw = await vigil.piped(JSON.stringify(alarm), 'invoke', 'on-alarm', '--event', '-', '--env', 'prod');
    expect(raw.code).toBe(0);
    expect(JSON.parse(raw.stdout)).toEqual({ outcome: 'no runbook answers this alarm' });
    expect(stack.invoked.at(-1)).toEqual({ functionName: 'Vigil-prod-OnAlarm77D0', payload: alarm });
  }, 60_000);

  it('says what a function threw, and exits 1', async () => {
    stack.answer('Vigil-prod-Incidents4F2A', {
      threw: true,
      payload: { errorType: 'StateConflictError', errorMessage: 'orders-health/4 changed while being acknowledged' },
    });
    const failed = await vigil('ack', 'orders-health/4', '--reason', 'on it', '--env', 'prod');
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe('Vigil-prod-Incidents4F2A failed: StateConflictError: orders-health/4 changed while being acknowledged');
    expect(failed.stdout).toBe('');
  }, 60_000);

  it('refuses what cannot be done on a deployed stack, naming the fix', async () => {
    const missing = await vigil('incidents', '--env', 'staging');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no stack Vigil-staging in eu-west-1: name the environment it was deployed with (-c environment=<name> → --env <name>)');

    const both = await vigil('incidents', '--env', 'prod', '--config', 'prod.config.ts');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--config and --env: choose one');

    const rounds = await vigil.piped('{}', 'invoke', 'run-checks', '--event', '-', '--env', 'prod');
    expect(rounds.code).toBe(2);
    expect(rounds.stderr).toContain('run-checks is not called by hand on a deployed stack; these are: incidents, remediate, on-alarm');
  }, 60_000);

  it('says plainly when this machine has no AWS credentials', async () => {
    const bare = vigilIn(
      () => dir,
      () => ({ HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.cloudFormation }),
    );
    const refused = await bare('incidents', '--env', 'prod');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/reading stack Vigil-prod: AWS refused the credentials \(CredentialsProviderError\): give this machine credentials/);
  }, 60_000);
});
