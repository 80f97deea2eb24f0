import type { Clock } from '../../shared/clock.js';
import { parseConfig } from '../../shared/config/load.js';
import type { CheckInput } from '../../shared/config/schema.js';
import { runChecks, type RunOptions } from '../../shared/engine/runner.js';
import type { Finding } from '../../shared/findings.js';
import { probeRegistry } from '../../shared/probes/index.js';

/** A check of any kind, its id optional. */
export type TestCheck = CheckInput extends infer C ? (C extends unknown ? Omit<C, 'id'> & { id?: string } : never) : never;

/** Validates one check as vigil.config.ts would, then runs it. */
export async function runOne(check: TestCheck, options: Partial<Pick<RunOptions, 'clock' | 'aws' | 'heartbeats'>> = {}): Promise<Finding> {
  const config = parseConfig({ checks: [{ id: 'under-test', ...check }] }, 'test config');
  const [finding] = await runChecks(config.checks, {
    probes: probeRegistry,
    concurrency: 1,
    defaultTimeoutMs: 5_000,
    ...options,
  });
  return finding!;
}

export const fixedClock = (now: Date): Clock => ({ now: () => now });
