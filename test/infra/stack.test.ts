import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { VigilStack } from '../../infra/vigil-stack.js';
import { loadConfigFile, parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';

function synth(config: VigilConfig): Template {
  const app = new App();
  return Template.fromStack(new VigilStack(app, 'Test', { config, environmentName: 'test' }));
}

let sample: Template;
beforeAll(async () => {
  sample = synth(await loadConfigFile('vigil.config.ts'));
});

describe('VigilStack', () => {
  it('runs checks in a Node.js 22 arm64 function with JSON logs kept a month', () => {
    sample.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    sample.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('schedules each group and rate of the sample config once, sending the check ids', () => {
    const schedules = sample.findResources('AWS::Scheduler::Schedule');
    const targets = Object.values(schedules).map((s) => ({
      expression: s.Properties.ScheduleExpression,
      checks: JSON.parse(s.Properties.Target.Input).checks,
    }));
    expect(targets).toEqual([
      { expression: 'rate(1 minute)', checks: ['api-health'] },
      { expression: 'rate(6 hours)', checks: ['api-certificate'] },
      { expression: 'rate(5 minutes)', checks: ['api-dns'] },
      { expression: 'rate(1 minute)', checks: ['orders-db-port'] },
    ]);
  });

  it('gives every schedule finite retries and a dead-letter queue', () => {
    const schedules = Object.values(sample.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.length).toBeGreaterThan(0);
    for (const s of schedules) {
      expect(s.Properties.Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 2 });
      expect(s.Properties.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetters/), 'Arn'] });
    }
    sample.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  it('lets the scheduler invoke only the run-checks function', () => {
    sample.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RunChecks'), 'Arn'] }]),
          }),
        ]),
      },
    });
  });

  it('grows with the config: 120 grouped checks become 3 schedules, not 120', () => {
    const checks = Array.from({ length: 120 }, (_, i) => ({ id: `db-${i}`, kind: 'tcp', target: `db-${i}.internal:5432`, group: 'fleet', schedule: 'rate(1 minute)' }));
    const template = synth(parseConfig({ checks }));
    template.resourceCountIs('AWS::Scheduler::Schedule', 3);
  });

  it('gives the function time for its largest invocation', () => {
    const slow = parseConfig({ defaults: { concurrency: 10, timeoutMs: 30_000 }, checks: [{ id: 'a', kind: 'tcp', target: 'a:1' }] });
    // 50 checks in waves of 10, each up to 30 s, plus a margin.
    synth(slow).hasResourceProperties('AWS::Lambda::Function', { Timeout: 160 });
  });
});
