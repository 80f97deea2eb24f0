import type { ActionTold } from '../state/check-state.js';
import { dedupLine, subjectLine, type Notification } from './message.js';

/**
 * The message of an action no incident carries: an operator ran a remediation by hand, naming none, or a
 * runbook ran on its schedule. Sent at once by the function that acted; its deduplication key is the run's and step's.
 */
export function actionNotice(action: ActionTold): Notification {
  const dedupKey = `${action.run}#${action.step}${action.finished ? '.finished' : ''}`;
  const what = action.dryRun ? 'DRY RUN' : 'ACTION TAKEN';
  const how = scheduledRunbook(action.runbook) ? `on the schedule of runbook ${action.runbook}` : 'by hand';
  const body = [
    `${action.by} ran ${action.remediation} ${how}, for no incident.`,
    '',
    `Did:       ${action.summary}`,
    ...(action.result ? [`Result:    ${action.result}`] : []),
    ...(action.target ? [`Target:    ${action.target}`] : []),
    ...(action.reason ? [`Why:       ${action.reason}`] : []),
    `Dry run:   ${action.dryRun ? 'yes, nothing was changed' : 'no'}`,
    `Run:       ${action.run} at ${action.at}`,
    '',
    dedupLine(dedupKey),
  ].join('\n');
  return {
    subject: subjectLine(`[${what}] ${action.target ?? action.remediation}: ${action.result ?? action.summary} (by ${action.by})`),
    body,
    attributes: { dedupKey, severity: 'none', state: 'none', transition: 'acted', checkId: 'none', service: 'none', tags: [] },
  };
}

/** A run by hand is named `manual:<remediation>`; any other runbook with no incident ran on its schedule. */
const scheduledRunbook = (runbook: string | undefined) => runbook !== undefined && !runbook.startsWith('manual:');

/**
 * The message of a run with no incident that stopped for a human: a scheduled runbook whose precheck failed,
 * whose action was refused, or whose fix did not hold. Once per run, whatever the retries.
 */
export function handOverNotice(run: { id: string; runbook: string; startedAt: string }, reason: string): Notification {
  const dedupKey = `${run.id}#handover`;
  const body = [
    `Runbook ${run.runbook} ran on its schedule and stopped for a human.`,
    '',
    `Why:       ${reason}`,
    `Run:       ${run.id}, started ${run.startedAt}`,
    '',
    dedupLine(dedupKey),
  ].join('\n');
  return {
    subject: subjectLine(`[NEEDS A HUMAN] ${run.runbook}: ${reason}`),
    body,
    attributes: { dedupKey, severity: 'none', state: 'none', transition: 'escalated', checkId: 'none', service: 'none', tags: [] },
  };
}
