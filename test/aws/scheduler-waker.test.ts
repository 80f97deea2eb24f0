import { ConflictException, CreateScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { schedulerWaker, wakeScheduleName } from '../../shared/aws/scheduler-waker.js';
import { wakerFromEnv } from '../../shared/aws/lazy-waker.js';

// Shapes as the EventBridge Scheduler API reference documents CreateSchedule: a one-time `at(…)` expression, deleted after it fires.
const scheduler = mockClient(SchedulerClient);
const settings = {
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-prod-on-alarm',
  roleArn: 'arn:aws:iam::123456789012:role/vigil-wake',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:vigil-alarms-dlq',
  prefix: 'vigil-prod',
};
const RUN = 'scheduled#restart-and-watch#2026-11-23T03:00:00.000Z';

beforeEach(() => scheduler.reset());

describe('waking a run with a one-time schedule', () => {
  it('schedules the run’s wake-up at its time, in UTC, deleted once it has fired, into on-alarm', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/x' });
    await schedulerWaker(settings, new SchedulerClient({ region: 'eu-west-1' })).wakeAt(RUN, new Date('2026-11-23T03:30:00.000Z'));
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: wakeScheduleName('vigil-prod', RUN),
      ScheduleExpression: 'at(2026-11-23T03:30:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: `Vigil: wake run ${RUN}`,
      Target: {
        Arn: settings.targetArn,
        RoleArn: settings.roleArn,
        Input: JSON.stringify({ wakeRun: RUN }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: settings.deadLetterArn },
      },
    });
    expect(wakeScheduleName('vigil-prod', RUN)).toMatch(/^vigil-prod-wake-[0-9a-f]{24}$/);
  });

  it('sets the time of a wake-up already there (a retried attempt, a second wait): one schedule per run', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: { httpStatusCode: 409 } }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'x' });
    await schedulerWaker(settings, new SchedulerClient({ region: 'eu-west-1' })).wakeAt(RUN, new Date('2026-11-23T04:00:00.000Z'));
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toMatchObject({ ScheduleExpression: 'at(2026-11-23T04:00:00)' });
  });

  it('is there only where the stack gave the function what it needs', () => {
    expect(wakerFromEnv({})).toBeUndefined();
    const env = { WAKE_TARGET_ARN: settings.targetArn, WAKE_ROLE_ARN: settings.roleArn, WAKE_DLQ_ARN: settings.deadLetterArn, WAKE_PREFIX: 'vigil-prod' };
    expect(wakerFromEnv(env)).toBeDefined();
  });
});
