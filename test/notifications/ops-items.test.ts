import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { decideIncident } from '../../shared/incidents/decide.js';
import { decideHumanAction } from '../../shared/incidents/human.js';
import { policyFor } from '../../shared/incidents/policy.js';
import { SsmOpsItems } from '../../shared/notifications/ssm-ops-items.js';
import type { CheckState } from '../../shared/state/check-state.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';
import { memoryNotify } from '../support/memory-notify.js';
import { FakeSsm } from '../support/wire/fake-ssm.js';
import { serve } from '../support/wire/serve.js';

// An OpsCenter OpsItem per incident of the chosen severities: opened with it, in progress once acknowledged,
// resolved with it, through the real SSM client against OpsCenter's documented shapes and deduplication.

const ssm = new FakeSsm();
const calls: string[] = [];
let endpoint: { url: string; close(): Promise<void> };
beforeAll(async () => void (endpoint = await serve('ssm', ssm.handler, calls)));
afterAll(() => endpoint?.close());

const config = parseConfig({
  checks: [
    { id: 'orders-health', kind: 'http', target: 'https://orders.example.com/health', severity: 'P1', incident: { failureThreshold: 1, successThreshold: 1 } },
    { id: 'search-health', kind: 'http', target: 'https://search.example.com/health', severity: 'P3', incident: { failureThreshold: 1 } },
  ],
  incidents: { opsCenter: { severities: ['P1', 'P2'] } },
});

function outage(checkId: string): CheckState[] {
  const check = config.checks.find((c) => c.id === checkId)!;
  const ctx = (minute: number) => ({ policy: policyFor(check, config), severity: check.severity, silence: undefined, now: minutesAfter(T0, minute) });
  const opened = decideIncident(undefined, finding('fail', T0, { checkId }), ctx(0))!;
  const acked = decideHumanAction(opened, { op: 'ack', incidentId: `${checkId}/1`, by: 'alice', reason: 'on it' }, minutesAfter(T0, 3));
  const resolved = decideIncident(acked, finding('ok', minutesAfter(T0, 9), { checkId }), ctx(9))!;
  return [opened, acked, resolved];
}

describe('OpsCenter hand-off', () => {
  it('opens one OpsItem with the incident, moves it to in progress when acknowledged and resolves it with it', async () => {
    const opsItems = new SsmOpsItems({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const { send } = memoryNotify(config, { opsItems });
    const [opened, acked, resolved] = outage('orders-health');
    await send([opened!]);
    // Delivered again: OpsCenter's deduplication string keeps it one item.
    await send([opened!]);
    expect(ssm.items.map((i) => [i.title.slice(0, 22), i.status, i.severity])).toEqual([['[P1][OPEN] orders-heal', 'Open', '1']]);
    expect(ssm.items[0]!.data['vigil:incident']).toEqual({ Type: 'SearchableString', Value: 'orders-health/1' });
    await send([opened!, acked!]);
    expect(ssm.items[0]!.status).toBe('InProgress');
    await send([opened!, acked!, resolved!]);
    expect(ssm.items.map((i) => i.status)).toEqual(['Resolved']);
    expect(calls.filter((c) => c.startsWith('ssm'))).toEqual([
      'ssm CreateOpsItem',
      'ssm CreateOpsItem',
      'ssm CreateOpsItem',
      'ssm DescribeOpsItems',
      'ssm UpdateOpsItem',
      'ssm CreateOpsItem',
      'ssm DescribeOpsItems',
      'ssm UpdateOpsItem',
      'ssm DescribeOpsItems',
      'ssm UpdateOpsItem',
    ]);
  });

  it('opens none for a severity it was not asked for, and never holds a message back when OpsCenter refuses', async () => {
    const sent: string[] = [];
    const refusing = {
      create: async () => Promise.reject(Object.assign(new Error('AccessDeniedException'), { $metadata: { httpStatusCode: 400 } })),
      findOpen: async () => undefined,
      setStatus: async () => undefined,
    };
    const { send } = memoryNotify(config, { opsItems: refusing, publisher: { publish: async (_t, n) => (sent.push(n.subject), { messageId: 'm' }) } });
    const before = ssm.items.length;
    expect((await send(outage('search-health').slice(0, 1))).batchItemFailures).toEqual([]);
    expect((await send(outage('orders-health'))).batchItemFailures).toEqual([]);
    expect(sent.map((s) => s.slice(0, 14))).toEqual(['[P3][OPEN] sea', '[P1][OPEN] ord', '[P1][ACK] orde', '[P1][RESOLVED]']);
    expect(ssm.items.length).toBe(before);
  });
});
