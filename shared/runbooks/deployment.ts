import { deploymentAlarmName } from '../config/alarm-name.js';
import type { DeploymentConfig } from '../config/deployments.js';
import type { RunbookConfig } from '../config/runbooks.js';
import type { AlarmEvent } from '../events/alarm.js';
import { serviceOf, type DeploymentEvent } from '../events/deployment.js';
import { decideHold, holdId } from '../incidents/deployment-hold.js';
import { handleAlarm } from './alarm.js';
import type { RunbookDeps, RunbookResult } from './deps.js';

/**
 * One "ECS Deployment State Change" for a service the config names: its rollout holds the checks tied to it
 * (a stored silence by their tags, so rounds and alarms see it without a read more), its completion lifts the
 * hold and resolves a failed deployment's incident, and its failure opens that incident, naming the deployment,
 * and runs the rollback the config names (high risk: proposed unless allowed).
 */
export async function handleDeployment(event: DeploymentEvent, deps: RunbookDeps): Promise<RunbookResult> {
  const service = serviceOf(event);
  const deployment = deps.config.deployments.find((d) => d.service === service);
  const base = { alarm: deploymentAlarmName(service ?? event.resources[0] ?? '?'), state: event.detail.eventName, steps: [] };
  if (!deployment) return { ...base, verdict: 'unmatched' };
  const current = (await deps.store.listSilences()).find((s) => s.id === holdId(deployment.service));
  const decision = decideHold(deployment, event, deps.clock.now(), current);
  if (!decision) return { ...base, verdict: 'recorded' };
  await deps.store.putSilence('lift' in decision ? decision.lift : decision.hold);
  deps.log.info(`${'lift' in decision ? decision.lift.reason : decision.hold.reason}`, { eventId: event.id });
  const runbook = { runbook: deploymentRunbook(deployment) };
  if ('failed' in decision) return handleAlarm(asAlarm(event, deployment, 'ALARM', decision.failed.reason), deps, runbook);
  // The rollout that completes (the rollback's, or a fix's) resolves a failed deployment's incident.
  if ('lift' in decision) return handleAlarm(asAlarm(event, deployment, 'OK', decision.lift.reason), deps, runbook);
  return { ...base, verdict: 'recorded' };
}

/**
 * The runbook of a failed deployment: its rollback, if the config names one, then the hand-over. Written
 * whole, as the runbook schema would leave it (test/runbooks/deployment.test.ts holds it to that), so the
 * function answering alarms does not build the schema at every cold start.
 */
export function deploymentRunbook(deployment: DeploymentConfig): RunbookConfig {
  return {
    id: `deployment-${deployment.service.replace('/', '-')}`,
    match: { alarmNames: [deploymentAlarmName(deployment.service)] },
    severity: deployment.severity,
    resolveOnOk: true,
    steps: [...(deployment.rollback ? [{ act: deployment.rollback }] : []), { escalate: `deployment of ${deployment.service} failed` }],
  };
}

/** The deployment's news in the shape of an alarm's, so its incident and run are an alarm's: one per event, replayed, guarded. */
function asAlarm(event: DeploymentEvent, deployment: DeploymentConfig, value: 'ALARM' | 'OK', reason: string): AlarmEvent {
  return {
    id: event.id,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '',
    region: '',
    time: event.time,
    resources: event.resources,
    detail: {
      alarmName: deploymentAlarmName(deployment.service),
      state: { value, reason, timestamp: event.detail.updatedAt ?? event.time },
      previousState: { value: value === 'OK' ? 'ALARM' : 'OK' },
    },
  };
}
