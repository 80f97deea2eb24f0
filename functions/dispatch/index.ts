import { readFileSync } from 'node:fs';
import { requireEnv } from '../../shared/aws-env.js';
import { eventInvoker } from '../../shared/aws/invoke-event.js';
import { vigilLog } from '../../shared/aws/log.js';
import type { PlannedTick } from '../../shared/config/schedule-plan.js';
import { createDispatchHandler } from './handler.js';

// Each tick's buckets are a file beside the code (ticks/<name>.json), written at synth: a tick reads its
// own, so a cold start does not grow with the config.
const ticksFolder = new URL('./ticks/', import.meta.url);
const invoke = eventInvoker();
const functions = { public: requireEnv('RUN_CHECKS_FUNCTION'), vpc: process.env.RUN_CHECKS_VPC_FUNCTION };

function tick(name: string): PlannedTick | undefined {
  if (!/^[0-9a-zA-Z_.-]+$/.test(name)) return undefined;
  try {
    return JSON.parse(readFileSync(new URL(`${name}.json`, ticksFolder), 'utf8')) as PlannedTick;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

export const handler = createDispatchHandler({
  tick,
  send: ({ id, network, checks }) => {
    const fn = network === 'vpc' ? functions.vpc : functions.public;
    if (!fn) throw new Error('a bucket runs in the VPC, but this stack has no run-checks function there');
    return invoke(fn, { checks, bucket: id });
  },
  log: vigilLog('dispatch'),
});
