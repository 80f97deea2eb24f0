import * as z from '../zod.js';
import type { Observation, Status } from '../findings.js';
import { gradeAboveBelow } from '../thresholds.js';

// How a team's own query is judged, whichever database it asks: pg, mongo, redis.

/** Rows (documents) of a result kept as evidence, and the characters kept of each value. */
export const SAMPLE_ROWS = 5;
const VALUE_CHARS = 200;

export const queryJudgeShape = {
  /** What it looks for, in the finding's words, e.g. "aggregates missing an event". */
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  /** `rows`: how many rows (documents) it returns (default); `value`: the number in the first field of the first one. */
  judge: z._default(z.enum(['rows', 'value']), 'rows'),
  /** Warns when what is judged is above this. */
  warnAbove: z.optional(z.number()),
  /** Fails when it is above this. With no limit given, `rows` fails above 0 (any row is a problem); a `value` needs one. */
  failAbove: z.optional(z.number()),
  /** Warns when it is below this. */
  warnBelow: z.optional(z.number()),
  /** Fails when it is below this. */
  failBelow: z.optional(z.number()),
};

export type Judged = z.output<z.ZodMiniObject<typeof queryJudgeShape>>;

/** `measure: 'query'` and a `query` go together: each without the other is refused, `missing` saying what to give. */
export function refineQueryMeasure(check: { measure: string; query?: unknown }, ctx: z.core.$RefinementCtx, missing: string): void {
  if (check.measure === 'query' && !check.query) ctx.addIssue({ code: 'custom', path: ['query'], message: `measure "query" ${missing}` });
  if (check.measure !== 'query' && check.query) ctx.addIssue({ code: 'custom', path: ['measure'], message: 'a query runs only with measure: "query"' });
}

/** A value judged with no limit can never fail: refused at load. */
export function refineJudged(query: Judged, ctx: z.core.$RefinementCtx, path: (string | number)[]): void {
  const limits = [query.warnAbove, query.failAbove, query.warnBelow, query.failBelow].filter((l) => l !== undefined);
  if (query.judge === 'value' && !limits.length)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'failAbove'],
      message: 'a value is judged against limits: give failAbove, failBelow, warnAbove or warnBelow',
    });
}

/** The finding of a query that returned `count` rows, of which `sample` are the first. */
export function judgeQuery(query: Judged, count: number, sample: Record<string, unknown>[]): Observation {
  const evidence = { rows: sample, ...(count > sample.length ? { moreRows: count - sample.length } : {}) };
  if (query.judge === 'rows') {
    const limits = { ...query, ...(defined(query) ? {} : { failAbove: 0 }) };
    const status = gradeAboveBelow(count, limits);
    return { status, summary: `${query.name}: ${count} row${count === 1 ? '' : 's'}${limitsText(limits, status)}`, observed: { rows: count }, evidence };
  }
  const first = sample[0] ? Object.values(sample[0])[0] : undefined;
  const value = first === null || first === undefined ? NaN : Number(first);
  if (!Number.isFinite(value))
    return {
      status: 'error',
      summary: `${query.name}: expected a number in the first column of the first row, got ${count ? JSON.stringify(first) : 'no row'}`,
      observed: {},
      evidence,
    };
  const status = gradeAboveBelow(value, query);
  return { status, summary: `${query.name}: ${value}${limitsText(query, status)}`, observed: { value }, evidence };
}

type QueryLimits = Pick<Judged, 'warnAbove' | 'failAbove' | 'warnBelow' | 'failBelow'>;

const defined = (l: QueryLimits) => [l.warnAbove, l.failAbove, l.warnBelow, l.failBelow].some((x) => x !== undefined);

/** The limit a value crossed, in the summary's words. */
function limitsText(l: QueryLimits, status: Status): string {
  if (status === 'ok') return '';
  const [above, below] = status === 'fail' ? [l.failAbove, l.failBelow] : [l.warnAbove, l.warnBelow];
  return above !== undefined && below !== undefined ? ` (outside ${below}–${above})` : above !== undefined ? ` (over ${above})` : ` (under ${below})`;
}

/** A row (document) as evidence: long values cut, binary shown by its length. */
export function sampleOf(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => {
      if (Buffer.isBuffer(v)) return [k, `(${v.length} bytes)`];
      const text = v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
      return [k, typeof text === 'string' && text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text];
    }),
  );
}
