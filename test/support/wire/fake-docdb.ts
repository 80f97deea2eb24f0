import type { Service, WireResponse } from './faulty-handler.js';
import { fault, ok } from './fake-rds.js';

/**
 * One DocumentDB cluster behind the awsQuery protocol (XML, as the RDS family answers), in process:
 * DescribeDBClusters, DescribeDBInstances, CreateDBClusterSnapshot, DescribeDBClusterSnapshots and
 * FailoverDBCluster, shaped as the API reference shows them. It keeps the snapshots it really made.
 */
export class FakeDocdb {
  readonly cluster = 'orders-docdb';
  writer = 'orders-docdb-1';
  readonly instances = ['orders-docdb-1', 'orders-docdb-2', 'orders-docdb-3'];
  /** Snapshots the service created: the number that must never exceed one per event. */
  snapshots: string[] = [];
  failovers: string[] = [];

  readonly handler: Service = async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    const action = form.get('Action')!;
    switch (action) {
      case 'DescribeDBClusters':
        return ok(action, `<DBClusters>${this.clusterXml()}</DBClusters>`);
      case 'DescribeDBInstances':
        return ok(
          action,
          `<DBInstances>${this.instances.map((id, i) => `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><AvailabilityZone>eu-west-1${'abc'[i]}</AvailabilityZone><DBClusterIdentifier>${this.cluster}</DBClusterIdentifier></DBInstance>`).join('')}</DBInstances>`,
        );
      case 'CreateDBClusterSnapshot': {
        const id = form.get('DBClusterSnapshotIdentifier')!;
        if (this.snapshots.includes(id))
          return fault('DBClusterSnapshotAlreadyExistsFault', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
        this.snapshots.push(id);
        return ok(action, `<DBClusterSnapshot>${this.snapshotXml(id)}</DBClusterSnapshot>`);
      }
      case 'DescribeDBClusterSnapshots': {
        const id = form.get('DBClusterSnapshotIdentifier');
        if (id && !this.snapshots.includes(id)) return fault('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`, 404);
        return ok(
          action,
          `<DBClusterSnapshots>${(id ? [id] : this.snapshots).map((s) => `<DBClusterSnapshot>${this.snapshotXml(s)}</DBClusterSnapshot>`).join('')}</DBClusterSnapshots>`,
        );
      }
      case 'FailoverDBCluster':
        this.failovers.push(form.get('TargetDBInstanceIdentifier') ?? '');
        this.writer = form.get('TargetDBInstanceIdentifier') ?? this.instances[1]!;
        return ok(action, `<DBCluster>${this.clusterInner()}</DBCluster>`);
      default:
        return fault('InvalidAction', `fake DocumentDB does not answer ${action}`);
    }
  };

  private clusterXml() {
    return `<DBCluster>${this.clusterInner()}</DBCluster>`;
  }

  private clusterInner() {
    const members = this.instances
      .map(
        (id) =>
          `<DBClusterMember><DBInstanceIdentifier>${id}</DBInstanceIdentifier><IsClusterWriter>${id === this.writer}</IsClusterWriter><PromotionTier>1</PromotionTier></DBClusterMember>`,
      )
      .join('');
    return `<DBClusterIdentifier>${this.cluster}</DBClusterIdentifier><Status>available</Status><Engine>docdb</Engine><DBClusterMembers>${members}</DBClusterMembers>`;
  }

  private snapshotXml(id: string) {
    return `<DBClusterSnapshotIdentifier>${id}</DBClusterSnapshotIdentifier><DBClusterIdentifier>${this.cluster}</DBClusterIdentifier><Status>creating</Status><SnapshotType>manual</SnapshotType><SnapshotCreateTime>2026-11-23T03:00:00Z</SnapshotCreateTime>`;
  }
}
