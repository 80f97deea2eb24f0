import { describe, expect, it } from 'vitest';
import { createRunChecksHandler } from '../../functions/run-checks/handler.js';
import { parseConfig } from '../../shared/config/load.js';
import { silentLog } from '../../shared/log.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { T0 } from '../support/findings.js';
import type { Fault } from '../support/wire/faulty-handler.js';
import { ALERTS, drainStream } from '../support/wire/vigil.js';
import { World } from '../support/wire/world.js';
import { faultGround } from '../support/wire/ground.js';

// A group failing together under faults below the SDK's retries: a lost reply to any of its check-state writes
// (the lead's included) never loses the one page, never sends two, and never leaves a member unnamed.

const ground = faultGround();

const CHECKS = ['orders-home', 'orders-cart', 'orders-search', 'orders-account'];

describe('a group failing together, a reply lost', () => {
  it.each(Array.from({ length: 2 * CHECKS.length }, (_, i) => i + 1))('on check-state write %i: one page, naming every member', async (n) => {
    const config = parseConfig({ checks: CHECKS.map((id) => ({ id, kind: 'http', target: `http://127.0.0.1:${ground.api.port}/${id}`, group: 'orders' })) });
    const world = await World.create(ground.local, T0, (site, count) => (site === 'dynamodb PutItem CHECK' && count === n ? ('lost' as Fault) : undefined));
    for (let round = 0; round < 2; round++) {
      const attempt = world.coldStart();
      await createRunChecksHandler({ config, log: silentLog, clock: world.clock, store: new DynamoStateStore(attempt.doc, world.table) })({ group: 'orders' });
      attempt.kill();
      world.advance(60_000);
    }
    await drainStream(world, config);
    expect(world.injected).toEqual([{ site: 'dynamodb PutItem CHECK', fault: 'lost' }]);
    const pages = world.sns.on(ALERTS).filter((m) => m.subject.includes('[OPEN]'));
    expect(pages.map((m) => m.subject.replace(/: HTTP.*/, ''))).toEqual(['[P3][OPEN] 4 checks of orders failing: orders-home']);
    for (const id of CHECKS.slice(1)) expect(pages[0]!.message).toContain(`  - ${id}: HTTP 503`);
  });
});
