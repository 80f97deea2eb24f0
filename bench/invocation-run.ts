// In a fresh process: warm run-checks invocations as deployed, one schedule's group of 50 HTTP checks at
// the default concurrency, with incident state in the local DynamoDB. What one invocation costs: its
// duration, memory, DynamoDB units and log bytes.
import { Logger } from '@aws-lambda-powertools/logger';
import { createRunChecksHandler } from '../functions/run-checks/handler.js';
import { emfMeter } from '../shared/aws/emf-meter.js';
import { parseConfig } from '../shared/config/load.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { createStateTable, startLocalDynamo } from '../app/local/dynamo.js';
import { DynamoStateStore } from '../shared/state/dynamo.js';
import { startSlowTarget } from './target.js';

const [latencyMs, warmup, measured] = process.argv.slice(2).map(Number) as [number, number, number];
const target = await startSlowTarget(latencyMs);
const dynamo = await startLocalDynamo();
await createStateTable(dynamo.client, 'bench');
const units = { read: 0, write: 0 };
// Units as DynamoDB bills them: every item Vigil reads or writes is under 1 KB; reads are strongly consistent (1 unit each).
dynamo.client.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { RequestItems?: Record<string, { Keys?: unknown[] } | unknown[]> };
    const items = input.RequestItems
      ? Object.values(input.RequestItems).reduce<number>((n, r) => n + (Array.isArray(r) ? r.length : (r.Keys?.length ?? 0)), 0)
      : 1;
    if (/^(Put|Update|Delete|BatchWrite)/.test(context.commandName!)) units.write += items;
    else if (/^(Get|BatchGet|Query)/.test(context.commandName!)) units.read += items;
    return next(args);
  },
  { step: 'initialize', name: 'countUnits' },
);

const config = parseConfig({
  checks: Array.from({ length: MAX_CHECKS_PER_INVOCATION }, (_, i) => ({
    id: `api-${i}`,
    group: 'apis',
    kind: 'http',
    target: `${target.base}/ok`,
    schedule: 'rate(1 minute)',
  })),
});
const handler = createRunChecksHandler({
  config,
  log: new Logger({ serviceName: 'vigil' }),
  store: new DynamoStateStore(dynamo.doc, 'bench'),
  meter: emfMeter(),
});

// Count what the function would send to CloudWatch Logs; show none of it.
let logBytes = 0;
const print = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array) => {
  logBytes += Buffer.byteLength(chunk);
  return true;
}) as typeof process.stdout.write;

const runs: { ms: number; readUnits: number; writeUnits: number; logBytes: number }[] = [];
for (let i = 0; i < warmup + measured; i++) {
  const before = { ...units, logBytes };
  const started = performance.now();
  const result = await handler({ group: 'apis' });
  const ms = performance.now() - started;
  // An invocation whose checks failed measured something else: stop rather than price it.
  if (!('counts' in result) || result.counts.ok !== MAX_CHECKS_PER_INVOCATION) throw new Error(`invocation ${i}: ${JSON.stringify(result).slice(0, 300)}`);
  if (i >= warmup) runs.push({ ms, readUnits: units.read - before.read, writeUnits: units.write - before.write, logBytes: logBytes - before.logBytes });
}
target.stop();
await dynamo.close();
print(
  `${JSON.stringify({ checks: MAX_CHECKS_PER_INVOCATION, concurrency: config.defaults.concurrency, runs, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
process.exit(0);
