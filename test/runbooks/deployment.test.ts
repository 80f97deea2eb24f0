import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { runbookSchema } from '../../shared/config/runbooks.js';
import { deploymentRunbook } from '../../shared/runbooks/deployment.js';

const config = parseConfig({
  checks: [
    { id: 'orders-api', kind: 'tcp', target: 'orders.internal:443', tags: { service: 'orders' } },
    { id: 'search-api', kind: 'tcp', target: 'search.internal:443', tags: { service: 'search' } },
  ],
  remediations: [{ id: 'orders-api-rollback', kind: 'ecs-rollback', target: 'prod/orders-api', mode: 'propose' }],
  deployments: [
    { service: 'prod/orders-api', tags: { service: 'orders' }, rollback: 'orders-api-rollback', severity: 'P1' },
    { service: 'prod/search', tags: { service: 'search' } },
  ],
});

describe("a failed deployment's runbook", () => {
  it('is what the runbook schema makes of it: written whole, it is never parsed on the way to a rollback', () => {
    for (const deployment of config.deployments) {
      const runbook = deploymentRunbook(deployment);
      expect(runbookSchema.parse(runbook)).toEqual(runbook);
    }
    expect(deploymentRunbook(config.deployments[0]!).steps).toEqual([{ act: 'orders-api-rollback' }, { escalate: 'deployment of prod/orders-api failed' }]);
    expect(deploymentRunbook(config.deployments[1]!)).toMatchObject({ severity: 'P2', steps: [{ escalate: 'deployment of prod/search failed' }] });
  });
});
