// In a fresh process: one outage of a shared cause, a database and N checks behind it, through whole run-checks
// rounds against the local DynamoDB and the local stream (notify, and the reader that starts check runbooks).
// Counts the pages, the runbooks started for the dependents' own targets, and the writes of a steady round.
import { createRunChecksHandler } from '../functions/run-checks/handler.js';
import { startLocalRuntime } from '../app/local/runtime.js';
import { parseConfig } from '../shared/config/load.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { silentLog } from '../shared/log.js';
import { checkStatesIn } from '../shared/notifications/stream.js';
import { triggerFor } from '../shared/runbooks/check-trigger.js';

const n = Number(process.argv[2]);
/** `none`: every check on its own; `group`: grouped by its group; `dependsOn`: grouped, and the dependents name the database. */
const mode = (process.argv[3] ?? 'none') as 'none' | 'group' | 'dependsOn';
const declared = mode === 'dependsOn';
const CLOSED = '127.0.0.1:1'; // nothing listens: refused at once

const config = parseConfig({
  defaults: { concurrency: 64, timeoutMs: 2000 },
  incidents: { grouping: { windowMinutes: mode === 'none' ? 0 : 5 } },
  checks: [
    { id: 'orders-db', kind: 'tcp', target: CLOSED, group: 'orders', severity: 'P1' },
    ...Array.from({ length: n }, (_, i) => ({
      id: `orders-api-${i}`,
      kind: 'tcp' as const,
      target: CLOSED,
      group: 'orders',
      severity: 'P1' as const,
      tags: { service: 'orders' },
      ...(declared ? { dependsOn: ['orders-db'] } : {}),
    })),
  ],
  remediations: [{ id: 'orders-api-restart', kind: 'ecs-restart', target: 'prod/orders-api', mode: 'auto' }],
  // The per-target fix a team writes for its service's checks: what fires into an outage whose cause is elsewhere.
  runbooks: [{ id: 'restart-on-failure', match: { checks: { tags: { service: 'orders' } } }, severity: 'P1', steps: [{ act: 'orders-api-restart' }] }],
});

let now = new Date('2026-12-04T03:00:00Z');
const clock = { now: () => now };
const pages: string[] = [];
const runtime = await startLocalRuntime({ config, clock, log: silentLog, onNotification: (_, m) => pages.push(m.subject) });
let runbooksStarted = 0;
runtime.onStream(async (event) => {
  for (const record of event.Records) {
    const states = checkStatesIn(record);
    if (states && triggerFor(config, states.old, states.next)) runbooksStarted += 1;
  }
  return { batchItemFailures: [] };
});
const writes = { items: 0 };
runtime.dynamo!.client.middlewareStack.add(
  (next, context) => async (args) => {
    if (['PutItemCommand', 'DeleteItemCommand'].includes(context.commandName!)) writes.items += 1;
    if (context.commandName === 'BatchWriteItemCommand')
      writes.items += Object.values((args.input as { RequestItems: Record<string, unknown[]> }).RequestItems).reduce((s, i) => s + i.length, 0);
    return next(args);
  },
  { step: 'initialize', name: 'countWrites' },
);

const handler = createRunChecksHandler({ config, log: silentLog, store: runtime.store, clock });
/** One round, in the parts the schedules send; the clock moves a minute. */
async function round() {
  for (let part = 1; part <= Math.ceil((n + 1) / MAX_CHECKS_PER_INVOCATION); part++) await handler({ group: 'orders', part });
  now = new Date(now.getTime() + 60_000);
}

await round();
await round(); // the failure threshold: incidents open
const before = writes.items;
await round(); // a steady round of the outage: every failing finding is kept in the history, one item each
const steadyStateWrites = writes.items - before - (n + 1);
console.log(JSON.stringify({ n, declared, pages: pages.length, runbooksStarted, steadyStateWrites }));
await runtime.close();
process.exit(0);
