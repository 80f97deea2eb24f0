import { createHash } from 'node:crypto';
import { MAX_CHECKS_PER_INVOCATION } from './limits.js';
import type { VigilConfig } from './schema.js';

/** One run-checks invocation a tick sends: which checks, and which function (in the VPC or outside). */
export interface PlannedBucket {
  /** Named by what it holds (`b-` and 16 hex digits): the same checks are the same bucket, deploy after deploy. */
  id: string;
  checks: string[];
  network: 'public' | 'vpc';
}

/**
 * One EventBridge Scheduler schedule: an expression, and the buckets the dispatch function sends to
 * run-checks each time it fires. A stack has one schedule per expression, however many checks it runs.
 */
export interface PlannedTick {
  /** Unique, at most 64 characters of [0-9a-zA-Z-_.], as Scheduler requires: the schedule's name and the tick's file. */
  name: string;
  expression: string;
  buckets: PlannedBucket[];
}

/**
 * Checks that share a group, an expression and a network run in one invocation (a group's incidents are
 * judged together), up to 50; the checks without a group are packed 50 to an invocation by expression
 * and network, in config order. Every bucket of one expression is one tick.
 */
export function planTicks(config: VigilConfig): PlannedTick[] {
  const buckets = new Map<string, { expression: string; network: 'public' | 'vpc'; checks: string[] }>();
  for (const check of config.checks) {
    if (!check.enabled) continue;
    // Group names and ids share no namespace with this key: a group is "g:<name>", the ungrouped are "*".
    const key = `${check.group === undefined ? '*' : `g:${check.group}`}\n${check.schedule}\n${check.network}`;
    const bucket = buckets.get(key) ?? { expression: check.schedule, network: check.network, checks: [] };
    bucket.checks.push(check.id);
    buckets.set(key, bucket);
  }
  const ticks = new Map<string, PlannedTick>();
  for (const { expression, network, checks } of buckets.values()) {
    const tick = ticks.get(expression) ?? { name: tickName(expression), expression, buckets: [] };
    for (const ids of chunk(checks, MAX_CHECKS_PER_INVOCATION)) tick.buckets.push({ id: bucketId(network, ids), checks: ids, network });
    ticks.set(expression, tick);
  }
  return [...ticks.values()];
}

/** `rate(5 minutes)` → `rate-5-minutes-1a2b3c4d`: readable in the console, apart from any other expression. */
export function tickName(expression: string): string {
  const words = expression
    .replace(/[^0-9a-zA-Z]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${words}-${hash(expression).slice(0, 8)}`;
}

const bucketId = (network: string, ids: string[]) => `b-${hash(`${network}\n${ids.join('\n')}`).slice(0, 16)}`;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
