import type { ActionTold } from '../state/check-state.js';
import { dedupLine, subjectLine, type Notification } from './message.js';

/**
 * The message of an action no incident carries: an operator ran a remediation by hand, naming none.
 * Sent at once by the function that acted; its deduplication key is the run's and step's.
 */
export function actionNotice(action: ActionTold): Notification {
  const dedupKey = `${action.run}#${action.step}`;
  const what = action.dryRun ? 'DRY RUN' : 'ACTION TAKEN';
  const body = [
    `${action.by} ran ${action.remediation} by hand, for no incident.`,
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
