import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { startLocalDynamo, type LocalDynamo } from '../../app/local/dynamo.js';
import type { RunbookResult } from '../../shared/runbooks/execute.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { samples } from '../support/alarm.js';
import { T0 } from '../support/findings.js';
import { deliverAlarm } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';

// The guides' "snapshot first, then the risky fix": two remediations on one target, for one event.
// Each is its own action, guarded and recorded on its own.

let local: LocalDynamo;
beforeAll(async () => (local = await startLocalDynamo()));
afterAll(() => local.close());

describe('a safety snapshot before a reboot of the same instance', () => {
  it('takes the snapshot, then reboots, and records each with its own outcome', async () => {
    const config = parseConfig({
      checks: [{ id: 'orders-db-port', kind: 'tcp', target: '127.0.0.1:9' }],
      remediations: [
        { id: 'orders-db-snapshot', kind: 'rds-snapshot', target: 'orders-db', mode: 'auto' },
        { id: 'orders-db-reboot', kind: 'rds-reboot', target: 'orders-db', mode: 'auto', allowAuto: { reason: 'a reboot drill on a Multi-AZ instance' } },
      ],
      runbooks: [
        {
          id: 'orders-db-wedged',
          match: { alarmNames: ['orders-api-5xx-rate'] },
          severity: 'P1',
          steps: [{ act: 'orders-db-snapshot' }, { act: 'orders-db-reboot' }, { escalate: 'tell the database owner' }],
        },
      ],
    });
    const world = await World.create(local, T0);
    const { ends } = await deliverAlarm(world, config, samples.metric);
    const result = (ends.at(-1) as { value: RunbookResult }).value;
    expect(result.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['act orders-db-snapshot', 'acted'],
      ['act orders-db-reboot', 'acted'],
      ['escalate', expect.any(String)],
    ]);
    expect(world.rds.snapshots).toHaveLength(1);
    expect(world.rds.reboots).toEqual(['orders-db']);
    const { guard } = await new DynamoStateStore(local.doc, world.table).getGuard('rds:orders-db');
    expect(guard?.actions.map((a) => [a.remediation, a.outcome])).toEqual([
      ['orders-db-snapshot', 'done'],
      ['orders-db-reboot', 'done'],
    ]);
    expect(guard?.lease).toBeUndefined();
  });
});
