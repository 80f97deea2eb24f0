import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { VigilStack } from '../../infra/vigil-stack.js';
import { parseConfig } from '../../shared/config/load.js';
import type { VigilConfigInput } from '../../shared/config/schema.js';

// Synthesised with real bundling (each function built as `cdk deploy` builds it), then each
// function's asset read back: what a deployed function would run.

const network = {
  vpcId: 'vpc-0a1b2c3d',
  subnets: [
    { id: 'subnet-0a1b', availabilityZone: 'eu-west-1a' },
    { id: 'subnet-0c2d', availabilityZone: 'eu-west-1b' },
  ],
};
const secret = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-db-AbCdEf';

const databasesInTheVpc: VigilConfigInput = {
  network,
  checks: [
    { id: 'edge-health', kind: 'http', target: 'https://edge.example.net/health' },
    {
      id: 'orders-db-connections',
      kind: 'pg',
      target: 'orders-db.internal:5432/orders',
      user: 'vigil',
      password: { secret },
      measure: 'connections',
      network: 'vpc',
    },
    {
      id: 'catalog-docdb-replication',
      kind: 'mongo',
      target: 'catalog.cluster-abc.eu-west-1.docdb.amazonaws.com:27017',
      user: 'vigil',
      password: { secret },
      flavor: 'documentdb',
      caBundle: 'test/fixtures/docdb-ca.pem',
      measure: 'replication',
      network: 'vpc',
    },
    { id: 'catalog-docdb-status', kind: 'docdb-cluster', target: 'catalog-docdb', measure: 'status', network: 'vpc' },
  ],
};

const stage = (name: string): VigilConfigInput => ({
  checks: [{ id: `${name}-api-health`, kind: 'http', target: `https://${name}.example.com/health` }],
  remediations: [{ id: `${name}-api-restart`, kind: 'ecs-restart', target: `${name}/orders-api`, mode: 'auto' }],
  runbooks: [{ id: `${name}-api-5xx`, match: { alarmNames: [`${name}-api-5xx`] }, steps: [{ act: `${name}-api-restart` }] }],
});

interface Built {
  /** Every function of the stack, by logical id: its asset folder and all of its code. */
  functions: Map<string, { asset: string; code: string }>;
}

let vpc: Built;
let staging: Built;
let prod: Built;
beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-assets-'));
  const app = new App({ outdir });
  const stacks = [
    new VigilStack(app, 'Vpc', { config: parseConfig(databasesInTheVpc), environmentName: 'vpc' }),
    new VigilStack(app, 'Staging', { config: parseConfig(stage('staging')), environmentName: 'staging' }),
    new VigilStack(app, 'Prod', { config: parseConfig(stage('prod')), environmentName: 'prod' }),
  ];
  const assembly = app.synth();
  [vpc, staging, prod] = stacks.map((stack) => {
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
    };
    const functions = new Map<string, { asset: string; code: string }>();
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      const asset = join(outdir, `asset.${r.Properties.Code!.S3Key!.replace(/\.zip$/, '')}`);
      functions.set(id, { asset, code: codeIn(asset) });
    }
    return { functions };
  }) as [Built, Built, Built];
}, 240_000);

/** All the JavaScript a function's asset holds, its lazily loaded chunks included. */
function codeIn(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs') && statSync(join(dir, f)).isFile())
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

const fn = (built: Built, prefix: string) => [...built.functions].find(([id]) => id.startsWith(prefix) && !id.startsWith(`${prefix}Vpc`))![1];

/** What a function's code can do: which drivers and SDK clients are built in, which checks and runbooks it knows. */
function carries(code: string, names: string[] = []) {
  return {
    // A driver built in brings its own messages; left out, neither it nor the probe that loads it is there.
    pg: code.includes('Client was closed and is not queryable'),
    mongodb: code.includes('MongoServerSelectionError'),
    // An adapter built in is a chunk named after its file, loaded on first use.
    secrets: /chunks\/secrets-\w+\.mjs/.test(code),
    docdb: /chunks\/docdb-\w+\.mjs/.test(code),
    ...Object.fromEntries(names.map((n) => [n, code.includes(`"${n}"`)])),
  };
}

describe('each function gets its own code', () => {
  it('builds the VPC run-checks function with the database drivers and the clients its checks need, and the public one without them', () => {
    const inVpc = fn(vpc, 'RunChecksVpc');
    const outside = fn(vpc, 'RunChecks');
    expect(inVpc.asset).not.toBe(outside.asset);
    expect(carries(inVpc.code)).toEqual({ pg: true, mongodb: true, secrets: true, docdb: true });
    expect(carries(outside.code)).toEqual({ pg: false, mongodb: false, secrets: false, docdb: false });
    // The CA bundle its DocumentDB check names, at the same path as in the project.
    expect(readFileSync(join(inVpc.asset, 'test/fixtures/docdb-ca.pem'), 'utf8')).toBe(readFileSync('test/fixtures/docdb-ca.pem', 'utf8'));
    expect(existsSync(join(outside.asset, 'test/fixtures/docdb-ca.pem'))).toBe(false);
  });

  it("ships run-checks' checks beside its code, each bucket's in a file of its own, so its cold start does not grow with them", () => {
    const runChecks = fn(vpc, 'RunChecks');
    expect(runChecks.code).not.toContain('https://edge.example.net/health');
    const buckets = readdirSync(join(runChecks.asset, 'buckets'));
    expect(buckets).toEqual([expect.stringMatching(/^b-[0-9a-f]{16}\.json$/)]);
    expect(JSON.parse(readFileSync(join(runChecks.asset, 'buckets', buckets[0]!), 'utf8'))).toEqual([expect.objectContaining({ id: 'edge-health' })]);
    expect(JSON.parse(readFileSync(join(runChecks.asset, 'checks', 'all.json'), 'utf8'))).toHaveLength(4);
    // The VPC function's buckets are its own checks'.
    const inVpc = readdirSync(join(fn(vpc, 'RunChecksVpc').asset, 'buckets'));
    expect(inVpc).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(fn(vpc, 'RunChecksVpc').asset, 'buckets', inVpc[0]!), 'utf8')).map((c: { id: string }) => c.id)).toEqual([
      'orders-db-connections',
      'catalog-docdb-replication',
      'catalog-docdb-status',
    ]);
  });

  it('ships the checks beside the code of notify and incidents, which read the ones an event names, and no check in the others', () => {
    for (const name of ['NotifierFunction', 'Incidents']) {
      const { asset, code } = fn(vpc, name);
      expect(code).not.toContain('https://edge.example.net/health');
      const packs = readdirSync(join(asset, 'catalog')).filter((f) => f.startsWith('pack-'));
      const checks = packs.flatMap((f) =>
        (JSON.parse(readFileSync(join(asset, 'catalog', f), 'utf8')) as { checks: { id: string }[] }).checks.map((c) => c.id),
      );
      expect(checks.sort()).toEqual(['catalog-docdb-replication', 'catalog-docdb-status', 'edge-health', 'orders-db-connections']);
    }
    // No runbook here names a check: on-alarm and remediate hold none, only how many there are.
    for (const name of ['AlarmsOnAlarm', 'AlarmsRemediate']) {
      expect(fn(vpc, name).code).not.toContain('https://edge.example.net/health');
      expect(fn(vpc, name).code).toContain('"whole":{"count":4,');
    }
  });

  it('gives each of two Vigil stacks in one app its own config', () => {
    const names = ['staging-api-5xx', 'prod-api-5xx'];
    expect(fn(staging, 'AlarmsOnAlarm').asset).not.toBe(fn(prod, 'AlarmsOnAlarm').asset);
    expect(carries(fn(staging, 'AlarmsOnAlarm').code, names)).toMatchObject({ 'staging-api-5xx': true, 'prod-api-5xx': false });
    expect(carries(fn(prod, 'AlarmsOnAlarm').code, names)).toMatchObject({ 'staging-api-5xx': false, 'prod-api-5xx': true });
  });
});
