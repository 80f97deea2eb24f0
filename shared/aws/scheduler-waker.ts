import { createHash } from 'node:crypto';
import { ConflictException, CreateScheduleCommand, SchedulerClient, UpdateScheduleCommand, type CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { readWriteClients } from './retries.js';
import type { Waker } from './waker.js';

export interface WakerSettings {
  /** The function a wake-up invokes (on-alarm). */
  targetArn: string;
  /** The role EventBridge Scheduler invokes it as. */
  roleArn: string;
  /** Where a wake-up that cannot be delivered goes (the alarmed dead-letter queue). */
  deadLetterArn: string;
  /** Names the schedules, so two deployments' never meet: e.g. `vigil-prod`. */
  prefix: string;
}

/** The schedule of a run's wake-up: one name per run, so asking twice (a retried attempt) makes one. */
export const wakeScheduleName = (prefix: string, runId: string) => `${prefix}-wake-${createHash('sha256').update(runId).digest('hex').slice(0, 24)}`;

/**
 * Wakes a run with a one-time EventBridge Scheduler schedule (`at(…)`), deleted once it has fired. A schedule
 * of that name already there (an attempt whose answer was lost, a second wait of the run) is set to this time.
 */
export function schedulerWaker(settings: WakerSettings, client?: SchedulerClient): Waker {
  const writes = client ?? readWriteClients(SchedulerClient, {}).writes;
  return {
    async wakeAt(runId, at) {
      const input: CreateScheduleCommandInput = {
        Name: wakeScheduleName(settings.prefix, runId),
        // Scheduler takes the time without a zone, in ScheduleExpressionTimezone.
        ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: `Vigil: wake run ${runId}`.slice(0, 512),
        Target: {
          Arn: settings.targetArn,
          RoleArn: settings.roleArn,
          Input: JSON.stringify({ wakeRun: runId }),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: settings.deadLetterArn },
        },
      };
      try {
        await writes.send(new CreateScheduleCommand(input));
      } catch (err) {
        if (!(err instanceof ConflictException)) throw err;
        await writes.send(new UpdateScheduleCommand(input));
      }
    },
  };
}
