// In a fresh process: warm run-checks invocations as deployed, one bucket of 50 HTTP checks as dispatch
// sends it, at the default concurrency, with incident state in the local DynamoDB. What one invocation
// costs: its duration, memory, DynamoDB units and log bytes.
import { Logger } from '@aws-lambda-powertools/logger';
import { createRunChecksHandler } from '../functions/run-checks/handler.js';
import { emfMeter } from '../shared/aws/emf-meter.js';
import { parseConfig } from '../shared/config/load.js';
import { MAX_CHECKS_PER_INVOCATION } from '../shared/config/limits.js';
import { createStateTable, startLocalDynamo } from '../app/local/dynamo.js';
import { DynamoStateStore } from '../shared/state/dynamo.js';
import { startSlowTarget } from './target.js';

// `windowed`: how many of the checks keep a window of 100 rounds (a trend), full from the first invocation.
const [latencyMs, warmup, measured, windowed = 0] = process.argv.slice(2).map(Number) as [number, number, number, number?];
const target = await startSlowTarget(latencyMs);
const dynamo = await startLocalDynamo();
await createStateTable(dynamo.client, 'bench');
const units = { read: 0, write: 0 };
// Units as DynamoDB bills them: a strongly consistent read is 1 unit per 4 KB of each item (at least 1 per
// key asked for, found or not); a write is 1 unit per 1 KB of the item written.
const kb = (item: unknown, size: number) => Math.max(1, Math.ceil(bytesOf(item) / size));
/** An item's size as DynamoDB counts it: names and values, a binary by its bytes, a number about 8. */
function bytesOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'boolean') return 8;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + bytesOf(v), 3);
  if (value && typeof value === 'object') return Object.entries(value).reduce<number>((n, [k, v]) => n + Buffer.byteLength(k) + bytesOf(v), 3);
  return 1;
}
dynamo.client.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as { RequestItems?: Record<string, { Keys?: unknown[] } | { PutRequest?: { Item: unknown } }[]>; Item?: unknown };
    const result = await next(args);
    const out = result as unknown as { output: { Responses?: Record<string, unknown[]>; Items?: unknown[]; Item?: unknown } };
    const op = context.commandName!;
    if (op.startsWith('BatchGet')) {
      const asked = Object.values(input.RequestItems ?? {}).reduce<number>((n, r) => n + ((r as { Keys?: unknown[] }).Keys?.length ?? 0), 0);
      const found = Object.values(out.output.Responses ?? {}).flat();
      units.read += found.reduce<number>((n, item) => n + kb(item, 4096), 0) + (asked - found.length);
    } else if (op.startsWith('Query')) units.read += kb(out.output.Items ?? [], 4096);
    else if (op.startsWith('Get')) units.read += kb(out.output.Item, 4096);
    else if (op.startsWith('BatchWrite'))
      units.write += Object.values(input.RequestItems ?? {})
        .flat()
        .reduce<number>((n, r) => n + kb((r as { PutRequest?: { Item: unknown } }).PutRequest?.Item, 1024), 0);
    else if (/^(Put|Update|Delete)/.test(op)) units.write += kb(input.Item, 1024);
    return result;
  },
  { step: 'initialize', name: 'countUnits' },
);

/** The sample's API window: error share and p95 over its last 100 rounds. */
const WINDOW = {
  samples: 100,
  minSamples: 20,
  of: 'latencyMs',
  failingShare: { warnAbove: 1, failAbove: 5 },
  percentile: { p: 95, warnAbove: 2000, failAbove: 5000 },
};
const config = parseConfig({
  checks: Array.from({ length: MAX_CHECKS_PER_INVOCATION }, (_, i) => ({
    id: `api-${i}`,
    group: 'apis',
    kind: 'http',
    target: `${target.base}/ok`,
    schedule: 'rate(1 minute)',
    ...(i < windowed ? { window: WINDOW } : {}),
  })),
});
const store = new DynamoStateStore(dynamo.doc, 'bench');
const BUCKET = 'b-0123456789abcdef';
// Windows full already: what a steady round costs once they hold their 100 rounds.
if (windowed)
  await store.putWindows(
    BUCKET,
    Object.fromEntries(
      config.checks.filter((c) => c.window).map((c) => [c.id, { s: 'o'.repeat(100), v: Array.from({ length: 100 }, (_, k) => latencyMs + (k % 7)) }]),
    ),
  );
const handler = createRunChecksHandler({
  config,
  log: new Logger({ serviceName: 'vigil' }),
  store,
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
  const result = await handler({ checks: config.checks.map((c) => c.id), bucket: BUCKET });
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
