import type { Db, Document } from 'mongodb';
import * as z from '../zod.js';
import type { Observation } from '../findings.js';
import { judgeQuery, queryJudgeShape, refineJudged, sampleOf, SAMPLE_ROWS } from './query-judge.js';

const name = z.string().check(z.minLength(1), z.maxLength(120), z.regex(/^[^\s$/\\."]+[^\s$/\\"]*$/, 'a database or collection name, e.g. "loans"'));

/**
 * A team's own question of MongoDB or DocumentDB ("loans with amount < 0, interestRate > 100 or createdAt in the
 * future"): a find filter or an aggregation pipeline, judged by how many documents match or by a number it returns.
 */
export const mongoQuerySchema = z.strictObject({
  ...queryJudgeShape,
  database: name,
  collection: name,
  /** A find filter, e.g. `{ $or: [{ amount: { $lt: 0 } }, { $expr: { $gt: ['$createdAt', '$$NOW'] } }] }`. */
  filter: z.optional(z.record(z.string(), z.unknown())),
  /** Or an aggregation pipeline, e.g. to return a number to judge. It may not write ($out, $merge). */
  pipeline: z.optional(z.array(z.record(z.string(), z.unknown())).check(z.minLength(1), z.maxLength(50))),
  /** How long the server may spend on it, in ms (`maxTimeMS`). Default 5000. */
  timeoutMs: z._default(z.int().check(z.positive(), z.maximum(60_000)), 5_000),
});

export type MongoQuery = z.output<typeof mongoQuerySchema>;

const WRITING_STAGES = new Set(['$out', '$merge']);
const SERVER_JAVASCRIPT = new Set(['$where', '$function', '$accumulator']);

/** Why a filter or pipeline is not a read Vigil will run, or undefined. Pure; names what to change. */
export function mongoReadProblem(query: Pick<MongoQuery, 'filter' | 'pipeline'>): string | undefined {
  if ((query.filter === undefined) === (query.pipeline === undefined)) return 'give a filter (find) or a pipeline (aggregate), one of them';
  const keys = operatorsIn(query.filter ?? query.pipeline);
  const write = keys.find((k) => WRITING_STAGES.has(k));
  if (write) return `${write} writes its result: a check only reads`;
  const script = keys.find((k) => SERVER_JAVASCRIPT.has(k));
  if (script) return `${script} runs JavaScript on the server: a check asks in the query language alone`;
  return undefined;
}

export function refineMongoQuery(query: MongoQuery, ctx: z.core.$RefinementCtx, path: (string | number)[]): void {
  const problem = mongoReadProblem(query);
  if (problem) ctx.addIssue({ code: 'custom', path: [...path, query.pipeline ? 'pipeline' : 'filter'], message: problem });
  refineJudged(query, ctx, path);
}

/** Every key at any depth: operators may hide inside $or, $facet or $lookup's own pipeline. */
function operatorsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(operatorsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...operatorsIn(v)]);
}

/** Runs the find or the pipeline (read-only by construction: find and aggregate without $out or $merge) and judges it. */
export async function runMongoQuery(admin: Db, query: MongoQuery): Promise<Observation> {
  try {
    return await judged(admin, query);
  } catch (err) {
    const { code, message } = err as { code?: number; message?: string };
    const why: Record<number, string> = {
      13: `the check's user may not read it (${message}): grant it the read role on ${query.database}`,
      50: `it ran past its ${query.timeoutMs} ms (timeoutMs): make it cheaper (an index), or give it longer`,
    };
    const reason = code === undefined ? undefined : why[code];
    if (!reason) throw err;
    return { status: 'error', summary: `${query.name}: could not tell: ${reason}`, observed: {} };
  }
}

async function judged(admin: Db, query: MongoQuery): Promise<Observation> {
  const collection = admin.client.db(query.database).collection(query.collection);
  const maxTimeMS = query.timeoutMs;
  let count: number;
  let docs: Document[];
  if (query.filter) {
    [count, docs] = await Promise.all([
      query.judge === 'rows' ? collection.countDocuments(query.filter, { maxTimeMS }) : Promise.resolve(0),
      collection.find(query.filter, { maxTimeMS, limit: SAMPLE_ROWS }).toArray(),
    ]);
  } else {
    const pipeline = query.pipeline!;
    [count, docs] = await Promise.all([
      query.judge === 'rows'
        ? collection
            .aggregate([...pipeline, { $count: 'n' }], { maxTimeMS })
            .toArray()
            .then((r) => Number(r[0]?.n ?? 0))
        : Promise.resolve(0),
      collection.aggregate([...pipeline, { $limit: SAMPLE_ROWS }], { maxTimeMS }).toArray(),
    ]);
  }
  // A value is a document's first field after its _id (a $group's key).
  const sample = docs.map((d) => sampleOf(plain(query.judge === 'value' ? withoutId(d) : d)));
  return judgeQuery(query, query.judge === 'rows' ? count : docs.length, sample);
}

const withoutId = ({ _id: _, ...rest }: Document): Document => rest;

/** BSON values as evidence reads them: numbers as numbers, ids as hex. */
function plain(doc: Document): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => {
      const type = (v as { _bsontype?: string } | null)?._bsontype;
      // The driver gives other numbers as numbers already (promoteValues, promoteLongs).
      if (type === 'Decimal128') return [k, Number(String(v))];
      if (type === 'ObjectId') return [k, (v as { toHexString(): string }).toHexString()];
      return [k, v];
    }),
  );
}
