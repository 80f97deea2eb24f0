import { readFileSync } from 'node:fs';
import type { AlarmEvent } from '../../shared/events/alarm.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../events/${name}.json`, import.meta.url), 'utf8')) as AlarmEvent;

export const samples = {
  metric: load('alarm-metric'),
  composite: load('alarm-composite'),
  ok: load('alarm-ok'),
  insufficient: load('alarm-insufficient-data'),
};

/** The metric sample as another delivery: a new event id, a chosen state. */
export function alarm(id: string, value: 'ALARM' | 'OK' = 'ALARM', overrides: Partial<AlarmEvent['detail']> = {}): AlarmEvent {
  const base = value === 'ALARM' ? samples.metric : samples.ok;
  return { ...base, id, detail: { ...base.detail, ...overrides } };
}
