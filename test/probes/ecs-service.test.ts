import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';
import { fixedClock, runOne } from '../support/checks.js';
import { service, taskDef } from '../support/ecs-fixtures.js';

const ecs = mockClient(ECSClient);
const now = new Date('2026-11-23T03:00:00Z');
const aws = { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics() };
const check = { kind: 'ecs-service' as const, target: 'prod/orders-api' };
const run = (extra: object = {}) => runOne({ ...check, ...extra }, { clock: fixedClock(now), aws });

beforeEach(() => {
  ecs.reset();
  ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/prod/0f1e2d3c'] });
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0f1e2d3c',
        lastStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        stoppedAt: new Date('2026-11-23T02:58:00Z'),
        containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', lastStatus: 'STOPPED' }],
      },
    ],
  });
});

describe('ecsServiceProbe', () => {
  it('is ok when the service runs its desired count, steady', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service()], failures: [] });
    const f = await run();
    expect(f).toMatchObject({ status: 'ok', summary: 'running 3/3, steady', observed: { desired: 3, running: 3, pending: 0, deployments: 1 } });
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(0);
  });

  it('fails below the desired count outside a rollout, with the stopped tasks and their exit codes as evidence', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ runningCount: 1, pendingCount: 1 })] });
    const f = await run();
    expect(f.status).toBe('fail');
    expect(f.summary).toBe('running 1/3, 1 pending');
    expect(f.evidence?.stoppedTasks).toEqual([
      {
        task: '0f1e2d3c',
        stoppedAt: '2026-11-23T02:58:00.000Z',
        reason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
        exitCodes: { app: 137 },
      },
    ]);
  });

  it('only warns below the desired count during a young rollout', async () => {
    const deploying = service({
      runningCount: 2,
      deployments: [
        {
          ...service().deployments![0],
          id: 'ecs-svc/2',
          taskDefinition: taskDef(43),
          runningCount: 1,
          rolloutState: 'IN_PROGRESS',
          createdAt: new Date('2026-11-23T02:55:00Z'),
        },
        { ...service().deployments![0], status: 'ACTIVE', runningCount: 1 },
      ],
    });
    ecs.on(DescribeServicesCommand).resolves({ services: [deploying] });
    expect(await run()).toMatchObject({ status: 'warn', summary: 'running 2/3 (deploying)' });
  });

  it('fails a rollout stuck IN_PROGRESS longer than allowed, and a FAILED one', async () => {
    const stuck = service({ deployments: [{ ...service().deployments![0], rolloutState: 'IN_PROGRESS', createdAt: new Date('2026-11-23T02:00:00Z') }] });
    ecs.on(DescribeServicesCommand).resolves({ services: [stuck] });
    expect((await run()).summary).toBe('rollout in progress for 60 min (stuck after 30)');

    const failed = service({
      deployments: [{ ...service().deployments![0], rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }],
    });
    ecs.on(DescribeServicesCommand).resolves({ services: [failed] });
    expect(await run()).toMatchObject({ status: 'fail', summary: 'rollout failed: ECS deployment circuit breaker: tasks failed to start.' });
  });

  it('warns on a recent "unable to place a task" event', async () => {
    const events = [
      {
        id: 'e-2',
        createdAt: new Date('2026-11-23T02:57:00Z'),
        message: '(service orders-api) was unable to place a task because no container instance met all of its requirements.',
      },
    ];
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ events })] });
    const f = await run();
    expect(f.status).toBe('warn');
    expect(f.summary).toMatch(/^recent event: \(service orders-api\) was unable to place a task/);
  });

  it('reports an error, not a guess, when ECS cannot find the service', async () => {
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders-api', reason: 'MISSING' }] });
    expect(await run()).toMatchObject({ status: 'error', summary: 'probe error: ECS could not describe prod/orders-api: MISSING' });
  });

  it('rejects a target that is not "cluster/service"', async () => {
    await expect(run({ target: 'orders-api' })).rejects.toThrow(/checks\[0\]\.target: expected "cluster\/service"/);
  });
});
