import * as z from '../zod.js';
import { redisConnectionShape, scanKeys, shownKey, withRedis, type RedisNode } from '../db/redis-session.js';
import { defineRemediation } from './remediation.js';
import { RemediationRefusedError } from '../errors.js';

const UNLINK_BATCH = 100;
const SAMPLE = 5;

const MIN_PREFIX = 3;

/**
 * The characters a SCAN MATCH glob starts with that match only themselves: up to its first `*`, `?`
 * or `[` (a class such as `[^xyz]` matches nearly anything), with `\x` counting as the literal x.
 */
export function literalPrefix(glob: string): string {
  let prefix = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' || c === '?' || c === '[') break;
    if (c === '\\') {
      if (i + 1 >= glob.length) break;
      prefix += glob[++i];
    } else prefix += c;
  }
  return prefix;
}

/** A glob whose start names a family of keys: never everything, never "everything but a few". */
const pattern = z.string().check(
  z.maxLength(512),
  z.refine(
    (p) => literalPrefix(p).length >= MIN_PREFIX,
    `name the keys: start with at least ${MIN_PREFIX} characters that match only themselves, e.g. "cache:product:*" (Vigil never deletes every key, and a wildcard or [class] at the start matches nearly all of them)`,
  ),
);

const settings = z.strictObject({
  ...redisConnectionShape,
  /** A SCAN MATCH glob, e.g. `cache:product:*`. */
  pattern,
  /** At most this many keys per action, per shard. Default: 1000. */
  maxKeys: z._default(z.int().check(z.minimum(1), z.maximum(100_000)), 1000),
  /** Scanning and unlinking stop after this long. Default: 10. */
  maxSeconds: z._default(z.number().check(z.positive(), z.maximum(60)), 10),
});

type Settings = z.output<typeof settings>;

/** Deletes keys by pattern: SCAN and UNLINK, capped in count and time. Never FLUSHALL or FLUSHDB. */
export const redisDeleteKeys = defineRemediation({
  kind: 'redis-delete-keys',
  example: {
    target: 'orders-cache.abc123.euw1.cache.amazonaws.com:6379',
    tls: true,
    password: { secret: 'orders-cache-auth' },
    pattern: 'cache:product:*',
    maxKeys: 5000,
  },
  privileges: 'With ACL users: `+scan +unlink` on the keys its pattern names.',
  description: 'Deletes the keys matching a pattern (SCAN, then UNLINK in batches), capped in count and time; a dry run counts them and shows a sample.',
  risk: 'low',
  uses: { driver: '@redis/client' },
  settings,
  targetKey: (s) => `redis:${s.target}`,
  async plan(s, { aws, signal }) {
    const found = await onEachShard(s, signal, aws, (node, until) => scanKeys(node, { match: s.pattern, maxKeys: s.maxKeys, maxCalls: 10_000, until }));
    const count = found.reduce((n, f) => n + f.keys.length, 0);
    if (!count) throw new RemediationRefusedError(`no keys match ${JSON.stringify(s.pattern)} on ${s.target}`);
    const bounded = found.some((f) => !f.complete) ? ` (the first ${count} found; more match)` : '';
    // Shown by shape: a plan goes to the timeline and to notifications.
    const sample = found
      .flatMap((f) => f.keys)
      .slice(0, SAMPLE)
      .map(shownKey);
    return {
      summary: `unlink ${count} key${count > 1 ? 's' : ''} matching ${JSON.stringify(s.pattern)} on ${s.target}${bounded}, e.g. ${sample.join(', ')}`,
      change: { pattern: s.pattern, planned: count, sample },
    };
  },
  async execute(s, _plan, { aws, signal }) {
    // Keys are re-selected: what matches now, within the same caps, is what goes.
    const unlinked = await onEachShard(s, signal, aws, async (node, until) => {
      const { keys } = await scanKeys(node, { match: s.pattern, maxKeys: s.maxKeys, maxCalls: 10_000, until });
      let n = 0;
      for (let i = 0; i < keys.length && Date.now() < until; i += UNLINK_BATCH) n += Number(await node.send(['UNLINK', ...keys.slice(i, i + UNLINK_BATCH)]));
      return n;
    });
    return `unlinked ${unlinked.reduce((a, b) => a + b, 0)} keys matching ${JSON.stringify(s.pattern)} on ${s.target}`;
  },
  async reconcile(s, plan, { aws, signal }) {
    const left = await onEachShard(s, signal, aws, (node, until) => scanKeys(node, { match: s.pattern, maxKeys: s.maxKeys, maxCalls: 10_000, until }));
    const count = left.reduce((n, f) => n + f.keys.length, 0);
    const planned = plan.change.planned;
    if (count < planned) return { applied: 'yes', detail: `${count} keys match ${JSON.stringify(s.pattern)} now, against ${planned} planned` };
    return { applied: 'no', detail: `${count} keys still match ${JSON.stringify(s.pattern)}` };
  },
});

async function onEachShard<T>(
  s: Settings,
  signal: AbortSignal | undefined,
  aws: Parameters<typeof withRedis>[1]['aws'],
  work: (node: RedisNode, until: number) => Promise<T>,
): Promise<T[]> {
  const until = Date.now() + s.maxSeconds * 1000;
  return withRedis(s, { signal: signal ?? new AbortController().signal, aws, timeoutMs: s.maxSeconds * 1000 }, (nodes) =>
    Promise.all(nodes.map((n) => work(n, until))),
  );
}
