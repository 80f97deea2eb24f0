import * as z from '../zod.js';
import { alarmName, withoutControls } from '../text.js';

const stateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** EventBridge "CloudWatch Alarm State Change", metric or composite. Loose where AWS may add fields. */
export const alarmEvent = z.looseObject({
  /** EventBridge's event id (a UUID); runs and their notes are keyed by it. */
  id: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\w.:-]+$/, 'expected an event id like "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a" (letters, digits, . _ : -)')),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  resources: z.array(z.string()),
  detail: z.looseObject({
    alarmName,
    state: z.looseObject({ value: stateValue, reason: z._default(z.pipe(z.string(), z.transform(withoutControls)), ''), timestamp: z.string() }),
    previousState: z.optional(z.looseObject({ value: stateValue })),
    configuration: z.optional(z.looseObject({ description: z.optional(z.string()), alarmRule: z.optional(z.string()) })),
    /** Present when the alarm propagates its tags. */
    alarmTags: z.optional(z.record(z.string(), z.string())),
  }),
});

export type AlarmEvent = z.output<typeof alarmEvent>;
