import type { Service, WireResponse } from './faulty-handler.js';

/**
 * One RDS PostgreSQL instance (`orders-db`) and one Aurora cluster (`orders-aurora`) behind the awsQuery
 * protocol, in process, shaped as the RDS API reference shows them. It keeps what it really did:
 * snapshots, reboots, failovers, copies restored from snapshots, so a test can count them.
 */
export class FakeRds {
  readonly instance = 'orders-db';
  constructor(readonly cluster = 'orders-aurora') {}
  readonly members = ['orders-aurora-1', 'orders-aurora-2'];
  writer = 'orders-aurora-1';
  instanceStatus = 'available';
  snapshots: string[] = [];
  reboots: string[] = [];
  failovers: string[] = [];
  events: { at: string; message: string }[] = [];
  /** Describe pages: how many instances each DescribeDBInstances page holds (the rest follow a Marker). */
  pageSize = 100;
  /** Other instances, answered as `instance` is: the sample's billing-db, whose backups a restore test restores. */
  readonly others = ['billing-db'];
  /** Instances restored from snapshots (a restore test's copies), as RDS keeps them. */
  copies = new Map<string, { status: string; tags: Map<string, string>; endpoint?: { host: string; port: number }; cluster?: string }>();
  /** Aurora clusters restored from cluster snapshots; their instances are among `copies`. */
  clusterCopies = new Map<string, { status: string; tags: Map<string, string>; endpoint?: { host: string; port: number } }>();
  /** Where a restored copy answers, when it is available at once (set), rather than creating until a test says so. */
  restoresReadyAt?: { host: string; port: number };

  readonly handler: Service = async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    const action = form.get('Action')!;
    switch (action) {
      case 'DescribeDBInstances': {
        const id = form.get('DBInstanceIdentifier');
        const plain = [this.instance, ...this.others];
        if (id && !plain.includes(id) && !this.members.includes(id) && !this.copies.has(id))
          return fault('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
        // A filter asks for a cluster's members; no filter lists every instance.
        const of = form.get('Filters.Filter.1.Values.Value.1');
        const members = of === this.cluster ? this.members : [...this.copies].filter(([, c]) => c.cluster === of).map(([i]) => i);
        const all = id ? [id] : of ? members : [...plain, ...this.members, ...this.copies.keys()];
        const start = Number(form.get('Marker') ?? 0);
        const page = all.slice(start, start + this.pageSize);
        const marker = start + this.pageSize < all.length ? `<Marker>${start + this.pageSize}</Marker>` : '';
        return ok(action, `<DBInstances>${page.map((i) => `<DBInstance>${this.instanceXml(i)}</DBInstance>`).join('')}</DBInstances>${marker}`);
      }
      case 'RestoreDBInstanceFromDBSnapshot': {
        const id = form.get('DBInstanceIdentifier')!;
        if (this.copies.has(id)) return fault('DBInstanceAlreadyExists', 'DB instance already exists');
        const tags = tagsOf(form);
        this.copies.set(id, this.restoresReadyAt ? { status: 'available', tags, endpoint: this.restoresReadyAt } : { status: 'creating', tags });
        return ok(action, `<DBInstance>${this.instanceXml(id)}</DBInstance>`);
      }
      case 'AddTagsToResource': {
        const arn = form.get('ResourceName')!;
        const copy = arn.includes(':cluster:') ? this.clusterCopies.get(arn.split(':cluster:')[1]!) : this.copies.get(arn.split(':db:')[1] ?? '');
        if (!copy) return fault('DBInstanceNotFound', `${form.get('ResourceName')} not found.`, 404);
        for (let n = 1; form.has(`Tags.Tag.${n}.Key`); n++) copy.tags.set(form.get(`Tags.Tag.${n}.Key`)!, form.get(`Tags.Tag.${n}.Value`)!);
        return ok(action, '');
      }
      case 'DeleteDBInstance': {
        const copy = this.copies.get(form.get('DBInstanceIdentifier')!);
        if (!copy) return fault('DBInstanceNotFound', `DBInstance ${form.get('DBInstanceIdentifier')} not found.`, 404);
        copy.status = 'deleting';
        return ok(action, `<DBInstance>${this.instanceXml(form.get('DBInstanceIdentifier')!)}</DBInstance>`);
      }
      case 'DescribeDBClusters': {
        const id = form.get('DBClusterIdentifier');
        if (id && id !== this.cluster && !this.clusterCopies.has(id)) return fault('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        const all = id ? [id] : [this.cluster, ...this.clusterCopies.keys()];
        return ok(
          action,
          `<DBClusters>${all.map((c) => `<DBCluster>${c === this.cluster ? this.clusterXml() : this.copyClusterXml(c)}</DBCluster>`).join('')}</DBClusters>`,
        );
      }
      case 'RestoreDBClusterFromSnapshot': {
        const id = form.get('DBClusterIdentifier')!;
        if (this.clusterCopies.has(id)) return fault('DBClusterAlreadyExistsFault', 'DB cluster already exists');
        this.clusterCopies.set(id, {
          status: this.restoresReadyAt ? 'available' : 'creating',
          tags: tagsOf(form),
          ...(this.restoresReadyAt ? { endpoint: this.restoresReadyAt } : {}),
        });
        return ok(action, `<DBCluster>${this.copyClusterXml(id)}</DBCluster>`);
      }
      case 'CreateDBInstance': {
        const id = form.get('DBInstanceIdentifier')!;
        const cluster = form.get('DBClusterIdentifier')!;
        if (this.copies.has(id)) return fault('DBInstanceAlreadyExists', 'DB instance already exists');
        if (!this.clusterCopies.has(cluster)) return fault('DBClusterNotFoundFault', `DBCluster ${cluster} not found.`, 404);
        this.copies.set(id, { status: this.restoresReadyAt ? 'available' : 'creating', tags: tagsOf(form), cluster });
        return ok(action, `<DBInstance>${this.instanceXml(id)}</DBInstance>`);
      }
      case 'DeleteDBCluster': {
        const id = form.get('DBClusterIdentifier')!;
        const copy = this.clusterCopies.get(id);
        if (!copy) return fault('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        if ([...this.copies.values()].some((i) => i.cluster === id && i.status !== 'deleting'))
          return fault('InvalidDBClusterStateFault', 'Cluster cannot be deleted, it still contains DB instances in non-deleting state.');
        copy.status = 'deleting';
        return ok(action, `<DBCluster>${this.copyClusterXml(id)}</DBCluster>`);
      }
      case 'DescribePendingMaintenanceActions':
        return ok(action, '<PendingMaintenanceActions></PendingMaintenanceActions>');
      case 'CreateDBSnapshot':
      case 'CreateDBClusterSnapshot': {
        const cluster = action === 'CreateDBClusterSnapshot';
        const id = form.get(cluster ? 'DBClusterSnapshotIdentifier' : 'DBSnapshotIdentifier')!;
        if (this.snapshots.includes(id))
          return fault(
            cluster ? 'DBClusterSnapshotAlreadyExistsFault' : 'DBSnapshotAlreadyExists',
            `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
          );
        this.snapshots.push(id);
        const tag = cluster ? 'DBClusterSnapshot' : 'DBSnapshot';
        return ok(action, `<${tag}>${this.snapshotXml(id, cluster)}</${tag}>`);
      }
      case 'DescribeDBSnapshots':
      case 'DescribeDBClusterSnapshots': {
        const cluster = action === 'DescribeDBClusterSnapshots';
        const id = form.get(cluster ? 'DBClusterSnapshotIdentifier' : 'DBSnapshotIdentifier');
        if (id && !this.snapshots.includes(id))
          return fault(cluster ? 'DBClusterSnapshotNotFoundFault' : 'DBSnapshotNotFound', `Snapshot ${id} not found.`, 404);
        const tag = cluster ? 'DBClusterSnapshot' : 'DBSnapshot';
        // Each instance has one automated snapshot, taken at 01:10; the manual ones are those Vigil took.
        if (form.get('SnapshotType') === 'automated' && cluster) {
          const of = form.get('DBClusterIdentifier') ?? this.cluster;
          return ok(
            action,
            `<DBClusterSnapshots><DBClusterSnapshot><DBClusterSnapshotIdentifier>rds:${of}-2026-12-15-01-10</DBClusterSnapshotIdentifier><DBClusterIdentifier>${of}</DBClusterIdentifier><Status>available</Status><SnapshotType>automated</SnapshotType><SnapshotCreateTime>2026-12-15T01:10:00Z</SnapshotCreateTime></DBClusterSnapshot></DBClusterSnapshots>`,
          );
        }
        if (form.get('SnapshotType') === 'automated' && !cluster) {
          const of = form.get('DBInstanceIdentifier') ?? this.instance;
          return ok(
            action,
            `<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>rds:${of}-2026-12-15-01-10</DBSnapshotIdentifier><DBInstanceIdentifier>${of}</DBInstanceIdentifier><Status>available</Status><SnapshotType>automated</SnapshotType><SnapshotCreateTime>2026-12-15T01:10:00Z</SnapshotCreateTime></DBSnapshot></DBSnapshots>`,
          );
        }
        return ok(action, `<${tag}s>${(id ? [id] : this.snapshots).map((s) => `<${tag}>${this.snapshotXml(s, cluster)}</${tag}>`).join('')}</${tag}s>`);
      }
      case 'RebootDBInstance': {
        const id = form.get('DBInstanceIdentifier')!;
        if (this.instanceStatus !== 'available') return fault('InvalidDBInstanceState', `DB instance ${id} is not in the available state.`);
        this.reboots.push(id);
        this.instanceStatus = 'rebooting';
        this.events.push({ at: '2026-11-23T03:00:05Z', message: 'DB instance restarted' });
        return ok(action, `<DBInstance>${this.instanceXml(id)}</DBInstance>`);
      }
      case 'DescribeEvents':
        return ok(
          action,
          `<Events>${this.events.map((e) => `<Event><SourceIdentifier>${this.instance}</SourceIdentifier><SourceType>db-instance</SourceType><Message>${e.message}</Message><Date>${e.at}</Date></Event>`).join('')}</Events>`,
        );
      case 'FailoverDBCluster':
        this.failovers.push(form.get('TargetDBInstanceIdentifier') ?? '');
        this.writer = form.get('TargetDBInstanceIdentifier') ?? this.members[1]!;
        return ok(action, `<DBCluster>${this.clusterXml()}</DBCluster>`);
      default:
        return fault('InvalidAction', `fake RDS does not answer ${action}`);
    }
  };

  private instanceXml(id: string) {
    const copy = this.copies.get(id);
    if (copy) {
      const tags = [...copy.tags].map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('');
      const endpoint = copy.endpoint ? `<Endpoint><Address>${copy.endpoint.host}</Address><Port>${copy.endpoint.port}</Port></Endpoint>` : '';
      const member = copy.cluster ? `<DBClusterIdentifier>${copy.cluster}</DBClusterIdentifier>` : '';
      return `<DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceArn>arn:aws:rds:eu-west-1:123456789012:db:${id}</DBInstanceArn><DBInstanceClass>db.t4g.medium</DBInstanceClass><Engine>postgres</Engine><DBInstanceStatus>${copy.status}</DBInstanceStatus>${member}${endpoint}<TagList>${tags}</TagList>`;
    }
    const member = this.members.includes(id);
    const status = member ? 'available' : this.instanceStatus;
    return [
      `<DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceClass>db.r6g.large</DBInstanceClass><Engine>${member ? 'aurora-postgresql' : 'postgres'}</Engine>`,
      `<DBInstanceStatus>${status}</DBInstanceStatus><AvailabilityZone>eu-west-1a</AvailabilityZone>`,
      member
        ? `<DBClusterIdentifier>${this.cluster}</DBClusterIdentifier>`
        : '<AllocatedStorage>200</AllocatedStorage><MaxAllocatedStorage>1000</MaxAllocatedStorage><LatestRestorableTime>2026-11-23T02:58:00Z</LatestRestorableTime><MultiAZ>true</MultiAZ><DBSubnetGroup><DBSubnetGroupName>private-db</DBSubnetGroupName></DBSubnetGroup><VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-0db</VpcSecurityGroupId></VpcSecurityGroupMembership></VpcSecurityGroups>',
    ].join('');
  }

  private copyClusterXml(id: string) {
    const copy = this.clusterCopies.get(id)!;
    const tags = [...copy.tags].map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('');
    const members = [...this.copies]
      .filter(([, c]) => c.cluster === id)
      .map(([i]) => `<DBClusterMember><DBInstanceIdentifier>${i}</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>`)
      .join('');
    const endpoint = copy.endpoint ? `<Endpoint>${copy.endpoint.host}</Endpoint><Port>${copy.endpoint.port}</Port>` : '';
    return `<DBClusterIdentifier>${id}</DBClusterIdentifier><DBClusterArn>arn:aws:rds:eu-west-1:123456789012:cluster:${id}</DBClusterArn><Status>${copy.status}</Status><Engine>aurora-postgresql</Engine>${endpoint}<DBClusterMembers>${members}</DBClusterMembers><TagList>${tags}</TagList>`;
  }

  private clusterXml() {
    const members = this.members
      .map(
        (id) =>
          `<DBClusterMember><DBInstanceIdentifier>${id}</DBInstanceIdentifier><IsClusterWriter>${id === this.writer}</IsClusterWriter><PromotionTier>1</PromotionTier></DBClusterMember>`,
      )
      .join('');
    return `<DBClusterIdentifier>${this.cluster}</DBClusterIdentifier><Status>available</Status><Engine>aurora-postgresql</Engine><LatestRestorableTime>2026-11-23T02:58:00Z</LatestRestorableTime><DBClusterMembers>${members}</DBClusterMembers>`;
  }

  private snapshotXml(id: string, cluster: boolean) {
    const owner = cluster
      ? `<DBClusterSnapshotIdentifier>${id}</DBClusterSnapshotIdentifier><DBClusterIdentifier>${this.cluster}</DBClusterIdentifier>`
      : `<DBSnapshotIdentifier>${id}</DBSnapshotIdentifier><DBInstanceIdentifier>${this.instance}</DBInstanceIdentifier>`;
    return `${owner}<Status>creating</Status><SnapshotType>manual</SnapshotType><SnapshotCreateTime>2026-11-23T03:00:00Z</SnapshotCreateTime>`;
  }
}

/** The tags of an awsQuery request (`Tags.Tag.1.Key`, …). */
export function tagsOf(form: URLSearchParams): Map<string, string> {
  const tags = new Map<string, string>();
  for (let n = 1; form.has(`Tags.Tag.${n}.Key`); n++) tags.set(form.get(`Tags.Tag.${n}.Key`)!, form.get(`Tags.Tag.${n}.Value`)!);
  return tags;
}

/** An awsQuery answer of the RDS family (RDS, DocumentDB). */
export function ok(action: string, inner: string): WireResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
  };
}

export function fault(code: string, message: string, statusCode = 400): WireResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  };
}
