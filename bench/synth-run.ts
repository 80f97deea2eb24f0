// In a fresh process: `cdk synth` of one stack for N generated HTTP checks (half of them in groups, four
// fifths every minute), with every function bundled as a deploy would. How long, how big, how much room.
import { App } from 'aws-cdk-lib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VigilStack } from '../infra/vigil-stack.js';
import { parseConfig } from '../shared/config/load.js';
import { generatedChecks } from './generated.js';

const n = Number(process.argv[2]);
const started = performance.now();
const config = parseConfig({ checks: generatedChecks(n) });
const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'vigil-synth-')) });
const stack = new VigilStack(app, 'Scale', { config, environmentName: 'scale' });
const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string }> };
const synthMs = performance.now() - started;
console.log(
  JSON.stringify({
    checks: n,
    synthMs,
    resources: Object.keys(template.Resources).length,
    schedules: Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule').length,
    templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
process.exit(0);
