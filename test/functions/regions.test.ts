import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunChecksHandler, type RunChecksSummary } from '../../functions/run-checks/handler.js';
import { createRegionProbeHandler } from '../../functions/region-probe/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import type { RegionProbes } from '../../shared/engine/index.js';
import type { Finding } from '../../shared/findings.js';
import { silentLog } from '../../shared/log.js';
import { startHttpTarget, type LocalTarget } from '../../app/local/servers.js';

// A check run from several regions: the region-probe function in each runs it, run-checks at home asks them
// all at once and judges by quorum; a region that cannot answer is said, never passed over.

let shop: LocalTarget;
let status = 200;
beforeAll(async () => {
  shop = await startHttpTarget((_req, res) => res.writeHead(status).end('ok'));
});
afterAll(() => shop.close());

const config = () =>
  parseConfig({
    checks: [
      { id: 'shop', kind: 'http', target: `http://127.0.0.1:${shop.port}/`, fromRegions: ['us-east-1', 'ap-southeast-1'], timeoutMs: 1000 },
      { id: 'shop-strict', kind: 'http', target: `http://127.0.0.1:${shop.port}/`, fromRegions: ['us-east-1'], quorum: 1 },
      { id: 'here-only', kind: 'http', target: `http://127.0.0.1:${shop.port}/` },
    ],
  });

/** Each region's function as deployed there: the same handler, told its region; `fails` makes it see the shop down. */
function regionsAnswering(behaviour: Record<string, 'up' | 'down' | 'silent' | 'slow'>) {
  const asked: { region: string; checks: string[] }[] = [];
  const probes: RegionProbes = {
    async run(region, checkIds, signal) {
      asked.push({ region, checks: checkIds });
      const how = behaviour[region];
      if (how === 'silent') throw new Error('its function failed: Task timed out after 30.00 seconds');
      if (how === 'slow') return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      const answer = await createRegionProbeHandler({ config: config(), region, log: silentLog })({ checks: checkIds });
      if (!('findings' in answer)) throw new Error(answer.error);
      return how === 'down' ? answer.findings.map((f): Finding => ({ ...f, status: 'fail', summary: 'HTTP 503' })) : answer.findings;
    },
  };
  return { probes, asked };
}

const run = async (probes: RegionProbes | undefined, checks = ['shop', 'shop-strict', 'here-only']) => {
  const handler = createRunChecksHandler({ config: config(), log: silentLog, regions: { home: 'eu-west-1', ...(probes ? { probes } : {}) } });
  const result = (await handler({ checks, dryRun: true })) as RunChecksSummary;
  return Object.fromEntries(result.findings.map((f) => [f.checkId, f]));
};

describe('a check from several regions', () => {
  it('asks each region once for all its checks, and passes when they all see it up, naming the slowest', async () => {
    status = 200;
    const { probes, asked } = regionsAnswering({ 'us-east-1': 'up', 'ap-southeast-1': 'up' });
    const found = await run(probes);
    expect(asked).toEqual([
      { region: 'us-east-1', checks: ['shop', 'shop-strict'] },
      { region: 'ap-southeast-1', checks: ['shop'] },
    ]);
    expect(found.shop!.status).toBe('ok');
    expect(found.shop!.summary).toMatch(/; ok from 3 regions, slowest first: ((eu-west-1|us-east-1|ap-southeast-1) ok \d+ ms(, )?){3}$/);
    expect(found['here-only']!.summary).not.toContain('regions');
  });

  it('fails when a quorum of regions sees it fail, and only warns below it', async () => {
    status = 200;
    const oneDown = await run(regionsAnswering({ 'us-east-1': 'down', 'ap-southeast-1': 'up' }).probes);
    expect(oneDown.shop!.status).toBe('warn');
    expect(oneDown.shop!.summary).toMatch(/failing from 1 of 3 regions, short of the quorum of 2: us-east-1 fail in \d+ ms: HTTP 503; /);
    // A quorum of 1 fails on any region.
    expect(oneDown['shop-strict']!.status).toBe('fail');
    const twoDown = await run(regionsAnswering({ 'us-east-1': 'down', 'ap-southeast-1': 'down' }).probes);
    expect(twoDown.shop).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^failing from 2 of 3 regions \(quorum 2\): us-east-1 fail/) });
  });

  it('says which region could not report, in time or at all, and never counts it as a pass', async () => {
    status = 200;
    const silent = await run(regionsAnswering({ 'us-east-1': 'up', 'ap-southeast-1': 'silent' }).probes, ['shop']);
    expect(silent.shop).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('ap-southeast-1 could not report: its function failed: Task timed out'),
    });
    status = 503;
    // The shop is down here and the other two cannot say: whether a quorum agrees cannot be told.
    const blind = await run(regionsAnswering({ 'us-east-1': 'slow', 'ap-southeast-1': 'silent' }).probes, ['shop']);
    expect(blind.shop).toMatchObject({ status: 'error', summary: expect.stringContaining('us-east-1 could not report: no answer within 6 s') });
  });

  it('run where nothing is deployed in other regions (a laptop), cannot tell, and says why instead of passing', async () => {
    status = 200;
    const found = await run(undefined, ['shop']);
    expect(found.shop).toMatchObject({
      status: 'error',
      summary: expect.stringContaining('us-east-1 could not report: no Vigil function there to ask: other regions are asked where Vigil is deployed'),
    });
  });
});

describe('the region-probe function', () => {
  it('runs only the checks that name its region, and refuses the others, naming them', async () => {
    const handler = createRegionProbeHandler({ config: config(), region: 'ap-southeast-1', log: silentLog });
    expect(await handler({ checks: ['shop', 'here-only', 'shop-strict'] })).toMatchObject({
      error: 'not checks of ap-southeast-1: here-only, shop-strict; it runs shop',
    });
    expect(await handler({ nope: true })).toMatchObject({ error: 'invalid region-probe event' });
    expect(await handler({ checks: ['shop'] })).toMatchObject({ region: 'ap-southeast-1', findings: [{ checkId: 'shop' }] });
  });
});
