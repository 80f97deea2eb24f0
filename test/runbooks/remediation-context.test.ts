import { describe, expect, it } from 'vitest';
import { remediationContext } from '../../shared/runbooks/remediation-context.js';
import type { Incident } from '../../shared/state/check-state.js';
import { systemClock } from '../../shared/clock.js';
import { BatchingMetrics } from '../../shared/aws/metrics.js';

const incident = (id: string, target: string) => ({ id, checkId: id.split('/')[0]!, target, summary: `${id} failing`, state: 'open' }) as Incident;
const aws = { ecs: {} as never, metrics: new BatchingMetrics() };

describe("a remediation's view of the incidents", () => {
  // As the stores answer: at most `limit`, and whether a page stopped there.
  const store = (all: Incident[]) => ({ listActiveIncidents: async (limit: number) => ({ incidents: all.slice(0, limit), more: all.length >= limit }) });

  it('shows every active incident but the one the run answers', async () => {
    const own = incident('alarm:orders-api-cpu-low/1', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-api-cpu-low');
    const other = incident('orders-ecs/2', 'prod/orders-api');
    const ctx = remediationContext({ aws, clock: systemClock, store: store([own, other]) }, own.id);
    expect(await ctx.incidents!.others()).toEqual({
      incidents: [{ id: 'orders-ecs/2', checkId: 'orders-ecs', target: 'prod/orders-api', summary: 'orders-ecs/2 failing' }],
      complete: true,
    });
  });

  it('says when it could not read them all, and not when there were exactly as many as it reads', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => incident(`c-${i}/1`, 'x'));
    expect((await remediationContext({ aws, clock: systemClock, store: store(many(200)) }).incidents!.others()).complete).toBe(true);
    const over = await remediationContext({ aws, clock: systemClock, store: store(many(201)) }).incidents!.others();
    expect([over.complete, over.incidents.length]).toEqual([false, 200]);
  });
});
