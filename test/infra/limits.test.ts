import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Vigil, VigilStack } from '../../infra/vigil-stack.js';
import { problems } from '../../infra/limits.js';
import { parseConfig } from '../../shared/config/load.js';
import type { VigilConfig } from '../../shared/config/schema.js';

// What AWS documents as a limit of what the stack creates is checked at synth by Vigil, with the limit,
// the count and the fix: never left to CDK's warning or to CloudFormation's refusal at deploy.

const noBundling = { context: { 'aws:cdk:bundling-stacks': [] } };
const synth = (config: VigilConfig, env = 'test') => Template.fromStack(new VigilStack(new App(noBundling), 'Test', { config, environmentName: env }));
const tcp = (i: number, extra: object = {}) => ({ id: `c-${i}`, kind: 'tcp' as const, target: `c-${i}.internal:5432`, ...extra });

describe('CloudFormation: 500 resources per stack', () => {
  it('passes a template at exactly 500 resources and refuses one past it, counting what takes them', () => {
    const template = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`R${i}`, { Type: i < 450 ? 'AWS::SecretsManager::Secret' : 'AWS::Lambda::Function' }]));
    expect(problems(template(500), 100_000)).toEqual([]);
    expect(problems(template(501), 100_000)).toEqual([
      'the stack holds 501 resources; CloudFormation allows 500 in one stack. 450 of them are heartbeat secrets: fewer alarms or heartbeat checks here, or split the config across two Vigil stacks (docs/deploy.md: more than one stack)',
    ]);
  });

  it('refuses a stack of 600 heartbeat checks at synth, each with its secret', () => {
    const heartbeats = Array.from({ length: 600 }, (_, i) => ({ id: `hb-${i}`, kind: 'heartbeat' as const, periodMinutes: 1440 }));
    expect(() => synth(parseConfig({ checks: heartbeats }))).toThrow(/resources; CloudFormation allows 500 in one stack\..* 600 of them are heartbeat secrets/);
  });

  it('counts the alarms and heartbeat secrets a config adds', () => {
    const alarms = Array.from({ length: 300 }, (_, i) => ({ id: `a-${i}`, metric: { namespace: 'App', name: `m${i}` }, threshold: 1 }));
    const heartbeats = Array.from({ length: 300 }, (_, i) => ({ id: `hb-${i}`, kind: 'heartbeat' as const, periodMinutes: 1440 }));
    const checks = [...Array.from({ length: 391 }, (_, i) => tcp(i)), ...heartbeats];
    expect(() => synth(parseConfig({ checks, alarms }))).toThrow(
      /resources; CloudFormation allows 500 in one stack\..*\d+ of them are alarms.*300 of them are heartbeat secrets/s,
    );
  });
});

describe('CloudFormation: a template of at most 1,000,000 bytes', () => {
  // Composite alarms carry rules of up to 10,240 characters: a few dozen fill a megabyte long before 500 resources.
  const rule = (n: number) => Array.from({ length: n }, () => 'ALARM(base)').join(' OR ');
  const config = (composites: number) =>
    parseConfig({
      checks: [tcp(0)],
      alarms: [
        { id: 'base', metric: { namespace: 'App', name: 'm' }, threshold: 1 },
        ...Array.from({ length: composites }, (_, i) => ({ id: `wide-${i}`, composite: rule(600) })),
      ],
    });

  it('deploys a template just under the limit, and refuses one over it, with its size and the fix', () => {
    const under = synth(config(45));
    expect(Buffer.byteLength(JSON.stringify(under.toJSON(), undefined, 1))).toBeGreaterThan(700_000);
    expect(Buffer.byteLength(JSON.stringify(under.toJSON(), undefined, 1))).toBeLessThan(1_000_000);
    expect(() => synth(config(80))).toThrow(/the template is [\d,]+ bytes; CloudFormation takes at most 1,000,000.*split/);
  });
});

describe('Lambda: an event filter pattern of at most 4,096 characters', () => {
  it("keeps on-alarm's stream filter the same size however many checks start runbooks", () => {
    const one = synth(
      parseConfig({
        checks: [{ id: 'api-0', kind: 'http', target: 'https://api-0.example.com/health' }],
        remediations: [{ id: 'r', kind: 'ecs-restart', target: 'prod/api' }],
        runbooks: [{ id: 'down', match: { checks: { kinds: ['http'] } }, steps: [{ act: 'r' }] }],
      }),
    );
    const checks = Array.from({ length: 1000 }, (_, i) => ({
      id: `api-health-of-a-long-named-service-${i}`,
      kind: 'http' as const,
      target: `https://api-${i}.example.com/health`,
      group: `g-${i % 20}`,
    }));
    const many = synth(
      parseConfig({
        checks,
        remediations: [{ id: 'r', kind: 'ecs-restart', target: 'prod/api' }],
        runbooks: [{ id: 'down', match: { checks: { kinds: ['http'] } }, steps: [{ act: 'r' }] }],
      }),
    );
    const pattern = (t: Template) =>
      Object.values(t.findResources('AWS::Lambda::EventSourceMapping')).filter((m) => JSON.stringify(m.Properties.FunctionName).includes('OnAlarm'))[0]!
        .Properties.FilterCriteria.Filters[0].Pattern as string;
    expect(pattern(many).length).toBeLessThanOrEqual(4096);
    expect(pattern(many)).toBe(pattern(one));
  });
});

describe('names AWS needs unique', () => {
  const alarmsConfig = parseConfig({
    checks: [tcp(0)],
    remediations: [{ id: 'r', kind: 'ecs-restart', target: 'prod/api' }],
    alarms: [
      { id: 'orders-5xx', metric: { namespace: 'App', name: '5xx' }, threshold: 1 },
      { id: 'kept', name: 'team-kept-name', metric: { namespace: 'App', name: 'x' }, threshold: 1 },
    ],
    runbooks: [{ id: 'rb', match: { alarms: ['orders-5xx'] }, steps: [{ act: 'r' }] }],
  });
  const configAlarmNames = (t: Template) =>
    Object.values(t.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties.AlarmName as string)
      .filter((n) => n.endsWith('orders-5xx') || n === 'team-kept-name')
      .sort();
  const rulePattern = (t: Template) => Object.values(t.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern.detail.alarmName);

  it('names config alarms per environment (the name field stays for a team that wants its own), and each Vigil answers only its own', () => {
    const staging = synth(alarmsConfig, 'staging');
    const prod = synth(alarmsConfig, 'prod');
    expect(configAlarmNames(staging)).toEqual(['team-kept-name', 'vigil-staging-orders-5xx']);
    expect(configAlarmNames(prod)).toEqual(['team-kept-name', 'vigil-prod-orders-5xx']);
    expect(rulePattern(prod)).toEqual([['vigil-prod-orders-5xx']]);
  });

  it('keeps two Vigils in one stack apart: their alarms, and the alarms each answers; a name both give is refused', () => {
    const both = (config: VigilConfig) => {
      const stack = new Stack(new App(noBundling), 'Platform');
      for (const env of ['blue', 'green']) new Vigil(stack, `Vigil-${env}`, { config, environmentName: env });
      return Template.fromStack(stack);
    };
    const t = both({ ...alarmsConfig, alarms: alarmsConfig.alarms.filter((a) => !a.name) });
    const names = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName as string);
    expect(names.filter((n) => n.endsWith('orders-5xx')).sort()).toEqual(['vigil-blue-orders-5xx', 'vigil-green-orders-5xx']);
    expect(rulePattern(t).sort()).toEqual([['vigil-blue-orders-5xx'], ['vigil-green-orders-5xx']]);
    expect(() => both(alarmsConfig)).toThrow(/two alarms in this stack are named "team-kept-name"/);
  });

  it('refuses a name two alarms would share, as AWS would, naming both', () => {
    const clash = () =>
      parseConfig({
        checks: [tcp(0)],
        alarms: [
          { id: 'a', name: 'dup', metric: { namespace: 'App', name: 'x' }, threshold: 1 },
          { id: 'b', name: 'dup', metric: { namespace: 'App', name: 'y' }, threshold: 1 },
        ],
      });
    expect(() => synth(clash())).toThrow(/alarms\[1\]\.name: duplicate alarm name "dup" \(also alarms\[0\]\)/);
  });

  it('refuses an environment name that would make a function name longer than Lambda allows', () => {
    expect(() => synth(parseConfig({ checks: [tcp(0)] }), 'a'.repeat(50))).toThrow(
      /environmentName "a+": use at most 48 lowercase letters, digits and dashes; it names the functions .*Lambda holds to 64 characters/,
    );
  });

  it('gives each expression a schedule of its own, named within 64 characters however long the expression', () => {
    const checks = ['cron(0/15 8-18 ? * MON,TUE,WED,THU,FRI *)', 'cron(0/15 8-18 ? * MON,TUE,WED,THU,FRI,SAT *)'].map((schedule, i) => tcp(i, { schedule }));
    const t = synth(parseConfig({ checks }));
    const names = Object.values(t.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties.Name as string);
    expect(new Set(names).size).toBe(2);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(64);
  });
});

describe('egress the checks need', () => {
  const network = { vpcId: 'vpc-0abc', subnets: [{ id: 'subnet-0a', availabilityZone: 'eu-west-1a' }] };
  const egress = (t: Template) =>
    (Object.values(t.findResources('AWS::EC2::SecurityGroup'))[0]!.Properties.SecurityGroupEgress as { IpProtocol: string; FromPort: number; CidrIp: string }[])
      .map((e) => `${e.IpProtocol} ${e.FromPort} ${e.CidrIp}`)
      .sort();

  it("lets a VPC dns check's own server be asked, over UDP and TCP", () => {
    const t = synth(parseConfig({ network, checks: [{ id: 'internal-dns', kind: 'dns', target: 'orders.internal', server: '10.0.0.2', network: 'vpc' }] }));
    expect(egress(t)).toEqual(expect.arrayContaining(['udp 53 10.0.0.2/32', 'tcp 53 10.0.0.2/32']));
  });

  it("lets a runbook step run its check from the VPC-placed on-alarm function, on that check's port", () => {
    const t = synth(
      parseConfig({
        network,
        checks: [
          { id: 'billing-db', kind: 'pg', target: 'db.internal:5432/billing', password: { env: 'PW' }, network: 'vpc' },
          { id: 'partner-api', kind: 'tcp', target: 'partner.example.com:8443' },
        ],
        remediations: [{ id: 'kill-idle', kind: 'pg-terminate-idle', target: 'db.internal:5432/billing', password: { env: 'PW' } }],
        runbooks: [{ id: 'rb', match: { checks: { ids: ['billing-db'] } }, steps: [{ diagnose: ['partner-api'] }, { act: 'kill-idle' }] }],
      }),
    );
    expect(egress(t)).toEqual(expect.arrayContaining(['tcp 8443 0.0.0.0/0']));
  });
});
