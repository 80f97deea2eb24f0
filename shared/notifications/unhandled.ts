import type { RunbookConfig } from '../config/runbooks.js';
import type { Severity } from '../config/names.js';
import type { AlarmEvent } from '../events/alarm.js';
import { dedupLine, subjectLine, type Notification } from './message.js';

/** What started a run that Vigil pages about: an alarm event, or a check's transition from the stream. */
export interface RunSource {
  /** `alarm#<event id>` or `check#<incident>#<seq>`: the pages' deduplication keys start with it. */
  key: string;
  /** The alarm's name, or the check's id. */
  name: string;
  /** What it said: the alarm's state, or the check's transition. */
  what: string;
  runbook: RunbookConfig | undefined;
  /** How it is retried, for the page to say. */
  retries: string;
  /** Event id and time, as the page quotes them. */
  event: string;
}

export const alarmSource = (event: AlarmEvent, runbook: RunbookConfig | undefined): RunSource => ({
  key: `alarm#${event.id}`,
  name: event.detail.alarmName,
  what: `the alarm ${event.detail.alarmName} (${event.detail.state.value})`,
  runbook,
  retries: 'Lambda invokes it again, up to 3 attempts in all',
  event: `${event.id} at ${event.time}`,
});

export const checkSource = (trigger: { checkId: string; cause: string; eventId: string; runbook: RunbookConfig }): RunSource => ({
  key: `check#${trigger.eventId}`,
  name: trigger.checkId,
  what: `${trigger.checkId} ${trigger.cause}`,
  runbook: trigger.runbook,
  retries: "the table's stream delivers it again, up to 4 times in all",
  event: trigger.eventId,
});

const severityOf = (source: RunSource): Severity => source.runbook?.severity ?? 'P1';

/**
 * What Vigil pages when it cannot record what it is doing: never silence. Every attempt that fails
 * sends it with the same deduplication key, so a pager shows it once; a later attempt that finishes
 * says so (`handledOnRetry`).
 */
export function unhandledRun(source: RunSource, error: string): Notification {
  const { runbook } = source;
  const severity = severityOf(source);
  const dedupKey = `${source.key}#unhandled`;
  const steps =
    runbook?.steps.map(
      (s, i) =>
        `  ${i + 1}. ${Object.entries(s)
          .map(
            ([k, v]) =>
              `${k} ${typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : ((v as { check?: string }).check ?? 'the check that started it')}`,
          )
          .join('')}`,
    ) ?? [];
  const body = [
    `Vigil could not finish handling ${source.what}: ${error}`,
    '',
    `It will be retried: ${source.retries}, and each attempt goes on where the last stopped; an action already taken is never repeated. A [VIGIL RECOVERED] message follows if a retry finishes it.`,
    ...(runbook ? ['', `Until you hear that it is handled, the runbook ${runbook.id} is:`, ...steps] : []),
    '',
    `Event:     ${source.event}`,
    '',
    dedupLine(dedupKey),
  ].join('\n');
  return {
    subject: subjectLine(`[${severity}][VIGIL ERROR] ${source.name}: not handled yet, retrying`),
    body,
    attributes: {
      dedupKey,
      severity,
      state: 'unhandled',
      transition: 'unhandled',
      checkId: source.key.startsWith('alarm#') ? `alarm:${source.name}` : source.name,
      service: 'none',
      tags: [],
    },
  };
}

/** The follow-up: a later attempt finished what an earlier one could not, so a page about it is over. */
export function handledOnRetry(source: RunSource, attempts: number, verdict: string): Notification {
  const severity = severityOf(source);
  const dedupKey = `${source.key}#handled`;
  const body = [
    `Vigil handled ${source.what} on attempt ${attempts}, after an earlier attempt failed or died: the runbook's verdict is "${verdict}".`,
    'Any [VIGIL ERROR] page about it is over; its own messages (actions, escalation) say the rest.',
    '',
    `Event:     ${source.event}`,
    '',
    dedupLine(dedupKey),
  ].join('\n');
  return {
    subject: subjectLine(`[${severity}][VIGIL RECOVERED] ${source.name}: handled on attempt ${attempts} (${verdict})`),
    body,
    attributes: {
      dedupKey,
      severity,
      state: 'handled',
      transition: 'handled',
      checkId: source.key.startsWith('alarm#') ? `alarm:${source.name}` : source.name,
      service: 'none',
      tags: [],
    },
  };
}
