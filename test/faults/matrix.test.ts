import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { SdkEcs } from '../../shared/aws/ecs.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { samples } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import { FAULTS, type Fault } from '../support/wire/faulty-handler.js';
import { deliverAlarm, deliverWakeUps, drainStream, ESCALATIONS, remediateIn } from '../support/wire/vigil.js';
import { FUNCTION_TIMEOUT_MS, World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

/**
 * The fault matrix: every call the alarm path makes, from the event to the last notification, meets
 * every fault, on its first call and on every call, with Lambda's retries in the model; each cell
 * is held to the invariants below. The restart never helps (verify fails), so every cell that
 * acts must end with the on-call escalated.
 */
const SITES = [
  'dynamodb PutItem RUN',
  'dynamodb BatchGetItem',
  'dynamodb PutItem CHECK',
  'dynamodb PutItem CONTROL',
  'dynamodb PutItem GUARD',
  'dynamodb PutItem INCIDENT',
  'ecs DescribeServices',
  'ecs UpdateService',
  'dynamodb GetItem INCIDENT',
  'sns Publish',
  'events PutEvents',
  'ssm CreateOpsItem',
  'dynamodb Query',
  'dynamodb GetItem CONTROL',
  'dynamodb UpdateItem CONTROL',
] as const;
/** On its first call only; on every call; on every call but the first (a claim that lands, then its settle write that never does). */
const MODES = ['first', 'every', 'after-first'] as const;
/** The copies of one transition's message: at most two sends that went unanswered (docs/state.md). */
const MAX_COPIES = 2;
/** When every attempt dies right after sending, or the table takes no record of it: one per delivery of the record, bisection included. */
const MAX_COPIES_PER_DELIVERY = 8;

const ground = faultGround();
afterAll(async () => {
  if (!table.size) return;
  const rows = SITES.flatMap((site) => FAULTS.map((fault) => table.get(`${site} × ${fault}`)).filter(Boolean));
  console.log(
    [
      'fault matrix: each call site × each fault, on its first call | on every call | on every call but the first (deployments, who was told, attempts: r returned, t threw, k killed)',
      ...rows,
    ].join('\n'),
  );
});

const config = (mode: 'auto' | 'propose' | 'observe' = 'auto') =>
  parseConfig({
    incidents: { opsCenter: { severities: ['P1'] } },
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${ground.api.port}/health` }],
    remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode, leaseSeconds: 300 }],
    runbooks: [
      {
        id: 'orders-api-5xx',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [
          { act: 'orders-api-restart' },
          { verify: { check: 'api-health', settleSeconds: 60, attempts: 2, intervalSeconds: 10 } },
          { escalate: 'restart did not bring /health back' },
        ],
      },
    ],
  });

interface Cell {
  outcome: string;
  broken: string[];
}

/** One cell: the event through on-alarm (3 attempts), the stream through notify, then a replay; the invariants checked. */
async function cell(site: string, fault: Fault, mode: (typeof MODES)[number]): Promise<Cell> {
  const cfg = config();
  const hits = (n: number) => (mode === 'every' ? true : mode === 'first' ? n === 1 : n > 1);
  const world = await World.create(ground.local, T0, (s, n) => (s === site && hits(n) ? fault : undefined));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const delivered = await deliverAlarm(world, cfg, samples.metric);
    const { deadLettered } = await drainStream(world, cfg);
    await new Promise((r) => setImmediate(r));

    const store = new DynamoStateStore(ground.local.doc, world.table);
    const { guard } = await store.getGuard('ecs:prod/orders-api');
    const run = await store.getRun(`alarm#${samples.metric.id}`);
    const action = guard?.actions.find((a) => a.eventId === samples.metric.id);
    const deployments = world.ecs.applied.length;
    const escalated = world.sns.on(ESCALATIONS).some((m) => m.subject.includes('[ESCALATED]'));
    const paged = world.sns.on(ESCALATIONS).some((m) => m.subject.includes('[VIGIL ERROR]'));
    const lostPublish = world.injected.some((i) => i.site === 'sns Publish' && ['lost', 'hang', 'kill'].includes(i.fault));
    const broken: string[] = [];
    const fail = (what: string) => broken.push(`${site} × ${fault} (${mode}): ${what}`);

    if (deployments > 1) fail(`${deployments} deployments for one event`);
    if (deployments === 1 && (!action || action.outcome === 'not-applied'))
      fail(`a deployment happened but the guard records ${action ? 'it as not applied' : 'no action'}`);
    if (deployments === 0 && action && !['not-applied', 'unknown'].includes(action.outcome ?? ''))
      fail(`no deployment happened but the guard records one (${action.outcome ?? 'in flight'})`);
    if (deployments === 1 && !delivered.deadLettered && !['verified', 'not-verified'].includes(action?.outcome ?? '')) fail('acted, but verify never ran');
    // Told: by a message, or, when SNS or the table is down for good, by the alarmed dead-letter queue the record lands in.
    // An attempt killed at the same call every time can say nothing: there the alarmed dead-letter queue is what tells.
    const told = escalated || paged || deadLettered.length > 0 || (fault === 'kill' && mode !== 'first' && delivered.deadLettered);
    if (deployments === 1 && !told) fail('acted, verify failed, and nobody was escalated');
    if (delivered.deadLettered && !told) fail('dead-lettered and nobody was paged');
    if (!delivered.deadLettered && run?.status !== 'done') fail(`handled, but the run is ${run?.status ?? 'missing'}`);
    if (run?.status === 'done' && run.lease) fail('a finished run still holds its lease');
    if (guard?.lease && new Date(guard.lease.until).getTime() > world.now.getTime() + 300_000) fail(`the target's lease outlives its ${300} s`);

    const keys = world.sns.published.map((m) => m.attributes.dedupKey);
    const transitions = world.stream
      .map((r) => unmarshall(r.dynamodb!.NewImage as Record<string, AttributeValue>))
      .filter((item) => item.type === 'check' && item.state.transition && item.state.incident)
      .map((item) => item.state);
    // Only SNS refusing every send for good can keep a message from going out; a lost reply, a table that fails, a dead attempt cannot.
    const snsDown = site === 'sns Publish' && mode !== 'first' && ['throttle', 'server', 'before'].includes(fault);
    // Every attempt of notify dies before it can send: only the alarmed dead-letter queue can tell.
    const notifyNeverSends = site === 'dynamodb GetItem INCIDENT' && mode !== 'first' && fault === 'kill';
    // A send whose attempt dies right after it, or whose record the table never takes, is one more copy on each delivery.
    const copiesPerDelivery = (site === 'sns Publish' && fault === 'kill') || (site === 'dynamodb PutItem INCIDENT' && mode !== 'first');
    // One OpsItem for the incident: OpsCenter's deduplication holds it to one however often it is asked. None only
    // when OpsCenter refuses every call, the message itself cannot go, or the record went to the dead-letter queue.
    const opsItems = world.ssm.items.length;
    const ssmDown = site === 'ssm CreateOpsItem' && mode !== 'first' && ['throttle', 'server', 'before'].includes(fault);
    if (opsItems > 1) fail(`${opsItems} OpsItems for one incident`);
    const opened = transitions.some((st) => st.transition.kind === 'opened');
    if (opened && opsItems === 0 && !ssmDown && !snsDown && !notifyNeverSends && !deadLettered.length) fail('no OpsItem for the incident');
    const eventsDown = site === 'events PutEvents' && mode !== 'first' && ['throttle', 'server', 'before'].includes(fault);
    const eventCopiesPerDelivery = (site === 'events PutEvents' && fault === 'kill') || (site === 'dynamodb PutItem INCIDENT' && mode !== 'first');
    for (const [t, state] of new Map(transitions.map((s) => [`${s.incident.id}#${s.transition.seq}`, s]))) {
      const copies = keys.filter((k) => k === t).length;
      if (copies === 0 && !snsDown && !notifyNeverSends) fail(`transition ${t} (${state.transition.kind}) sent no message`);
      if (copies > (copiesPerDelivery ? MAX_COPIES_PER_DELIVERY : MAX_COPIES)) fail(`transition ${t} sent ${copies} copies`);
      if (copies > 1 && !lostPublish && mode === 'first') fail(`transition ${t} sent ${copies} messages with no lost Publish reply`);
      // Its hand-off event follows the message: put unless EventBridge refuses every put, or the message itself cannot go.
      const events = world.events.keys().filter((k) => k === t).length;
      // (or when its record went to the alarmed dead-letter queue first).
      if (events === 0 && !eventsDown && !snsDown && !notifyNeverSends && !deadLettered.length)
        fail(`transition ${t} (${state.transition.kind}) handed off no event`);
      if (events > (eventCopiesPerDelivery ? MAX_COPIES_PER_DELIVERY : MAX_COPIES)) fail(`transition ${t} handed off ${events} copies`);
      // A retried event is the same event: it reminds nobody of anything.
      if (state.transition.kind === 'repeated') fail(`a reminder (${t}) from one event retried`);
    }
    const bodies = world.sns.published.map((m) => `${m.subject}\n${m.message}`);
    if (deployments === 1 && bodies.some((b) => /orders-api-restart failed|was not applied/.test(b)))
      fail('a deployment happened, and a message says the action failed');
    if (deployments === 1 && run?.status === 'done' && !snsDown && !notifyNeverSends && !bodies.some((b) => b.includes('[ACTION TAKEN]')))
      fail('acted, and no [ACTION TAKEN] message says so');
    if (paged && run?.status === 'done' && !snsDown && !world.sns.on(ESCALATIONS).some((m) => m.subject.includes('[VIGIL RECOVERED]')))
      fail('paged [VIGIL ERROR], handled on a later attempt, and no follow-up says so');
    if (unhandled.length) fail(`unhandled rejection: ${String(unhandled[0])}`);
    if (run?.status === 'done') {
      world.pick = () => undefined;
      const replayed = (await deliverAlarm(world, cfg, samples.metric)).ends.at(-1);
      if (!(replayed?.ended === 'returned' && (replayed.value as RunbookResult).replay?.of === samples.metric.id))
        fail('a replay of the event did not say it was one');
      if (world.ecs.applied.length !== deployments) fail('a replay of the event acted again');
    }

    const ended = delivered.ends.map((e) => e.ended[0]).join('');
    const outcome = `${deployments} deploy, ${escalated ? 'escalated' : paged ? 'paged' : 'silent'}, attempts ${ended}${delivered.deadLettered ? ', DLQ' : ''}, ${world.sns.published.length} msgs, ${world.events.put.length} events`;
    return { outcome, broken };
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

const table = new Map<string, string>();

// Cells are independent worlds, each its own table; most of their time is the SDK's backoff, so they run side by side.
describe.concurrent('the fault matrix', () => {
  describe.each(SITES)('%s', (site) => {
    it.each(FAULTS)(
      'holds every invariant when it meets %s',
      async (fault) => {
        const first = await cell(site, fault, 'first');
        const every = await cell(site, fault, 'every');
        const later = await cell(site, fault, 'after-first');
        table.set(`${site} × ${fault}`, `${`${site} × ${fault}`.padEnd(42)} ${first.outcome.padEnd(52)} | ${every.outcome.padEnd(52)} | ${later.outcome}`);
        expect([...first.broken, ...every.broken, ...later.broken]).toEqual([]);
      },
      60_000,
    );
  });

  it("meets the SDK's own retries: three attempts for a read that keeps failing, one for a change", async () => {
    const world = await World.create(ground.local, T0, (s) => (s === 'dynamodb GetItem RUN' || s === 'ecs UpdateService' ? 'server' : undefined));
    const attempt = world.coldStart();
    await expect(new DynamoStateStore(attempt.doc, world.table).getRun('x')).rejects.toThrow('internal error');
    await expect(new SdkEcs(attempt.ecs).updateService({ cluster: 'prod', service: 'orders-api', forceNewDeployment: true })).rejects.toThrow('internal error');
    expect(world.injected.map((i) => i.site)).toEqual(['dynamodb GetItem RUN', 'dynamodb GetItem RUN', 'dynamodb GetItem RUN', 'ecs UpdateService']);
  });

  it('covers every call the clean path makes', async () => {
    const cfg = config();
    const seen = new Set<string>();
    const world = await World.create(ground.local, T0, (s) => void seen.add(s));
    await deliverAlarm(world, cfg, samples.metric);
    await drainStream(world, cfg);
    expect([...seen].sort()).toEqual([...SITES].sort());
  });
});

/** The calls an approval makes, from reading the proposal to recording the escalation. */
const APPROVAL_SITES = [
  'dynamodb GetItem PROPOSAL',
  'dynamodb PutItem RUN',
  'dynamodb PutItem INCIDENT',
  'dynamodb BatchGetItem',
  'ecs DescribeServices',
  'dynamodb PutItem GUARD',
  'ecs UpdateService',
  'dynamodb PutItem CHECK',
  'dynamodb UpdateItem CONTROL',
] as const;

/** An alarm whose runbook proposes the restart, and the payload its notification says approves it. */
async function proposed(cfg: ReturnType<typeof config>) {
  const world = await World.create(ground.local, T0);
  await deliverAlarm(world, cfg, samples.metric);
  await drainStream(world, cfg);
  const message = world.sns.published.find((m) => m.subject.includes('[APPROVAL NEEDED]'))!.message;
  return { world, payload: JSON.parse(message.split('\n').find((l) => l.trim().startsWith('{"remediation"'))!) as { approve: string } };
}

// An approval is invoked by hand: no Lambda retries, but the operator, seeing an error, sends the same payload again.
describe.concurrent('an approval under faults', () => {
  it('covers every call a clean approval makes', async () => {
    const cfg = config('propose');
    const { world, payload } = await proposed(cfg);
    const seen = new Set<string>();
    world.pick = (s) => void seen.add(s);
    await remediateIn(
      world,
      world.coldStart(),
      new Date(world.now.getTime() + FUNCTION_TIMEOUT_MS),
      cfg,
    )({ ...payload, approvedBy: 'alice', reason: 'the pods are bad' });
    expect([...seen].sort()).toEqual([...APPROVAL_SITES].sort());
  });

  it.each(APPROVAL_SITES.flatMap((site) => FAULTS.map((fault) => [site, fault] as const)))(
    '%s × %s: one deployment at most, verified, and the operator told',
    async (site, fault) => {
      const cfg = config('propose');
      const { world, payload } = await proposed(cfg);
      const approval = { ...payload, approvedBy: 'alice', reason: 'the pods are bad' };

      world.pick = (s, n) => (s === site && n === 1 ? fault : undefined);
      const answers = await operatorTries(world, cfg, approval, (r) =>
        'error' in (r as object) ? `refused: ${(r as { error: string }).error}` : `answered ${(r as RunbookResult).verdict}`,
      );
      await drainStream(world, cfg);

      const { guard } = await new DynamoStateStore(ground.local.doc, world.table).getGuard('ecs:prod/orders-api');
      const action = guard?.actions.find((x) => x.eventId === `approval-${payload.approve}`);
      const deployments = world.ecs.applied.length;
      const escalated = world.sns.on(ESCALATIONS).some((m) => m.subject.includes('[ESCALATED]'));
      const broken: string[] = [];
      if (deployments > 1) broken.push(`${deployments} deployments for one approval`);
      if (deployments === 1 && (!action || action.outcome === 'not-applied')) broken.push('a deployment happened but the guard does not record it');
      if (deployments === 0 && action && action.outcome !== 'not-applied')
        broken.push(`no deployment, yet the guard records ${action.outcome ?? 'one in flight'}`);
      if (deployments === 1 && !['verified', 'not-verified'].includes(action?.outcome ?? '')) broken.push('acted, but verify never ran');
      if (deployments === 1 && !escalated && !answers.at(-1)!.startsWith('threw'))
        broken.push(`acted, verify failed, nobody escalated (${answers.join(' → ')})`);
      expect(broken).toEqual([]);
    },
  );
});

/** The calls a manual run makes on an incident: its state and guard, the plan, the lease, the call, the record. */
const MANUAL_SITES = [
  'dynamodb BatchGetItem',
  'dynamodb PutItem INCIDENT',
  'ecs DescribeServices',
  'dynamodb PutItem GUARD',
  'ecs UpdateService',
  'dynamodb PutItem CHECK',
] as const;

// A manual run is invoked by hand too; sent again after an error it is a new request, held by the first one's lock and cooldown.
describe.concurrent('a manual run under faults', () => {
  it.each(MANUAL_SITES.flatMap((site) => FAULTS.map((fault) => [site, fault] as const)))(
    '%s × %s: one deployment at most, and the answer says what happened',
    async (site, fault) => {
      const cfg = config('observe');
      const world = await World.create(ground.local, T0);
      await deliverAlarm(world, cfg, samples.metric); // observes only: the incident a human then acts on
      const request = {
        remediation: 'orders-api-restart',
        dryRun: false,
        approvedBy: 'alice',
        reason: 'pods are wedged',
        incident: 'alarm:orders-api-5xx-rate/1',
      };
      world.pick = (s, n) => (s === site && n === 1 ? fault : undefined);
      const answers = (await operatorTries(world, cfg, request, (r) => r, { requestIds: true })).map((a) =>
        typeof a === 'string' ? { error: a === 'killed' ? 'killed' : a.replace(/^threw: /, '') } : (a as { outcome?: string; error?: string }),
      );

      const { guard } = await new DynamoStateStore(ground.local.doc, world.table).getGuard('ecs:prod/orders-api');
      const recorded = (guard?.actions ?? []).filter((x) => x.outcome !== 'not-applied');
      const deployments = world.ecs.applied.length;
      const broken: string[] = [];
      if (deployments > 1) broken.push(`${deployments} deployments for one operator's request`);
      if (recorded.length !== deployments) broken.push(`${deployments} deployments, ${recorded.length} actions on record`);
      if (answers.some((x) => x.outcome === 'acted') && deployments === 0) broken.push('answered "acted" with nothing done');
      if (deployments === 1 && !answers.some((x) => x.outcome === 'acted' || x.error))
        broken.push(`a deployment nobody was told of (${JSON.stringify(answers)})`);
      expect(broken).toEqual([]);
    },
  );
});

/** DocumentDB's and RDS's changes, snapshots, failovers and a reboot, under the same faults: one change at most, recorded as it happened. */
/** The check a restore test runs against its copy: nothing listens where the copies answer, so each test fails and is handed over. */
const RESTORE_CHECK = {
  id: 'orders-db-integrity',
  kind: 'pg',
  target: 'orders-db.internal:5432/orders',
  password: { value: 'never-shown' },
  ssl: 'disable',
  measure: 'query',
  query: { name: 'payments with a negative amount', sql: 'SELECT id FROM payments WHERE amount < 0' },
} as const;

const DATABASE_CASES = [
  {
    key: 'docdb:orders-docdb',
    remediation: { id: 'orders-docdb-snapshot', kind: 'docdb-snapshot', target: 'orders-docdb', mode: 'auto' },
    sites: ['docdb DescribeDBClusters', 'docdb DescribeDBInstances', 'docdb CreateDBClusterSnapshot'],
    made: (w: World) => w.docdb.snapshots.length,
  },
  {
    key: 'docdb:orders-docdb',
    remediation: {
      id: 'orders-docdb-failover',
      kind: 'docdb-failover',
      target: 'orders-docdb',
      mode: 'auto',
      preferredInstance: 'orders-docdb-2',
      allowAuto: { reason: 'a failover drill: replicas are in sync and clients reconnect' },
    },
    sites: ['docdb DescribeDBClusters', 'docdb FailoverDBCluster'],
    made: (w: World) => w.docdb.failovers.length,
  },
  {
    key: 'rds:orders-db',
    remediation: { id: 'orders-db-snapshot', kind: 'rds-snapshot', target: 'orders-db', mode: 'auto' },
    sites: ['rds DescribeDBInstances', 'rds CreateDBSnapshot'],
    made: (w: World) => w.rds.snapshots.length,
  },
  {
    key: 'rds:orders-db',
    remediation: {
      id: 'orders-db-reboot',
      kind: 'rds-reboot',
      target: 'orders-db',
      mode: 'auto',
      allowAuto: { reason: 'the guide reboots a wedged instance before paging' },
    },
    sites: ['rds DescribeDBInstances', 'rds RebootDBInstance', 'rds DescribeEvents'],
    made: (w: World) => w.rds.reboots.length,
  },
  {
    key: 'rds:orders-aurora',
    remediation: {
      id: 'orders-aurora-failover',
      kind: 'rds-failover',
      target: 'orders-aurora',
      mode: 'auto',
      allowAuto: { reason: 'a failover drill: readers are in sync and clients reconnect' },
    },
    sites: ['rds DescribeDBClusters', 'rds FailoverDBCluster'],
    made: (w: World) => w.rds.failovers.length,
  },
  {
    key: 'cloudfront:E2QWRUHAPOMQZL',
    remediation: { id: 'orders-web-invalidate', kind: 'cloudfront-invalidate', target: 'E2QWRUHAPOMQZL', paths: ['/index.html', '/static/*'], mode: 'auto' },
    sites: ['cloudfront GetDistribution', 'cloudfront CreateInvalidation', 'cloudfront ListInvalidations', 'cloudfront GetInvalidation'],
    made: (w: World) => w.cloudfront.created.length,
  },
  {
    // At its autoscaling maximum: the maximum is raised (one change), then the count (a second call, same action).
    key: 'ecs:prod/orders-api',
    remediation: { id: 'orders-api-scale-out', kind: 'ecs-scale-out', target: 'prod/orders-api', step: 1, max: 10, raiseMaxTo: 6, mode: 'auto' },
    sites: ['ecs DescribeServices', 'application-autoscaling DescribeScalableTargets', 'application-autoscaling RegisterScalableTarget', 'ecs UpdateService'],
    made: (w: World) => Math.max(w.autoscaling.applied.length, w.ecs.applied.length),
  },
  {
    // Above its autoscaling minimum of 2, and no incident of the service but the one it answers: one step in.
    key: 'ecs:prod/orders-api',
    remediation: { id: 'orders-api-scale-in', kind: 'ecs-scale-in', target: 'prod/orders-api', min: 1, serviceChecks: ['api-health'], mode: 'auto' },
    sites: ['ecs DescribeServices', 'application-autoscaling DescribeScalableTargets', 'dynamodb Query', 'ecs UpdateService'],
    made: (w: World) => w.ecs.applied.length,
  },
  {
    key: 'sqs:orders-dlq',
    remediation: { id: 'orders-dlq-redrive', kind: 'sqs-redrive', target: 'orders-dlq', destination: 'orders', serviceChecks: ['api-health'], mode: 'auto' },
    sites: ['sqs GetQueueUrl', 'sqs GetQueueAttributes', 'sqs ListMessageMoveTasks', 'sqs StartMessageMoveTask'],
    made: (w: World) => w.sqs.moves.length,
  },
  {
    // One new address in, and an entry of Vigil's whose time is up out: tags first, the set, then the old tag.
    key: 'waf:REGIONAL:orders-blocked',
    remediation: {
      id: 'orders-block-ips',
      kind: 'waf-block-ips',
      target: 'orders-blocked',
      ipSetId: 'a1b2c3d4',
      logGroups: ['aws-waf-logs-orders'],
      query: 'stats count(*) as hits by httpRequest.clientIp | sort hits desc',
      field: 'httpRequest.clientIp',
      mode: 'auto',
      allowAuto: { reason: 'a drill: the addresses are documentation ranges' },
    },
    sites: ['logs StartQuery', 'wafv2 GetIPSet', 'wafv2 ListTagsForResource', 'wafv2 TagResource', 'wafv2 UpdateIPSet', 'wafv2 UntagResource'],
    made: (w: World) => w.waf.updates.length,
  },
  {
    // A restore test whose copy is available at once: restored, its check run (nothing listens there, so it fails and
    // a human hears of it), its outcome written on the copy, and the copy deleted, all within one invocation.
    key: 'rds-restore:orders-db',
    remediation: {
      id: 'orders-db-restore-test',
      kind: 'rds-restore-test',
      source: 'orders-db',
      check: 'orders-db-integrity',
      costCeiling: { usdPerHour: 0.1, maxUsd: 1 },
      mode: 'auto',
    },
    checks: [RESTORE_CHECK],
    sites: ['rds DescribeDBInstances', 'rds DescribeDBSnapshots', 'rds RestoreDBInstanceFromDBSnapshot', 'rds AddTagsToResource', 'rds DeleteDBInstance'],
    made: (w: World) => w.rds.copies.size,
  },
  {
    // The same of an Aurora cluster: two creations (the cluster, then its instance) and two deletions (the instance first).
    key: 'rds-restore:orders-aurora',
    remediation: {
      id: 'orders-aurora-restore-test',
      kind: 'rds-restore-test',
      source: 'orders-aurora',
      scope: 'cluster',
      check: 'orders-db-integrity',
      costCeiling: { usdPerHour: 0.3, maxUsd: 2 },
      mode: 'auto',
    },
    checks: [RESTORE_CHECK],
    sites: [
      'rds DescribeDBClusters',
      'rds RestoreDBClusterFromSnapshot',
      'rds CreateDBInstance',
      'rds AddTagsToResource',
      'rds DeleteDBInstance',
      'rds DeleteDBCluster',
    ],
    // A cluster the action deleted again at once (its instance could not be added) is no copy: only those tested or still there count.
    made: (w: World) => [...w.rds.clusterCopies.values()].filter((c) => c.status !== 'deleting' || c.tags.has('vigil:tested')).length,
  },
  {
    // The same of a DocumentDB cluster, its mongo check at the copy; DocumentDB's describe calls carry no tags, read apart.
    key: 'docdb-restore:orders-docdb',
    remediation: {
      id: 'orders-docdb-restore-test',
      kind: 'docdb-restore-test',
      source: 'orders-docdb',
      check: 'orders-docdb-integrity',
      costCeiling: { usdPerHour: 0.08, maxUsd: 1 },
      mode: 'auto',
    },
    checks: [
      {
        id: 'orders-docdb-integrity',
        kind: 'mongo',
        target: 'orders-docdb.cluster-x.eu-west-1.docdb.amazonaws.com:27017',
        password: { value: 'never-shown' },
        measure: 'query',
        query: { name: 'orders with a negative total', database: 'shop', collection: 'orders', filter: { total: { $lt: 0 } } },
        timeoutMs: 500,
      },
    ],
    sites: [
      'docdb DescribeDBClusters',
      'docdb RestoreDBClusterFromSnapshot',
      'docdb CreateDBInstance',
      'docdb ListTagsForResource',
      'docdb AddTagsToResource',
      'docdb DeleteDBInstance',
      'docdb DeleteDBCluster',
    ],
    made: (w: World) => [...w.docdb.copies.values()].filter((c) => c.status !== 'deleting' || c.tags.has('vigil:tested')).length,
  },
] as const;

type DatabaseCase = (typeof DATABASE_CASES)[number];

/** One alarm answered by a runbook that acts with the case's remediation, then the stream drained. */
async function answerAlarm(c: DatabaseCase, pick: (site: string, n: number) => Fault | undefined) {
  const cfg = parseConfig({
    checks: [{ id: 'api-health', kind: 'http', target: `http://127.0.0.1:${ground.api.port}/health` }, ...('checks' in c ? c.checks : [])],
    remediations: [c.remediation],
    runbooks: [
      {
        id: 'database-change',
        match: { alarmNames: ['orders-api-5xx-rate'] },
        severity: 'P1',
        steps: [{ act: c.remediation.id }, { escalate: 'the database needs a human' }],
      },
    ],
  });
  const world = await World.create(ground.local, T0, pick);
  // A restored copy is available at once, at a port where nothing listens (1: a privileged port no test opens).
  world.rds.restoresReadyAt = { host: '127.0.0.1', port: 1 };
  world.docdb.restoresReadyAt = { host: '127.0.0.1', port: 1 };
  const delivered = await deliverAlarm(world, cfg, samples.metric);
  // A run that sleeps (a restore it looks at again) is woken by its schedule, as deployed.
  const woken = await deliverWakeUps(world, cfg);
  const { deadLettered } = await drainStream(world, cfg);
  const { guard } = await new DynamoStateStore(ground.local.doc, world.table).getGuard(c.key);
  const action = guard?.actions.find((x) => x.eventId === samples.metric.id);
  const last = delivered.ends.at(-1)!;
  const acted = last.ended === 'returned' && (last.value as RunbookResult).steps.some((x) => x.outcome === 'acted');
  return { world, delivered: { ...delivered, deadLettered: delivered.deadLettered || woken.deadLettered }, deadLettered, action, acted, made: c.made(world) };
}

describe.concurrent('database changes under faults', () => {
  it.each(DATABASE_CASES.map((c) => [c.remediation.kind, c] as const))('%s: without a fault, one change, recorded', async (_, c) => {
    const { action, acted, made } = await answerAlarm(c, () => undefined);
    expect({ made, acted, outcome: action?.outcome }).toEqual({ made: 1, acted: true, outcome: 'done' });
  });

  it.each(
    DATABASE_CASES.flatMap((c) =>
      c.sites.flatMap((site) => FAULTS.flatMap((fault) => MODES.map((mode) => [c.remediation.kind, site, fault, mode, c] as const))),
    ),
  )('%s: %s × %s (%s call)', async (_, site, fault, mode, c) => {
    const hits = (n: number) => (mode === 'every' ? true : mode === 'first' ? n === 1 : n > 1);
    const { world, delivered, deadLettered, action, acted, made } = await answerAlarm(c, (s, n) => (s === site && hits(n) ? fault : undefined));
    const told = world.sns.on(ESCALATIONS).length > 0 || deadLettered.length > 0 || (fault === 'kill' && delivered.deadLettered);
    const broken: string[] = [];
    if (made > 1) broken.push(`${made} changes for one event`);
    if (made === 1 && (!action || action.outcome === 'not-applied')) broken.push('a change happened but the guard does not record it');
    // "unknown" is the truth when neither the call's answer nor a read-back could tell: it holds the cooldown, and a human is told to look.
    // A claim every attempt died on before reading the target stays in flight: the next event's orphan settlement reads it.
    const everyAttemptKilled = fault === 'kill' && mode !== 'first' && delivered.deadLettered;
    if (made === 0 && action && !['not-applied', 'unknown'].includes(action.outcome ?? '') && !(everyAttemptKilled && action.outcome === undefined))
      broken.push(`no change, yet the guard records ${action.outcome ?? 'one in flight'}`);
    if (action?.outcome === 'unknown' && !world.sns.published.some((m) => m.message.includes('may or may not have acted')))
      broken.push('an unknown outcome, and nobody told to look');
    if (acted && made === 0) broken.push('said "acted" with nothing done');
    if (!told) broken.push('nobody was told');
    expect(broken).toEqual([]);
  });
});

/**
 * A human's request to the remediate function, as an operator makes it: again (30 s later, under its own request
 * id) when the first did not answer well, twice at most. Each try's answer as `read` gives it, or `threw: …`
 * or `killed`; a try whose answer reads as an error is tried again.
 */
async function operatorTries<T>(
  world: World,
  cfg: ReturnType<typeof config>,
  payload: object,
  read: (answer: unknown) => T,
  { requestIds = false } = {},
): Promise<(T | string)[]> {
  const answers: (T | string)[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const started = world.now.getTime();
    const a = world.coldStart();
    const answer = await Promise.race([
      remediateIn(
        world,
        a,
        new Date(started + FUNCTION_TIMEOUT_MS),
        cfg,
      )(payload, ...(requestIds ? [{ awsRequestId: `request-${attempt}` }] : [])).then(
        (r): { ok: unknown } | string => ({ ok: r }),
        (err: Error) => `threw: ${err.message}`,
      ),
      a.killed.then(() => 'killed'),
    ]);
    a.kill();
    if (answer === 'killed') world.now = new Date(started + FUNCTION_TIMEOUT_MS);
    answers.push(typeof answer === 'string' ? answer : read(answer.ok));
    if (typeof answer !== 'string' && !('error' in (answer.ok as object))) break;
    world.advance(30_000);
  }
  return answers;
}
