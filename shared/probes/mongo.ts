import * as z from '../zod.js';
import { mongoMeasures, MONGO_MEASURES } from '../db/mongo-measures.js';
import { mongoConnectionShape, withMongo } from '../db/mongo-session.js';
import { mongoQuerySchema, refineMongoQuery, runMongoQuery } from '../db/mongo-query.js';
import { upperLimits } from '../thresholds.js';
import { databaseFailure } from './database-failure.js';
import { defineProbe } from './probe.js';
import { refineQueryMeasure } from '../db/query-judge.js';

const settings = z.strictObject({
  ...mongoConnectionShape,
  /** What to look at: one runbook question per check, or `query`, your own. Default: connectivity. */
  measure: z._default(z.enum([...MONGO_MEASURES, 'query']), 'connectivity'),
  /** measure `query`: your own find filter or aggregation pipeline, and its limits. */
  query: z.optional(mongoQuerySchema),
  thresholds: z.prefault(
    z.strictObject({
      /** connectivity: ping. Default: warn 100 ms, fail 1000 ms. */
      latencyMs: upperLimits(100, 1000),
      /** connections: current / (current + available) from serverStatus. Default: warn 80%, fail 90%. */
      connectionsPercent: upperLimits(80, 90),
      /** replication: a secondary's lag behind the primary. Default: warn 30 s, fail 300 s. */
      lagSeconds: upperLimits(30, 300),
      /** long-ops: report operations running this long. Default: 60. */
      olderThanSeconds: z._default(z.number().check(z.positive()), 60),
    }),
    {},
  ),
});

export const mongoProbe = defineProbe({
  kind: 'mongo',
  example: {
    target: 'orders-docdb.cluster-c1x2.eu-west-1.docdb.amazonaws.com:27017',
    flavor: 'documentdb',
    password: { secret: 'orders-docdb-vigil' },
    measure: 'replication',
  },
  refine(check, ctx) {
    refineQueryMeasure(check, ctx, 'runs your own find or pipeline: give query: { name, database, collection, filter }');
    if (check.query) refineMongoQuery(check.query, ctx, ['query']);
  },
  privileges:
    "`clusterMonitor` on `admin` (serverStatus, replSetGetStatus, every client's currentOp); `connectivity` needs only a login; `query`: `read` on the database it asks.",
  description: 'MongoDB and DocumentDB: ping latency, connections in use, replication lag per member, long-running operations, and your own read-only queries.',
  settings,
  uses: { driver: 'mongodb' },
  describeTarget: (check) => check.target,
  secrets: (check) => ('value' in check.password ? [check.password.value] : []),
  async run(check, { signal, aws, timeoutMs }) {
    try {
      // The driver retries an unreachable server until its own timeout: end it before the check's, to say why.
      return await withMongo(check, { signal, aws, timeoutMs: Math.max(500, Math.round(timeoutMs * 0.6)) }, (admin) =>
        check.measure === 'query' ? runMongoQuery(admin, check.query!) : mongoMeasures[check.measure](admin, check.thresholds),
      );
    } catch (err) {
      return databaseFailure(err, signal, check.measure, serverError);
    }
  },
});

/** MongoDB's own reason: its message with the code name, when the error came from the server. */
function serverError(err: unknown): string | undefined {
  const { code, codeName } = err as { code?: number; codeName?: string };
  return codeName ? `${(err as Error).message} (${codeName}${code !== undefined ? ` ${code}` : ''})` : undefined;
}
