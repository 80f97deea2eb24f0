// In a fresh process: "CloudWatch Alarm State Change" events (or, with `check`, the stream records of check
// incidents opening) through the on-alarm handler, timing each from the event entering the handler to the
// ECS UpdateService call, against the local DynamoDB.
import { readFileSync } from 'node:fs';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createOnAlarmHandler } from '../functions/on-alarm/handler.js';
import { SdkEcs } from '../shared/aws/ecs.js';
import { BatchingMetrics } from '../shared/aws/metrics.js';
import { parseConfig } from '../shared/config/load.js';
import type { AlarmEvent } from '../shared/events/alarm.js';
import { createStateTable, startLocalDynamo } from '../app/local/dynamo.js';
import { silentLog } from '../shared/log.js';
import type { CheckState } from '../shared/state/check-state.js';
import { streamRecord } from '../app/local/stream.js';
import { DynamoStateStore } from '../shared/state/dynamo.js';
import { service } from '../test/support/ecs-fixtures.js';
import { pathSample, type PathSample } from './stats.js';

const [warmup, measured] = process.argv.slice(2, 4).map(Number) as [number, number];
const fromChecks = process.argv[4] === 'check';
const total = warmup + measured;
const sample = JSON.parse(readFileSync(new URL('../events/alarm-metric.json', import.meta.url), 'utf8')) as AlarmEvent;

// One service per event, so no cooldown or rate limit of an earlier one holds the next back.
const config = parseConfig({
  // Each event acts on its own service, far more than an hour's budget: the brake is asked on the path (its counts and
  // its write are measured), but its budget and its incident count are set past what the run sends.
  brake: { actionsPerHour: 10_000, failing: { count: 100_000 } },
  checks: Array.from({ length: total }, (_, i) => ({ id: `svc-${i}-health`, kind: 'tcp', target: `svc-${i}.internal:443` })),
  remediations: Array.from({ length: total }, (_, i) => ({ id: `restart-${i}`, kind: 'ecs-restart', target: `prod/svc-${i}`, mode: 'auto' })),
  runbooks: Array.from({ length: total }, (_, i) => ({
    id: `svc-${i}-5xx`,
    match: fromChecks ? { checks: { ids: [`svc-${i}-health`] } } : { alarmNames: [`svc-${i}-5xx`] },
    severity: 'P1',
    steps: [{ act: `restart-${i}` }, { escalate: 'restart did not help' }],
  })),
});

/** The stream record of check `i`'s incident opening, its state written to the table first, as run-checks does. */
async function openedRecord(i: number) {
  const checkId = `svc-${i}-health`;
  const at = new Date().toISOString();
  const incident = {
    id: `${checkId}/1`,
    checkId,
    target: `svc-${i}.internal:443`,
    severity: 'P2',
    state: 'open',
    silenced: false,
    openedAt: at,
    failingSince: at,
    summary: 'connect ECONNREFUSED',
    observed: {},
    failuresAtOpen: 2,
    notificationsSent: 0,
  };
  const state = {
    checkId,
    target: incident.target,
    version: 3,
    status: 'fail',
    statusSince: at,
    streak: { failing: true, count: 2 },
    incidentCount: 1,
    incident,
    transition: { seq: 1, kind: 'opened', incidentId: incident.id, at, by: 'vigil' },
  } as CheckState;
  await store.putCheckState(state, undefined);
  return { Records: [streamRecord(undefined, state, i + 1)] };
}

const dynamo = await startLocalDynamo();
await createStateTable(dynamo.client, 'bench');
// Every DynamoDB request of the current event: when it was sent and when its answer came.
let requests: { sent: number; answered: number }[] = [];
let entered = 0;
let acted = 0;
dynamo.client.middlewareStack.add(
  (next) => async (args) => {
    const request = { sent: performance.now(), answered: Infinity };
    requests.push(request);
    try {
      return await next(args);
    } finally {
      request.answered = performance.now();
    }
  },
  { step: 'initialize', name: 'timeRequests' },
);

const ecs = mockClient(ECSClient);
ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
ecs.on(UpdateServiceCommand).callsFake(() => {
  acted = performance.now();
  return { service: service() };
});

const store = new DynamoStateStore(dynamo.doc, 'bench');
const onAlarm = createOnAlarmHandler({
  config,
  store,
  aws: { ecs: new SdkEcs({ region: 'eu-west-1' }), metrics: new BatchingMetrics() },
  clock: { now: () => new Date() },
  log: silentLog,
  sleep: async () => undefined,
  deadline: () => new Date(Date.now() + 600_000),
  failLoud: undefined,
  remediateFunction: 'bench-remediate',
});

const samples: PathSample[] = [];
for (let i = 0; i < total; i++) {
  const event = fromChecks
    ? await openedRecord(i)
    : {
        ...sample,
        id: `bench-${i}`,
        resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:svc-${i}-5xx`],
        detail: { ...sample.detail, alarmName: `svc-${i}-5xx` },
      };
  requests = [];
  acted = 0;
  entered = performance.now();
  const result = await onAlarm(event);
  if (!acted) throw new Error(`event ${i} did not reach UpdateService: ${JSON.stringify(result)}`);
  if (i >= warmup) samples.push(pathSample(entered, acted, requests));
}
console.log(JSON.stringify({ samples }));
await dynamo.close();
process.exit(0);
