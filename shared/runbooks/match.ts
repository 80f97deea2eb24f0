import { nameOfAlarm } from '../config/alarm-name.js';
import type { AlarmConfig } from '../config/alarms.js';
import type { RunbookConfig } from '../config/runbooks.js';
import type { AlarmEvent } from '../events/alarm.js';

export type Match =
  | { runbook: RunbookConfig }
  /** A runbook needs tags the event does not carry: never guess which alarm this is. */
  | { runbook: RunbookConfig; missingTags: true }
  | undefined;

/** The first runbook whose every criterion holds for this alarm; `alarms` are the config's own, which runbooks name by id. */
export function matchRunbook(runbooks: readonly RunbookConfig[], event: AlarmEvent, alarms: readonly AlarmConfig[] = []): Match {
  const { alarmName, alarmTags } = event.detail;
  for (const runbook of runbooks) {
    const { alarmPrefix, tags } = runbook.match;
    const alarmNames = namesOf(runbook, alarms);
    // A runbook only Vigil's own checks start answers no alarm.
    if (!alarmNames && !alarmPrefix && !tags) continue;
    if (alarmNames && !alarmNames.includes(alarmName)) continue;
    if (alarmPrefix && !alarmName.startsWith(alarmPrefix)) continue;
    if (tags) {
      if (!alarmTags) {
        // Named or prefixed and then tag-checked: the name says it is ours, the tags cannot confirm it.
        if (alarmNames || alarmPrefix) return { runbook, missingTags: true };
        continue;
      }
      if (!Object.entries(tags).every(([k, v]) => alarmTags[k] === v)) continue;
    }
    return { runbook };
  }
  return undefined;
}

/** The alarm names a runbook answers: those it names, and those of the config's alarms it names by id. */
export function namesOf(runbook: RunbookConfig, alarms: readonly AlarmConfig[]): string[] | undefined {
  const { alarmNames, alarms: ids } = runbook.match;
  if (!alarmNames && !ids) return undefined;
  return [...(alarmNames ?? []), ...(ids ?? []).map((id) => nameOfAlarm(alarms.find((a) => a.id === id) ?? { id }))];
}
