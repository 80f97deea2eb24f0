import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npx cdk synth', () => {
  it('synthesises the sample deployment with no AWS credentials, bundling every function and passing cdk-nag', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-synth-'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    await run('npx', ['cdk', 'synth', '--quiet', '-c', 'environment=ci', '-o', out], { env, timeout: 240_000 });
    const text = readFileSync(join(out, 'Vigil-ci.template.json'), 'utf8');
    // No region was given: no ARN or bucket names one (the CLI's fallback, us-east-1, used to be baked into every ARN),
    // but the probe functions of the regions the sample's checks name, which run-checks may invoke.
    const probes = /":lambda:(us-east-1|ap-southeast-1):",\{"Ref":"AWS::AccountId"\},":function:vigil-ci-probe"/g;
    expect(JSON.stringify(JSON.parse(text)).replace(probes, '')).not.toMatch(/:us-east-1:|-us-east-1"/);
    // One small stack per other region, each with the probe function alone.
    for (const region of ['us-east-1', 'ap-southeast-1']) {
      const regional = JSON.parse(readFileSync(join(out, `Vigil-ci-${region}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string }> };
      expect(Object.values(regional.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(1);
    }
    const template = JSON.parse(text) as { Resources: Record<string, { Type: string }> };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // dispatch, run-checks, notify, incidents, on-alarm, remediate, and heartbeat (the sample has heartbeats).
    expect(functions).toHaveLength(7);
    const bundles = readdirSync(out)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(out, d, 'index.mjs'))
      .filter((f) => statSync(f, { throwIfNoEntry: false }));
    // Those seven, and the probe function, built once for both regions.
    expect(bundles).toHaveLength(8);
    for (const b of bundles) expect(statSync(b).size).toBeGreaterThan(10_000);
  }, 300_000);
});

describe('npx cdk synth --config', () => {
  it("is refused with the form cdk takes, instead of building the sample config (cdk ignores vigil's flag)", async () => {
    const out = mkdtempSync(join(tmpdir(), 'vigil-synth-flag-'));
    const refused = await run('npx', ['cdk', 'synth', '--quiet', '--config', 'prod.config.ts', '-o', out], { timeout: 120_000 }).then(
      () => undefined,
      (e: { stderr: string }) => e,
    );
    expect(refused?.stderr).toContain("--config is vigil's flag; cdk ignores it and would build ./vigil.config.ts instead.");
    expect(refused?.stderr).toContain('npx cdk synth -c config=prod.config.ts');
    expect(readdirSync(out).filter((f) => f.endsWith('.template.json'))).toEqual([]);
  }, 180_000);
});
