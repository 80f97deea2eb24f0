/** The state table's shape, shared by the CDK stack and the local DynamoDB. See docs/state.md. */
export const STATE_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after. */
  ttlAttribute: 'expiresAt',
  activeIndex: { name: 'active', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

export const keys = {
  checkState: (checkId: string) => ({ pk: `CHECK#${checkId}`, sk: 'STATE' }),
  finding: (checkId: string, startedAt: string) => ({ pk: `FINDING#${checkId}`, sk: startedAt }),
  incident: (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: 'META' }),
  timeline: (incidentId: string, at: string, key: string) => ({ pk: `INCIDENT#${incidentId}`, sk: `T#${at}#${key}` }),
  silence: (id: string) => ({ pk: 'SILENCE', sk: id }),
  guard: (targetKey: string) => ({ pk: `GUARD#${targetKey}`, sk: 'STATE' }),
  killSwitch: () => ({ pk: 'CONTROL', sk: 'KILL_SWITCH' }),
  brake: () => ({ pk: 'CONTROL', sk: 'BRAKE' }),
  status: () => ({ pk: 'CONTROL', sk: 'STATUS_PAGE' }),
  proposal: (id: string) => ({ pk: `PROPOSAL#${id}`, sk: 'META' }),
  run: (id: string) => ({ pk: `RUN#${id}`, sk: 'META' }),
  heartbeat: (checkId: string) => ({ pk: `HEARTBEAT#${checkId}`, sk: 'LATEST' }),
  summary: (bucket: string) => ({ pk: `BUCKET#${bucket}`, sk: 'SUMMARY' }),
  windows: (bucket: string) => ({ pk: `BUCKET#${bucket}`, sk: 'WINDOWS' }),
  statesTouched: () => ({ pk: 'CONTROL', sk: 'STATES_TOUCHED' }),
};

/** The sparse index holds active incidents only. */
export const ACTIVE_INCIDENTS = 'INCIDENTS#ACTIVE';
