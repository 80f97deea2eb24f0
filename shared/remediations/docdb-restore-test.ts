import * as z from '../zod.js';
import { RemediationRefusedError } from '../errors.js';
import { docdbClusterId } from './docdb-snapshot.js';
import { docdbCopies } from './restore-copies.js';
import { clusterRestoreGrants, restoreShape, restoreTestRemediation } from './restore-test.js';

/** A restore test of a DocumentDB cluster: the copy gets one instance, and the source's `mongo` check runs against it. */
export const docdbRestoreTest = restoreTestRemediation({
  kind: 'docdb-restore-test',
  example: { source: 'lendpeak-docdb', check: 'loans-integrity', costCeiling: { usdPerHour: 0.08, maxUsd: 1 } },
  description:
    'Restores the newest snapshot of a DocumentDB cluster to a scratch copy with one instance, runs a check against it, records how long it took, and deletes it whatever happens.',
  uses: { aws: ['docdb'] },
  checkKind: 'mongo',
  service: 'docdb',
  settings: z.strictObject({
    /** The DocumentDB cluster whose newest snapshot is restored (automated, or one Vigil took). */
    source: docdbClusterId,
    ...restoreShape('db.t3.medium'),
  }),
  // DocumentDB's actions are RDS's (the `rds:` prefix); its describe calls carry no tags, so they are read apart.
  permissions: (s, arns) => clusterRestoreGrants(s.source, arns, { groups: ['subgrp:*'], readsTags: true }),
  copies: (s, ctx) => {
    if (!ctx.aws.docdb) throw new RemediationRefusedError('no DocumentDB client configured');
    return docdbCopies(ctx.aws.docdb, s.source);
  },
});
