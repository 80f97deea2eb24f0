import { cloudfrontInvalidate } from './cloudfront-invalidate.js';
import { docdbFailover } from './docdb-failover.js';
import { docdbRestoreTest } from './docdb-restore-test.js';
import { docdbSnapshot } from './docdb-snapshot.js';
import { ecsRestart } from './ecs-restart.js';
import { ecsRollback } from './ecs-rollback.js';
import { ecsScaleIn } from './ecs-scale-in.js';
import { ecsScaleOut } from './ecs-scale-out.js';
import { mongoKillLongOps } from './mongo-kill-long-ops.js';
import { pgCancelLongQueries } from './pg-cancel-long-queries.js';
import { pgTerminateBlocker } from './pg-terminate-blocker.js';
import { pgReindex } from './pg-reindex.js';
import { pgTerminateIdle } from './pg-terminate-idle.js';
import { pgVacuumAnalyze } from './pg-vacuum-analyze.js';
import { rdsFailover } from './rds-failover.js';
import { rdsReboot } from './rds-reboot.js';
import { rdsRestoreTest } from './rds-restore-test.js';
import { rdsSnapshot } from './rds-snapshot.js';
import { redisDeleteKeys } from './redis-delete-keys.js';
import { sqsRedrive } from './sqs-redrive.js';
import { wafBlockIps } from './waf-block-ips.js';
import type { Remediation } from './remediation.js';

/** Every remediation Vigil knows. Adding one: its file, its test, and one entry here. */
export const allRemediations = [
  ecsRestart,
  ecsScaleOut,
  ecsScaleIn,
  ecsRollback,
  pgTerminateIdle,
  pgCancelLongQueries,
  pgTerminateBlocker,
  pgVacuumAnalyze,
  pgReindex,
  mongoKillLongOps,
  docdbSnapshot,
  docdbFailover,
  docdbRestoreTest,
  rdsSnapshot,
  rdsFailover,
  rdsReboot,
  rdsRestoreTest,
  cloudfrontInvalidate,
  redisDeleteKeys,
  sqsRedrive,
  wafBlockIps,
] as const;

export const remediationRegistry: ReadonlyMap<string, Remediation> = new Map(allRemediations.map((r) => [r.kind, r as unknown as Remediation]));
