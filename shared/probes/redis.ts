import * as z from '../zod.js';
import { measureRedis, REDIS_MEASURES } from '../db/redis-measures.js';
import { redisConnectionShape, withRedis } from '../db/redis-session.js';
import { redisQuerySchema, refineRedisQuery, runRedisQuery } from '../db/redis-query.js';
import { lowerLimits, upperLimits } from '../thresholds.js';
import { databaseFailure } from './database-failure.js';
import { defineProbe } from './probe.js';
import { refineQueryMeasure } from '../db/query-judge.js';

const MIB = 1024 * 1024;

const settings = z.strictObject({
  ...redisConnectionShape,
  /** What to look at: one runbook question per check, or `query`, your own. Default: ping. */
  measure: z._default(z.enum([...REDIS_MEASURES, 'query']), 'ping'),
  /** measure `query`: one command that reads a number (a queue's length, a counter), and its limits. */
  query: z.optional(redisQuerySchema),
  thresholds: z.prefault(
    z.strictObject({
      latencyMs: upperLimits(50, 500),
      memoryPercent: upperLimits(80, 90),
      fragmentationRatio: upperLimits(1.5, 3),
      evictionsPerSecond: upperLimits(1, 100),
      /** hit-rate: warn and fail at or below. */
      hitRatePercent: lowerLimits(80, 50),
      connectedClients: upperLimits(5000, 10000),
      blockedClients: upperLimits(1, 50),
      replicationLagSeconds: upperLimits(10, 60),
      noTtlPercent: upperLimits(50, 90),
      bigKeyBytes: upperLimits(10 * MIB, 100 * MIB),
    }),
    {},
  ),
  /**
   * ttl, big-keys: at most this many keys walked with SCAN (and TTL or MEMORY USAGE each), per shard,
   * within the check's time. A big-keys walk that stops short warns: it cannot say no key is bigger. Default: 100000.
   */
  sampleKeys: z._default(z.int().check(z.minimum(1), z.maximum(10_000_000)), 100_000),
  /** evictions, hit-rate: how long the counters are watched. Default: 2. */
  sampleSeconds: z._default(z.number().check(z.positive(), z.maximum(10)), 2),
});

export const redisProbe = defineProbe({
  kind: 'redis',
  example: { target: 'orders-cache.abc123.euw1.cache.amazonaws.com:6379', tls: true, password: { secret: 'orders-cache-auth' }, measure: 'memory' },
  refine(check, ctx) {
    refineQueryMeasure(check, ctx, "sends your own read: give query: { name, command: ['LLEN', 'queue:emails'], failAbove }");
    if (check.query) refineRedisQuery(check.query, ctx, ['query']);
  },
  privileges:
    'With ACL users: `+ping +info`; `ttl` and `big-keys` also `+scan +ttl +memory` on every key (`~*`); `query` its command on its key. A NOPERM answer names the command, and the finding the `ACL SETUSER` that adds it.',
  description:
    'Redis, Valkey and ElastiCache: PING, memory against maxmemory, fragmentation, evictions, hit rate, clients, replication, keys without a TTL and the biggest keys (sampled), and your own reads of a number.',
  settings,
  uses: { driver: '@redis/client' },
  describeTarget: (check) => check.target,
  secrets: (check) => (check.password && 'value' in check.password ? [check.password.value] : []),
  async run(check, { signal, aws, timeoutMs }) {
    // Sampling stops well before the check's time limit, so the finding says what it saw.
    const until = Date.now() + Math.round(timeoutMs * 0.6);
    try {
      return await withRedis(check, { signal, aws, timeoutMs: Math.max(500, Math.round(timeoutMs * 0.6)) }, (nodes) =>
        check.measure === 'query' ? runRedisQuery(nodes, check.query!) : measureRedis(nodes, check.measure, { ...check, until }),
      );
    } catch (err) {
      return databaseFailure(err, signal, check.measure === 'ping' ? 'connectivity' : check.measure, (e) =>
        /^(ERR|WRONGPASS|NOAUTH|LOADING|READONLY|CLUSTERDOWN|MOVED)/.test((e as Error)?.message ?? '') ? (e as Error).message : undefined,
      );
    }
  },
});
