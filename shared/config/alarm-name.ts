// Apart from the alarms' schema: on-alarm names alarms and deployments, and builds no schema at load.

/** The name CloudWatch knows an alarm by: its `name`, else its id. */
export const nameOfAlarm = (alarm: { id: string; name?: string | undefined }): string => alarm.name ?? alarm.id;

/** The name a deployment's incident goes by, as an alarm's does: `alarm:deployment prod/orders-api/1`. */
export const deploymentAlarmName = (service: string) => `deployment ${service}`;
