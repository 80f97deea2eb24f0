import type { RunbookConfig } from '../config/remediations.js';
import type { AlarmEvent } from '../events/alarm.js';
import { dedupLine, subjectLine, type Notification } from './message.js';

/**
 * What Vigil pages when it cannot record what it is doing: never silence. Every attempt that fails
 * sends it with the same deduplication key, so a pager shows it once.
 */
export function unhandledAlarm(event: AlarmEvent, runbook: RunbookConfig | undefined, error: string): Notification {
  const { alarmName, state } = event.detail;
  const severity = runbook?.severity ?? 'P1';
  const dedupKey = `alarm#${event.id}#unhandled`;
  const steps = runbook?.steps.map((s, i) => `  ${i + 1}. ${Object.entries(s).map(([k, v]) => `${k} ${typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : (v as { check: string }).check}`).join('')}`) ?? [];
  const body = [
    `Vigil could not finish handling the alarm ${alarmName} (${state.value}): ${error}`,
    '',
    'Lambda invokes it again, up to 3 attempts in all, and each attempt goes on where the last stopped; an action already taken is never repeated.',
    ...(runbook ? ['', `Until you hear that it is handled, the runbook ${runbook.id} is:`, ...steps] : []),
    '',
    `Event:     ${event.id} at ${event.time}`,
    '',
    dedupLine(dedupKey),
  ].join('\n');
  return {
    subject: subjectLine(`[${severity}][VIGIL ERROR] ${alarmName}: not handled yet, retrying`),
    body,
    attributes: { dedupKey, severity, state: 'unhandled', transition: 'unhandled', checkId: `alarm:${alarmName}`, service: 'none', tags: [] },
  };
}
