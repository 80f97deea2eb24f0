import * as z from '../zod.js';
import { RemediationRefusedError } from '../errors.js';
import { rdsIdentifier } from '../probes/rds.js';
import { rdsCopies } from './restore-copies.js';
import { clusterRestoreGrants, HELD_TO_VIGIL_NAMES, restoreShape, restoreTestRemediation, scratchPrefix } from './restore-test.js';

/** The option, parameter and subnet groups a copy joins, as its source's snapshot names them. */
const GROUPS = ['og:*', 'pg:*', 'subgrp:*'];

export { scratchPrefix } from './restore-test.js';

/** A restore test of an RDS instance or an Aurora cluster, with the source's `pg` check run against the copy. */
export const rdsRestoreTest = restoreTestRemediation({
  kind: 'rds-restore-test',
  example: { source: 'orders-db', check: 'orders-db-integrity', costCeiling: { usdPerHour: 0.08, maxUsd: 1 } },
  description:
    'Restores the newest snapshot of an RDS instance or Aurora cluster to a scratch copy, runs a check against it, records how long it took, and deletes it whatever happens.',
  uses: { aws: ['rds'] },
  checkKind: 'pg',
  service: 'rds',
  settings: z.strictObject({
    /** The RDS instance, or with `scope: 'cluster'` the Aurora cluster, whose newest snapshot is restored (automated, or one Vigil took). */
    source: rdsIdentifier,
    /** `instance` (default), or `cluster`: an Aurora cluster, restored with one instance of `instanceClass` to answer on its endpoint. */
    scope: z._default(z.enum(['instance', 'cluster']), 'instance'),
    ...restoreShape('db.t4g.medium'),
  }),
  permissions: (s, arns) => {
    if (s.scope === 'cluster') return clusterRestoreGrants(s.source, arns, { groups: GROUPS });
    const copy = arns.of('rds', `db:${scratchPrefix(s.source)}*`);
    return [
      {
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBSnapshots'],
        resources: ['*'],
        wildcard: 'Listing the scratch copies reads every instance, and a source is listed by its snapshots: read-only.',
      },
      // Only names Vigil gives: the copy, from the source's automated snapshots or Vigil's own, into the groups the source uses.
      {
        actions: ['rds:RestoreDBInstanceFromDBSnapshot'],
        resources: [
          copy,
          arns.of('rds', `snapshot:rds:${s.source}-*`),
          arns.of('rds', `snapshot:vigil-${s.source}-*`),
          ...GROUPS.map((g) => arns.of('rds', g)),
        ],
        wildcard: HELD_TO_VIGIL_NAMES,
      },
      { actions: ['rds:AddTagsToResource', 'rds:DeleteDBInstance'], resources: [copy], wildcard: HELD_TO_VIGIL_NAMES },
    ];
  },
  copies: (s, ctx) => {
    if (!ctx.aws.rds) throw new RemediationRefusedError('no RDS client configured');
    return rdsCopies(ctx.aws.rds, s.scope, s.source);
  },
});
