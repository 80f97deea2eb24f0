/** A scratch instance restored from a snapshot, placed where the source is so that Vigil reaches it the same way. */
export interface RestoreRequest {
  id: string;
  snapshotId: string;
  instanceClass: string;
  subnetGroup?: string | undefined;
  securityGroups?: string[] | undefined;
  /** As the source is: a private source's copy is never public. */
  publiclyAccessible?: boolean | undefined;
  tags: Record<string, string>;
}

/** A scratch cluster restored from a cluster snapshot, with one instance (`<id>-1`) to answer on its endpoint. */
export interface ClusterRestoreRequest extends RestoreRequest {
  engine: string;
}
