import { clusterFailover } from './cluster-failover.js';
import { clusterGrants, docdbClusterId } from './docdb-snapshot.js';

/** Promotes a DocumentDB replica to writer. */
export const docdbFailover = clusterFailover({
  kind: 'docdb-failover',
  example: { target: 'orders-docdb' },
  service: 'DocumentDB',
  uses: { aws: ['docdb'] },
  clusterId: docdbClusterId,
  port: (aws) => aws.docdb,
  permissions: (target, arns) => clusterGrants(target, arns, ['rds:DescribeDBClusters', 'rds:FailoverDBCluster']),
});
