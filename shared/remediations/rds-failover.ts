import { rdsIdentifier } from '../probes/rds.js';
import { clusterFailover } from './cluster-failover.js';
import { clusterGrants } from './docdb-snapshot.js';

/** Promotes an Aurora replica to writer. */
export const rdsFailover = clusterFailover({
  kind: 'rds-failover',
  example: { target: 'reports-aurora' },
  service: 'Aurora',
  uses: { aws: ['rds'] },
  clusterId: rdsIdentifier,
  port: (aws) => aws.rds,
  permissions: (target, arns) => clusterGrants(target, arns, ['rds:DescribeDBClusters', 'rds:FailoverDBCluster']),
});
