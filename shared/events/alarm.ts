import * as z from '../zod.js';

const stateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** EventBridge "CloudWatch Alarm State Change", metric or composite. Loose where AWS may add fields. */
export const alarmEvent = z.looseObject({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  resources: z.array(z.string()),
  detail: z.looseObject({
    alarmName: z.string().check(z.minLength(1)),
    state: z.looseObject({ value: stateValue, reason: z._default(z.string(), ''), timestamp: z.string() }),
    previousState: z.optional(z.looseObject({ value: stateValue })),
    configuration: z.optional(z.looseObject({ description: z.optional(z.string()), alarmRule: z.optional(z.string()) })),
    /** Present when the alarm propagates its tags. */
    alarmTags: z.optional(z.record(z.string(), z.string())),
  }),
});

export type AlarmEvent = z.output<typeof alarmEvent>;
