// In a fresh process: whole run-checks rounds against the local DynamoDB, counting its write requests
// and the distinct CloudWatch metric series in the EMF output.
import { createServer } from 'node:net';
import { createRunChecksHandler } from '../functions/run-checks/handler.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { emfMeter } from '../shared/aws/emf-meter.js';
import { parseConfig } from '../shared/config/load.js';
import { createStateTable, startLocalDynamo } from '../app/local/dynamo.js';
import { DynamoStateStore } from '../shared/state/dynamo.js';

const n = Number(process.argv[2]);
const open = createServer((s) => s.on('error', () => undefined).end()).listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
await new Promise((r) => open.once('listening', r));
const openPort = (open.address() as { port: number }).port;
const closedPort = 1; // nothing listens: connection refused at once

const dynamo = await startLocalDynamo();
await createStateTable(dynamo.client, 'bench');
const writes = { requests: 0, items: 0 };
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
dynamo.client.middlewareStack.add(
  (next, context) => async (args) => {
    if (WRITES.has(context.commandName!)) {
      writes.requests += 1;
      const batch = (args.input as { RequestItems?: Record<string, unknown[]> }).RequestItems;
      writes.items += batch ? Object.values(batch).reduce((sum, items) => sum + items.length, 0) : 1;
    }
    return next(args);
  },
  { step: 'initialize', name: 'countWrites' },
);
const store = new DynamoStateStore(dynamo.doc, 'bench');
const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

const configWith = (failing: number) =>
  parseConfig({
    defaults: { concurrency: 64, timeoutMs: 2000 },
    checks: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, group: 'all', kind: 'tcp', target: `127.0.0.1:${i < failing ? closedPort : openPort}` })),
  });

/** One round; its writes, and the metric series its EMF lines declare. */
async function round(failing: number) {
  const handler = createRunChecksHandler({ config: configWith(failing), log, store, meter: emfMeter() });
  const before = { ...writes };
  const series = new Set<string>();
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.includes('CloudWatchMetrics')) continue;
      const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<
        string,
        unknown
      >;
      for (const d of emf._aws.CloudWatchMetrics) {
        for (const dims of d.Dimensions) for (const m of d.Metrics) series.add(`${d.Namespace}/${m.Name}/${dims.map((k) => `${k}=${emf[k]}`).join(',')}`);
      }
    }
    return true;
  }) as typeof process.stdout.write;
  const counts: Record<string, number> = {};
  try {
    // As deployed: the schedules send at most 50 checks per invocation, so a round is its parts in turn.
    for (let part = 1; part <= Math.ceil(n / MAX_CHECKS_PER_INVOCATION); part++) {
      const result = (await handler({ group: 'all', part })) as { counts?: Record<string, number>; error?: string };
      if (!result.counts) throw new Error(`part ${part} was refused: ${result.error}`);
      for (const [status, c] of Object.entries(result.counts)) counts[status] = (counts[status] ?? 0) + c;
    }
  } finally {
    process.stdout.write = write;
  }
  return { counts, writeRequests: writes.requests - before.requests, writeItems: writes.items - before.items, series: [...series].sort() };
}

const first = await round(0); // every check's first state
const steady = await round(0);
// At least one failing check, so 10 checks show the same mix of outcomes as 10,000.
const changed = await round(Math.max(1, Math.round(n / 100)));
console.log(JSON.stringify({ n, first, steady, changed }));
await dynamo.close();
process.exit(0);
