import * as z from '../zod.js';
import type { Observation } from '../findings.js';
import { judgeQuery, queryJudgeShape, refineJudged } from './query-judge.js';
import type { RedisNode } from './redis-session.js';

/** Commands that read one number (or a number stored as a string): what a runbook asks of a queue, a counter, a set. */
const READS_A_NUMBER = new Set([
  'GET',
  'HGET',
  'STRLEN',
  'LLEN',
  'SCARD',
  'ZCARD',
  'HLEN',
  'XLEN',
  'PFCOUNT',
  'EXISTS',
  'TTL',
  'PTTL',
  'ZCOUNT',
  'ZSCORE',
  'DBSIZE',
]);

/**
 * A team's own read of Redis ("emails queued", "jobs in the dead-letter list", a counter the app keeps): one command
 * that returns a number, judged against limits.
 */
export const redisQuerySchema = z.strictObject({
  name: queryJudgeShape.name,
  /** The command and its arguments, e.g. `['LLEN', 'queue:emails']`: one that reads a number (GET, LLEN, SCARD, ZCARD, XLEN, …). */
  command: z.array(z.string().check(z.minLength(1), z.maxLength(512))).check(z.minLength(1), z.maxLength(8)),
  warnAbove: queryJudgeShape.warnAbove,
  failAbove: queryJudgeShape.failAbove,
  warnBelow: queryJudgeShape.warnBelow,
  failBelow: queryJudgeShape.failBelow,
});

export type RedisQuery = z.output<typeof redisQuerySchema>;

/** Why a command is not a read of one number Vigil will send, or undefined. Pure. */
export function redisReadProblem(command: readonly string[]): string | undefined {
  const name = command[0]?.toUpperCase() ?? '';
  if (READS_A_NUMBER.has(name)) return undefined;
  return `${name} is not a read of one number: use one of ${[...READS_A_NUMBER].join(', ')} (a check only reads; a remediation acts)`;
}

export function refineRedisQuery(query: RedisQuery, ctx: z.core.$RefinementCtx, path: (string | number)[]): void {
  const problem = redisReadProblem(query.command);
  if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'command', 0], message: problem });
  refineJudged({ ...query, judge: 'value' }, ctx, path);
}

/**
 * Sends the command and judges its number. DBSIZE counts every shard; a key's command goes to the shard that
 * holds it (the others answer MOVED).
 */
export async function runRedisQuery(nodes: RedisNode[], query: RedisQuery): Promise<Observation> {
  const [name, ...args] = query.command;
  const command = [name!.toUpperCase(), ...args];
  const judged = { ...query, judge: 'value' as const };
  if (command[0] === 'DBSIZE') {
    const sizes = await Promise.all(nodes.map((n) => n.send(command)));
    return judgeQuery(judged, 1, [{ value: sizes.reduce<number>((sum, s) => sum + Number(s), 0) }]);
  }
  let moved: unknown;
  for (const node of nodes) {
    try {
      const reply = await node.send(command);
      return judgeQuery(judged, reply === null ? 0 : 1, reply === null ? [] : [{ value: reply }]);
    } catch (err) {
      if (!/^(MOVED|ASK) /.test((err as Error)?.message ?? '')) throw err;
      moved = err;
    }
  }
  throw moved;
}
