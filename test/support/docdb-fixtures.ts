import type { DescribeDBClustersCommandOutput, DescribeDBInstancesCommandOutput } from '@aws-sdk/client-docdb';

// Shapes as the DocumentDB API reference documents DescribeDBClusters and DescribeDBInstances (fields Vigil reads, and some around them).
export function cluster(status = 'available', writer = 'orders-docdb-1'): DescribeDBClustersCommandOutput {
  return {
    $metadata: {},
    DBClusters: [
      {
        DBClusterIdentifier: 'orders-docdb',
        DBClusterArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:orders-docdb',
        Status: status,
        Engine: 'docdb',
        EngineVersion: '5.0.0',
        Endpoint: 'orders-docdb.cluster-c8vhxk2yqzka.eu-west-1.docdb.amazonaws.com',
        ReaderEndpoint: 'orders-docdb.cluster-ro-c8vhxk2yqzka.eu-west-1.docdb.amazonaws.com',
        Port: 27017,
        BackupRetentionPeriod: 7,
        PreferredBackupWindow: '00:00-00:30',
        MultiAZ: true,
        StorageEncrypted: true,
        DBClusterMembers: ['orders-docdb-1', 'orders-docdb-2', 'orders-docdb-3'].map((id) => ({
          DBInstanceIdentifier: id,
          IsClusterWriter: id === writer,
          DBClusterParameterGroupStatus: 'in-sync',
          PromotionTier: 1,
        })),
      },
    ],
  };
}

export function instances(statuses: Record<string, string> = {}): DescribeDBInstancesCommandOutput {
  return {
    $metadata: {},
    DBInstances: ['orders-docdb-1', 'orders-docdb-2', 'orders-docdb-3'].map((id, i) => ({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'docdb',
      DBInstanceStatus: statuses[id] ?? 'available',
      AvailabilityZone: `eu-west-1${'abc'[i]}`,
      DBClusterIdentifier: 'orders-docdb',
      Endpoint: { Address: `${id}.c8vhxk2yqzka.eu-west-1.docdb.amazonaws.com`, Port: 27017 },
    })),
  };
}
