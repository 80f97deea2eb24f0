import { createHash } from 'node:crypto';
import { MAX_CHECKS_PER_SCHEDULE } from './limits.js';
import type { VigilConfig } from './schema.js';

/** One EventBridge Scheduler schedule: which checks it runs, and how often. */
export interface PlannedSchedule {
  /** Unique, at most 64 characters of [0-9a-zA-Z-_.], as Scheduler requires. */
  name: string;
  expression: string;
  /** The event it sends: `{ checks }`. */
  checks: string[];
  /** Which run-checks function it invokes: the one in the VPC, or the one outside. */
  network: 'public' | 'vpc';
}

/**
 * Checks that share a group and an expression run in one invocation; a check without a group gets a
 * schedule of its own. Groups keep the schedule count (and so the Lambda invocations) far below the
 * check count; the expression is part of the key because one schedule has one rate.
 */
export function planSchedules(config: VigilConfig): PlannedSchedule[] {
  const buckets = new Map<string, { base: string; expression: string; network: 'public' | 'vpc'; checks: string[] }>();
  for (const check of config.checks) {
    if (!check.enabled) continue;
    const base = check.group ?? check.id;
    const key = `${base}\n${check.schedule}\n${check.network}`;
    const bucket = buckets.get(key) ?? { base, expression: check.schedule, network: check.network, checks: [] };
    bucket.checks.push(check.id);
    buckets.set(key, bucket);
  }
  return [...buckets.values()].flatMap(({ base, expression, network, checks }) => {
    const chunks = chunk(checks, MAX_CHECKS_PER_SCHEDULE);
    // A group split across networks gets two schedules; the hash keeps their names apart. A base past 48
    // characters is cut and tagged with its own hash, so two long ids that share a start stay apart.
    const name = base.length <= 48 ? base : `${base.slice(0, 39)}.${shortHash(base)}`;
    const stem = `${name}-${shortHash(network === 'vpc' ? `${expression} vpc` : expression)}`;
    return chunks.map((ids, i) => ({ name: chunks.length > 1 ? `${stem}-${i + 1}` : stem, expression, checks: ids, network }));
  });
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
