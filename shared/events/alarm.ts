import { z } from 'zod';

const stateValue = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

/** EventBridge "CloudWatch Alarm State Change", metric or composite. Loose where AWS may add fields. */
export const alarmEvent = z.looseObject({
  id: z.string().min(1),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  source: z.literal('aws.cloudwatch'),
  account: z.string(),
  region: z.string(),
  time: z.string(),
  resources: z.array(z.string()),
  detail: z.looseObject({
    alarmName: z.string().min(1),
    state: z.looseObject({ value: stateValue, reason: z.string().default(''), timestamp: z.string() }),
    previousState: z.looseObject({ value: stateValue }).optional(),
    configuration: z.looseObject({ description: z.string().optional(), alarmRule: z.string().optional() }).optional(),
    /** Present when the alarm propagates its tags. */
    alarmTags: z.record(z.string(), z.string()).optional(),
  }),
});

export type AlarmEvent = z.output<typeof alarmEvent>;
