import type { Service, WireResponse } from './faulty-handler.js';
import { fault, ok, tagsOf } from './fake-rds.js';

/**
 * One DocumentDB cluster behind the awsQuery protocol (XML, as the RDS family answers), in process:
 * DescribeDBClusters, DescribeDBInstances, CreateDBClusterSnapshot, DescribeDBClusterSnapshots and
 * FailoverDBCluster, and a restore test's calls (restore, an instance, tags, deletes), shaped as the API reference
 * shows them. It keeps the snapshots and the copies it really made.
 */
export class FakeDocdb {
  readonly cluster = 'orders-docdb';
  writer = 'orders-docdb-1';
  readonly instances = ['orders-docdb-1', 'orders-docdb-2', 'orders-docdb-3'];
  /** Snapshots the service created: the number that must never exceed one per event. */
  snapshots: string[] = [];
  failovers: string[] = [];
  /** Clusters restored from snapshots (a restore test's copies), with their instances and tags, as DocumentDB keeps them. */
  copies = new Map<string, { status: string; tags: Map<string, string>; instances: Map<string, string> }>();
  /** Where a restored copy answers, when it is available at once (set), rather than creating until a test says so. */
  restoresReadyAt?: { host: string; port: number };

  readonly handler: Service = async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    const action = form.get('Action')!;
    switch (action) {
      case 'DescribeDBClusters': {
        const id = form.get('DBClusterIdentifier');
        if (id && this.copies.has(id)) return ok(action, `<DBClusters><DBCluster>${this.copyXml(id)}</DBCluster></DBClusters>`);
        if (id?.startsWith('vigil-restore-')) return fault('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        const copies = id ? '' : [...this.copies.keys()].map((c) => `<DBCluster>${this.copyXml(c)}</DBCluster>`).join('');
        return ok(action, `<DBClusters>${this.clusterXml()}${copies}</DBClusters>`);
      }
      case 'RestoreDBClusterFromSnapshot': {
        const id = form.get('DBClusterIdentifier')!;
        if (this.copies.has(id)) return fault('DBClusterAlreadyExistsFault', 'DB cluster already exists');
        this.copies.set(id, { status: this.restoresReadyAt ? 'available' : 'creating', tags: tagsOf(form), instances: new Map() });
        return ok(action, `<DBCluster>${this.copyXml(id)}</DBCluster>`);
      }
      case 'CreateDBInstance': {
        const copy = this.copies.get(form.get('DBClusterIdentifier')!);
        if (!copy) return fault('DBClusterNotFoundFault', `DBCluster ${form.get('DBClusterIdentifier')} not found.`, 404);
        const id = form.get('DBInstanceIdentifier')!;
        if (copy.instances.has(id)) return fault('DBInstanceAlreadyExists', 'DB instance already exists');
        copy.instances.set(id, this.restoresReadyAt ? 'available' : 'creating');
        return ok(action, `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>creating</DBInstanceStatus></DBInstance>`);
      }
      case 'DeleteDBInstance': {
        const id = form.get('DBInstanceIdentifier')!;
        const copy = [...this.copies.values()].find((c) => c.instances.has(id));
        if (!copy) return fault('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
        copy.instances.set(id, 'deleting');
        return ok(action, `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>deleting</DBInstanceStatus></DBInstance>`);
      }
      case 'DeleteDBCluster': {
        const id = form.get('DBClusterIdentifier')!;
        const copy = this.copies.get(id);
        if (!copy) return fault('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        if ([...copy.instances.values()].some((status) => status !== 'deleting'))
          return fault('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
        copy.status = 'deleting';
        return ok(action, `<DBCluster>${this.copyXml(id)}</DBCluster>`);
      }
      case 'AddTagsToResource':
      case 'ListTagsForResource': {
        const copy = this.copies.get(form.get('ResourceName')!.split(':cluster:')[1] ?? '');
        if (!copy) return fault('DBClusterNotFoundFault', `${form.get('ResourceName')} not found.`, 404);
        if (action === 'AddTagsToResource') for (const [k, v] of tagsOf(form)) copy.tags.set(k, v);
        const list = [...copy.tags].map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('');
        return ok(action, action === 'ListTagsForResource' ? `<TagList>${list}</TagList>` : '');
      }
      case 'DescribeDBInstances': {
        const of = form.get('Filters.Filter.1.Values.Value.1');
        const copy = of ? this.copies.get(of) : undefined;
        if (copy)
          return ok(
            action,
            `<DBInstances>${[...copy.instances].map(([id, status]) => `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>${status}</DBInstanceStatus><DBClusterIdentifier>${of}</DBClusterIdentifier></DBInstance>`).join('')}</DBInstances>`,
          );
        return ok(
          action,
          `<DBInstances>${this.instances.map((id, i) => `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><AvailabilityZone>eu-west-1${'abc'[i]}</AvailabilityZone><DBClusterIdentifier>${this.cluster}</DBClusterIdentifier></DBInstance>`).join('')}</DBInstances>`,
        );
      }
      case 'CreateDBClusterSnapshot': {
        const id = form.get('DBClusterSnapshotIdentifier')!;
        if (this.snapshots.includes(id))
          return fault('DBClusterSnapshotAlreadyExistsFault', `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`);
        this.snapshots.push(id);
        return ok(action, `<DBClusterSnapshot>${this.snapshotXml(id)}</DBClusterSnapshot>`);
      }
      case 'DescribeDBClusterSnapshots': {
        const id = form.get('DBClusterSnapshotIdentifier');
        // One automated snapshot, taken at 01:10; the manual ones are those Vigil took.
        if (form.get('SnapshotType') === 'automated')
          return ok(
            action,
            `<DBClusterSnapshots><DBClusterSnapshot><DBClusterSnapshotIdentifier>rds:${this.cluster}-2026-12-15-01-10</DBClusterSnapshotIdentifier><DBClusterIdentifier>${this.cluster}</DBClusterIdentifier><Status>available</Status><SnapshotType>automated</SnapshotType><SnapshotCreateTime>2026-12-15T01:10:00Z</SnapshotCreateTime></DBClusterSnapshot></DBClusterSnapshots>`,
          );
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

  private copyXml(id: string) {
    const copy = this.copies.get(id)!;
    const members = [...copy.instances.keys()]
      .map((i) => `<DBClusterMember><DBInstanceIdentifier>${i}</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>`)
      .join('');
    const endpoint = this.restoresReadyAt ? `<Endpoint>${this.restoresReadyAt.host}</Endpoint><Port>${this.restoresReadyAt.port}</Port>` : '';
    return `<DBClusterIdentifier>${id}</DBClusterIdentifier><DBClusterArn>arn:aws:rds:eu-west-1:123456789012:cluster:${id}</DBClusterArn><Status>${copy.status}</Status><Engine>docdb</Engine>${endpoint}<DBClusterMembers>${members}</DBClusterMembers>`;
  }

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
