import { describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../../shared/config/deployments.js';
import type { DeploymentEvent } from '../../shared/events/deployment.js';
import { decideHold, type Hold } from '../../shared/incidents/deployment-hold.js';
import { minutesAfter, T0 } from '../support/findings.js';

const deployment: DeploymentConfig = { service: 'prod/orders-api', tags: { service: 'orders' }, maxMinutes: 30, severity: 'P2' };
const event = (eventName: DeploymentEvent['detail']['eventName'], deploymentId = 'ecs-svc/1', reason = ''): DeploymentEvent => ({
  id: 'e',
  'detail-type': 'ECS Deployment State Change',
  source: 'aws.ecs',
  time: T0.toISOString(),
  resources: ['arn:aws:ecs:eu-west-1:1:service/prod/orders-api'],
  detail: { eventName, deploymentId, reason },
});
const rolling: Hold = {
  id: 'deployment:prod/orders-api',
  tags: { service: 'orders' },
  until: minutesAfter(T0, 30).toISOString(),
  by: 'vigil',
  reason: 'deployment ecs-svc/1 of prod/orders-api rolling out (held at most 30 min)',
};

describe('a rollout holds the checks tied to its service', () => {
  it.each([
    ['rolling out: held by their tags for at most its limit', event('SERVICE_DEPLOYMENT_IN_PROGRESS'), undefined, { hold: rolling }],
    [
      'completed: lifted now',
      event('SERVICE_DEPLOYMENT_COMPLETED'),
      rolling,
      { lift: { ...rolling, until: T0.toISOString(), reason: 'deployment ecs-svc/1 of prod/orders-api completed' } },
    ],
    ["another deployment's completion: nothing", event('SERVICE_DEPLOYMENT_COMPLETED', 'ecs-svc/0'), rolling, undefined],
    [
      'failed: still held while its incident is handled, and the incident opens',
      event('SERVICE_DEPLOYMENT_FAILED', 'ecs-svc/1', 'tasks failed to start'),
      rolling,
      {
        hold: { ...rolling, reason: 'prod/orders-api: deployment ecs-svc/1 failed: tasks failed to start; see its incident (held at most 30 min more)' },
        failed: { reason: 'ecs-svc/1 failed: tasks failed to start' },
      },
    ],
  ])('%s', (_, e, current, expected) => {
    expect(decideHold(deployment, e, T0, current)).toEqual(expected);
  });
});
