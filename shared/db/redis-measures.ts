import { setTimeout as sleep } from 'node:timers/promises';
import { worst, type Observation, type Status } from '../findings.js';
import { gradeLower, gradeUpper, type Limits } from '../thresholds.js';
import { info, shownKey, walkKeys, type RedisNode } from './redis-session.js';

export const REDIS_MEASURES = ['ping', 'memory', 'fragmentation', 'evictions', 'hit-rate', 'clients', 'replication', 'ttl', 'big-keys'] as const;
export type RedisMeasure = (typeof REDIS_MEASURES)[number];

export interface RedisThresholds {
  latencyMs: Limits;
  memoryPercent: Limits;
  fragmentationRatio: Limits;
  evictionsPerSecond: Limits;
  hitRatePercent: Limits;
  connectedClients: Limits;
  blockedClients: Limits;
  replicationLagSeconds: Limits;
  noTtlPercent: Limits;
  bigKeyBytes: Limits;
}

export interface RedisSampling {
  thresholds: RedisThresholds;
  /** Keys SCAN reads for `ttl` and `big-keys`. */
  sampleKeys: number;
  /** How long `evictions` and `hit-rate` watch the counters. */
  sampleSeconds: number;
  /** No sampling after this time (epoch ms): the check's time limit, with room to report. */
  until: number;
}

type NodeReading = Observation;
const MIB = 1024 * 1024;
const mib = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MiB`;
const num = (v: string | undefined) => (v === undefined ? NaN : Number(v));

/** One measure on one node. */
const measures: Record<RedisMeasure, (node: RedisNode, s: RedisSampling) => Promise<NodeReading>> = {
  async ping(node, s): Promise<NodeReading> {
    const started = performance.now();
    await node.send(['PING']);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    return { status: gradeUpper(ms, s.thresholds.latencyMs), summary: `PING ${ms} ms`, observed: { latencyMs: ms } };
  },

  async memory(node, s): Promise<NodeReading> {
    const m = await info(node, 'memory');
    const used = num(m.used_memory);
    const max = num(m.maxmemory);
    const evidence = {
      usedMemory: mib(used),
      maxmemory: max ? mib(max) : 'none',
      policy: m.maxmemory_policy,
      fragmentationRatio: num(m.mem_fragmentation_ratio),
      peak: mib(num(m.used_memory_peak)),
    };
    if (!max)
      return { status: 'warn', summary: `${mib(used)} used, no maxmemory set: it grows until the host runs out`, observed: { usedBytes: used }, evidence };
    const percent = Math.round((1000 * used) / max) / 10;
    return {
      status: gradeUpper(percent, s.thresholds.memoryPercent),
      summary: `${percent}% of maxmemory (${mib(used)} of ${mib(max)}, ${m.maxmemory_policy})`,
      observed: { memoryPercent: percent, usedBytes: used },
      evidence,
    };
  },

  async fragmentation(node, s): Promise<NodeReading> {
    const m = await info(node, 'memory');
    const ratio = num(m.mem_fragmentation_ratio);
    return {
      status: gradeUpper(ratio, s.thresholds.fragmentationRatio),
      summary: `fragmentation ratio ${ratio} (${mib(num(m.used_memory_rss))} resident for ${mib(num(m.used_memory))} used)`,
      observed: { fragmentationRatio: ratio },
    };
  },

  async evictions(node, s): Promise<NodeReading> {
    const { first, second, seconds } = await twoReadings(node, s);
    const rate = Math.round(((num(second.evicted_keys) - num(first.evicted_keys)) / seconds) * 100) / 100;
    return {
      status: gradeUpper(rate, s.thresholds.evictionsPerSecond),
      summary: `${rate} keys evicted per second over ${seconds} s (${second.evicted_keys} since start)`,
      observed: { evictionsPerSecond: rate },
    };
  },

  async 'hit-rate'(node, s): Promise<NodeReading> {
    // Vigil's own TTL lookups (a ttl check in the same round) count as hits too: they are left out.
    const ownBefore = ownLookupsOf(node);
    const { first, second, seconds } = await twoReadings(node, s);
    const own = ownLookupsOf(node);
    const ownHits = own.hits - ownBefore.hits;
    const ownMisses = own.misses - ownBefore.misses;
    const hits = num(second.keyspace_hits) - num(first.keyspace_hits) - ownHits;
    const misses = num(second.keyspace_misses) - num(first.keyspace_misses) - ownMisses;
    const leftOut = ownHits + ownMisses ? `; Vigil's own ${ownHits + ownMisses} lookups left out` : '';
    // No lookups in the window: the counters since start are all there is to go on, every client's.
    const [h, m, when] =
      hits + misses > 0
        ? [hits, misses, `over ${seconds} s`]
        : [num(second.keyspace_hits), num(second.keyspace_misses), "since start, every client's lookups (Vigil's sampling included)"];
    if (h + m === 0) return { status: 'ok', summary: 'no key lookups yet', observed: {} };
    const percent = Math.round((1000 * h) / (h + m)) / 10;
    return {
      status: gradeLower(percent, s.thresholds.hitRatePercent),
      summary: `hit rate ${percent}% ${when} (${h} hits, ${m} misses${hits + misses > 0 ? leftOut : ''})`,
      observed: { hitRatePercent: percent },
    };
  },

  async clients(node, s): Promise<NodeReading> {
    const c = await info(node, 'clients');
    const connected = num(c.connected_clients);
    const blocked = num(c.blocked_clients);
    const status = worst(gradeUpper(connected, s.thresholds.connectedClients), gradeUpper(blocked, s.thresholds.blockedClients));
    return { status, summary: `${connected} clients connected, ${blocked} blocked`, observed: { connectedClients: connected, blockedClients: blocked } };
  },

  async replication(node, s): Promise<NodeReading> {
    const r = await info(node, 'replication');
    if (r.role === 'slave') {
      const down = r.master_link_status !== 'up';
      const since = num(r.master_last_io_seconds_ago);
      const status: Status = down ? 'fail' : r.master_sync_in_progress === '1' ? 'warn' : gradeUpper(since, s.thresholds.replicationLagSeconds);
      return {
        status,
        summary: down
          ? `replica of ${r.master_host}:${r.master_port}: link down for ${r.master_link_down_since_seconds ?? '?'} s`
          : `replica of ${r.master_host}:${r.master_port}, link up, last I/O ${since} s ago`,
        observed: { lastIoSeconds: since },
      };
    }
    const offset = num(r.master_repl_offset);
    const replicas = Object.entries(r)
      .filter(([k]) => /^slave\d+$/.test(k))
      .map(([, v]) => Object.fromEntries(v.split(',').map((kv) => kv.split('=') as [string, string])))
      .map((x) => ({ replica: `${x.ip}:${x.port}`, state: x.state, lagSeconds: num(x.lag), behindBytes: offset - num(x.offset) }));
    if (!replicas.length) return { status: 'ok', summary: 'primary with no replicas', observed: { replicas: 0 } };
    const grades = replicas.map((x) => (x.state === 'online' ? gradeUpper(x.lagSeconds, s.thresholds.replicationLagSeconds) : 'warn'));
    const lag = Math.max(...replicas.map((x) => x.lagSeconds));
    return {
      status: worst(...grades),
      summary: `primary with ${replicas.length} replica${replicas.length > 1 ? 's' : ''}, worst lag ${lag} s (${replicas.map((x) => `${x.replica} ${x.state}`).join(', ')})`,
      observed: { replicas: replicas.length, lagSeconds: lag },
      evidence: { replicas },
    };
  },

  async ttl(node, s): Promise<NodeReading> {
    let without = 0;
    const prefixes = new Map<string, number>();
    const examples: string[] = [];
    const walk = await walkKeys(node, { maxKeys: s.sampleKeys, until: s.until }, async (keys) => {
      // Sent together: the client pipelines them.
      const ttls = (await Promise.all(keys.map((k) => node.send(['TTL', k])))).map(Number);
      countOwnLookups(node, ttls.filter((t) => t !== -2).length, ttls.filter((t) => t === -2).length);
      keys.forEach((key, i) => {
        if (ttls[i] !== -1) return;
        without++;
        const prefix = prefixOf(key);
        prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1);
        if (examples.length < 5) examples.push(shownKey(key));
      });
    });
    if (!walk.seen) return { status: 'ok', summary: 'no keys', observed: { sampled: 0 } };
    const percent = Math.round((1000 * without) / walk.seen) / 10;
    // A share is an estimate a sample can make: SCAN's order follows the keys' hashes, not their names.
    const of = walk.complete ? `all ${walk.seen} keys` : `a sample of ${walk.seen} of ${await dbSize(node)} keys`;
    const top = [...prefixes].sort((a, b) => b[1] - a[1]).slice(0, 5);
    return {
      status: gradeUpper(percent, s.thresholds.noTtlPercent),
      summary: `${percent}% of ${of} have no TTL${top.length ? `, most under ${top[0]![0]}*` : ''}`,
      observed: { noTtlPercent: percent, sampled: walk.seen },
      ...(without ? { evidence: { prefixes: Object.fromEntries(top), examples } } : {}),
    };
  },

  async 'big-keys'(node, s): Promise<NodeReading> {
    let biggest: { key: string; bytes: number }[] = [];
    const walk = await walkKeys(node, { maxKeys: s.sampleKeys, until: s.until }, async (keys) => {
      // MEMORY USAGE reads no keyspace counters: the hit rate stays the application's.
      const sizes = await Promise.all(keys.map(async (key) => ({ key, bytes: Number(await node.send(['MEMORY', 'USAGE', key, 'SAMPLES', '5'])) || 0 })));
      biggest = [...biggest, ...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
    });
    if (!walk.seen) return { status: 'ok', summary: 'no keys', observed: { sampled: 0 } };
    const top = biggest[0]!;
    const status = gradeUpper(top.bytes, s.thresholds.bigKeyBytes);
    const evidence = { biggest: biggest.map((b) => ({ key: shownKey(b.key), size: mib(b.bytes) })) };
    if (walk.complete)
      return {
        status,
        summary: `biggest of all ${walk.seen} keys: ${shownKey(top.key)} at ${mib(top.bytes)}`,
        observed: { biggestBytes: top.bytes, sampled: walk.seen },
        evidence,
      };
    // One big key is a needle: a walk that stopped short cannot say there is none.
    const total = await dbSize(node);
    const share = `${Math.round((1000 * walk.seen) / total) / 10}%`;
    return {
      status: worst(status, 'warn'),
      summary: `saw ${walk.seen} of ${total} keys (${share}), the biggest ${shownKey(top.key)} at ${mib(top.bytes)}; a bigger key may be among the rest: raise sampleKeys or timeoutMs`,
      observed: { biggestBytes: top.bytes, sampled: walk.seen, keys: total },
      evidence,
    };
  },
};

/** TTL lookups Vigil made, per server, in this process: they count in the keyspace hit rate like any client's. */
const ownLookups = new Map<string, { hits: number; misses: number }>();
const ownLookupsOf = (node: RedisNode) => ({ ...(ownLookups.get(node.name) ?? { hits: 0, misses: 0 }) });
function countOwnLookups(node: RedisNode, hits: number, misses: number): void {
  const own = ownLookupsOf(node);
  ownLookups.set(node.name, { hits: own.hits + hits, misses: own.misses + misses });
}

const dbSize = async (node: RedisNode) => Number(await node.send(['DBSIZE']));

/** A key's family: up to and including its first separator (`session:`), or the key's shape when it has none. */
function prefixOf(key: string): string {
  const at = key.search(/[:._/-]/);
  return at > 0 ? key.slice(0, at + 1) : shownKey(key);
}

/** INFO stats twice, `sampleSeconds` apart (less if the check's time runs short). */
async function twoReadings(node: RedisNode, s: RedisSampling) {
  const first = await info(node, 'stats');
  const started = Date.now();
  await sleep(Math.max(100, Math.min(s.sampleSeconds * 1000, s.until - Date.now() - 500)));
  const second = await info(node, 'stats');
  return { first, second, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** A measure over every node (each shard's primary in cluster mode): the worst one decides, and is named. */
export async function measureRedis(nodes: RedisNode[], measure: RedisMeasure, s: RedisSampling): Promise<Observation> {
  const readings = await Promise.all(nodes.map(async (node) => ({ node: node.name, ...(await measures[measure](node, s)) })));
  if (readings.length === 1) return readings[0]!;
  const status = worst(...readings.map((r) => r.status));
  const decisive = readings.find((r) => r.status === status)!;
  return {
    status,
    summary: `${readings.length} shards; ${status === 'ok' ? 'e.g.' : 'worst'} ${decisive.node}: ${decisive.summary}`,
    observed: { ...decisive.observed, shards: readings.length },
    evidence: { shards: readings.map((r) => ({ node: r.node, status: r.status, summary: r.summary })) },
  };
}
