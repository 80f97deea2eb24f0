import { afterEach, describe, expect, it } from 'vitest';
import { Decimal128, Long, ObjectId, type Document } from 'mongodb';
import { mongoReadProblem } from '../../shared/db/mongo-query.js';
import { runOne, type TestCheck } from '../support/checks.js';
import { scriptedMongoCheck, startScriptedMongo, type ScriptedMongo } from '../support/mongo-wire.js';

// Guide 002, "Data Corruption", step 2: "Assess damage": db.loans.find({ $or: [amount < 0, interestRate > 100,
// createdAt in the future] }). No MongoDB server runs here: the real driver talks to a scripted one (test/support/mongo-wire.ts)
// that answers find and aggregate as MongoDB documents them.
const SENTINEL = 'Sentinel-Mongo-Query-4c2a';
const DAMAGED = [
  { _id: new ObjectId('65a000000000000000000001'), amount: -50, interestRate: 4, note: 'negative' },
  { _id: new ObjectId('65a000000000000000000002'), amount: Decimal128.fromString('2000.50'), interestRate: 140, note: 'x'.repeat(500) },
  { _id: new ObjectId('65a000000000000000000003'), amount: 300, interestRate: 3, note: 'from the future' },
];
const INTEGRITY = { $or: [{ amount: { $lt: 0 } }, { interestRate: { $gt: 100 } }, { $expr: { $gt: ['$createdAt', '$$NOW'] } }] };

let server: ScriptedMongo | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const batch = (docs: Document[], ns = 'lendpeak.loans') => ({ cursor: { firstBatch: docs, id: Long.ZERO, ns }, ok: 1 });

/** A server holding `docs` in lendpeak.loans: find returns the first `limit`; countDocuments and $count count them all. */
async function serve(docs: Document[], extra: Record<string, (c: Document) => Document> = {}) {
  server = await startScriptedMongo({
    users: { vigil: SENTINEL },
    replies: {
      find: (c) => batch(docs.slice(0, Number(c.limit ?? docs.length))),
      aggregate: (c) => {
        const stages = c.pipeline as Document[];
        const last = stages.at(-1)!;
        if (last.$group) return batch([{ _id: 1, n: docs.length }]);
        if (last.$count) return batch(docs.length ? [{ n: docs.length }] : []);
        return batch(docs.slice(0, Number(last.$limit ?? docs.length)));
      },
      ...extra,
    },
  });
  return server;
}

const query = (s: ScriptedMongo, q: Record<string, unknown>) =>
  runOne(scriptedMongoCheck(s, SENTINEL, 'query', { query: { database: 'lendpeak', collection: 'loans', ...q } }) as TestCheck);

describe('mongo query measure', () => {
  it('fails on the loans the runbook calls damaged: how many, the first of them, the filter sent as written', async () => {
    const s = await serve(DAMAGED);
    const found = await query(s, { name: 'damaged loans', filter: INTEGRITY });
    expect(found).toMatchObject({ status: 'fail', summary: 'damaged loans: 3 rows (over 0)', observed: { rows: 3 } });
    const rows = (found.evidence as { rows: Record<string, unknown>[] }).rows;
    expect(rows.map((r) => r._id)).toEqual(['65a000000000000000000001', '65a000000000000000000002', '65a000000000000000000003']);
    expect(rows[1]).toMatchObject({ amount: 2000.5, note: expect.stringMatching(/^x{199}…$/) });
    const find = s.commands.find((c) => c.find === 'loans')!;
    expect(find).toMatchObject({ find: 'loans', filter: INTEGRITY, limit: 5, maxTimeMS: 5000, $db: 'lendpeak' });
    expect(s.commands.find((c) => c.aggregate === 'loans')!.pipeline).toEqual([{ $match: INTEGRITY }, { $group: { _id: 1, n: { $sum: 1 } } }]);

    await s.stop();
    expect(await query(await serve([]), { name: 'damaged loans', filter: INTEGRITY })).toMatchObject({ status: 'ok', summary: 'damaged loans: 0 rows' });
  });

  it('judges the number a pipeline returns, the group key aside', async () => {
    const s = await serve([], {
      aggregate: () => batch([{ _id: null, overdue: Decimal128.fromString('12') }]),
    });
    const overdue = await query(s, {
      name: 'loans overdue 90 days',
      pipeline: [{ $match: { daysOverdue: { $gt: 90 } } }, { $group: { _id: null, overdue: { $sum: 1 } } }],
      judge: 'value',
      warnAbove: 5,
      failAbove: 50,
    });
    expect(overdue).toMatchObject({ status: 'warn', summary: 'loans overdue 90 days: 12 (over 5)', observed: { value: 12 } });
    // Only the sample is asked for: a value needs no count.
    expect(s.commands.map((c) => (c.pipeline as Document[]).at(-1))).toEqual([{ $limit: 5 }]);
  });

  it('refuses at load a pipeline that writes or runs JavaScript, wherever it hides', async () => {
    const s = await serve([]);
    await expect(query(s, { name: 'copy', pipeline: [{ $match: {} }, { $out: 'loans_copy' }] })).rejects.toThrow(
      /checks\[0\]\.query\.pipeline: \$out writes its result/,
    );
    expect(mongoReadProblem({ filter: { $or: [{ $where: 'this.amount < 0' }] } })).toMatch(/\$where runs JavaScript on the server/);
    expect(mongoReadProblem({ pipeline: [{ $lookup: { from: 'x', pipeline: [{ $merge: 'y' }], as: 'z' } }] })).toMatch(/\$merge writes/);
    expect(mongoReadProblem({})).toMatch(/give a filter \(find\) or a pipeline/);
    expect(s.commands).toEqual([]);
  });

  it('says it could not tell, never passes, when its user may not read or the server gives up on the time', async () => {
    const denied = await serve([], { find: () => ({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized on lendpeak to execute command' }) });
    const refused = await query(denied, { name: 'damaged loans', filter: INTEGRITY, judge: 'value', failAbove: 0 });
    expect(refused).toMatchObject({ status: 'error', summary: expect.stringContaining('grant it the read role on lendpeak') });
    expect(JSON.stringify(refused)).not.toContain(SENTINEL);
    await denied.stop();
    const slow = await serve([], { find: () => ({ ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' }) });
    expect(await query(slow, { name: 'damaged loans', filter: INTEGRITY, judge: 'value', failAbove: 0, timeoutMs: 200 })).toMatchObject({
      status: 'error',
      summary: 'damaged loans: could not tell: it ran past its 200 ms (timeoutMs): make it cheaper (an index), or give it longer',
    });
  });
});
