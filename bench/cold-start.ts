import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundle, NODE_OPTIONS, ROOT, withConfig, type Driver } from '../infra/bundle.js';
import { checksBuiltIn, driverOf, needsOf, runbookNeeds, type Needs } from '../infra/needs.js';
import { parseConfig } from '../shared/config/load.js';
import rawConfig from '../vigil.config.js';
import { kb, median, pass, round } from './stats.js';

// The config every function is built with: the project's own, as `cdk deploy` would ship it.
const config = parseConfig(rawConfig);

const OUT = join(ROOT, 'bench', '.out');
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const ENV = {
  ...process.env,
  TABLE_NAME: 'bench',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  REMEDIATE_FUNCTION: 'bench',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench',
  ESCALATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench-escalations',
};

/** Import time of a module in a fresh Node process, run with the options a deployed function has. */
function loadOnce(file: string): number {
  const out = execFileSync(process.execPath, [...NODE_OPTIONS.split(' '), '--no-warnings', join(ROOT, 'bench', 'load-time.mjs'), file], {
    encoding: 'utf8',
    env: ENV,
  });
  return (JSON.parse(out) as { ms: number }).ms;
}

/**
 * Median import time of each module over RUNS fresh processes. The modules take turns, round after
 * round, so a burst of background load on a shared machine lands on all of them alike.
 */
export function loadMs(files: string[], runs = RUNS): Map<string, number> {
  const times = new Map(files.map((f) => [f, [] as number[]]));
  for (let i = 0; i < runs; i++) for (const file of files) times.get(file)!.push(loadOnce(file));
  return new Map([...times].map(([file, t]) => [file, median(t)]));
}

/** The same code unbundled, as a zip of node_modules would deploy it: Vigil's code in one file, every package loaded from node_modules. */
async function unbundled(name: string): Promise<string> {
  const outfile = join(OUT, 'unbundled', name, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, 'functions', name, 'index.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    plugins: [withConfig(config)],
    logLevel: 'error',
  });
  return outfile;
}

interface Row {
  fn: string;
  drivers: Driver[];
  entry: number;
  total: number;
  loadMs: number;
  unbundledMs: number;
}

export async function coldStart(): Promise<{ rows: Row[]; emptyMs: number; stackMs: number; markdown: string }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const empty = join(OUT, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({});\n');

  // Each function as the stack builds it for this config; the driver variants as for a database check whose password is a secret.
  // The public run-checks function of the sample, SDK clients only; the pg and mongodb rows add a driver.
  const checks = needsOf(config.checks.filter((c) => !driverOf(c.kind)));
  const withDriver = (driver: Driver, kind: string): Needs => ({
    ...checks,
    drivers: [driver],
    aws: [...new Set([...checks.aws, 'secrets' as const])],
    kinds: [...checks.kinds, kind],
  });
  const none: Needs = { drivers: [], aws: [], files: [], kinds: [] };
  const plan: [string, Needs][] = [
    ['run-checks', checks],
    ['run-checks', withDriver('pg', 'pg')],
    ['run-checks', withDriver('mongodb', 'mongo')],
    ['notify', none],
    ['on-alarm', runbookNeeds(config)],
    ['remediate', runbookNeeds(config)],
    ['incidents', { ...none, kinds: [...new Set(config.remediations.map((r) => r.kind))] }],
  ];
  const builds = [];
  for (const [fn, { drivers, aws, kinds }] of plan) {
    const dir = join(OUT, `${fn}${drivers.length ? `-${drivers.join('-')}` : ''}`);
    const checks = checksBuiltIn(fn, config);
    builds.push({
      fn,
      drivers,
      built: await bundle({ name: fn, outdir: dir, drivers, aws, kinds, config, ...(checks ? { checks } : {}) }),
      plain: await unbundled(fn),
    });
  }
  // What the chosen dependencies cost before any of Vigil's code, built the same way (bench/floor/).
  const floors = [];
  for (const name of ['dynamodb', 'stack']) {
    floors.push(
      await bundle({
        name: `floor-${name}`,
        entry: join(ROOT, 'bench', 'floor', `${name}.ts`),
        outdir: join(OUT, `floor-${name}`),
        drivers: [],
        aws: [],
        config,
      }),
    );
  }
  const ms = loadMs([...new Set([empty, ...floors.map((f) => f.outfile), ...builds.flatMap((b) => [b.built.outfile, b.plain])])]);
  const emptyMs = ms.get(empty)!;
  const [dynamodbMs, stackMs] = floors.map((f) => ms.get(f.outfile)! - emptyMs) as [number, number];
  const rows: Row[] = builds.map(({ fn, drivers, built, plain }) => ({
    fn,
    drivers,
    entry: built.entryBytes,
    total: built.totalBytes,
    loadMs: ms.get(built.outfile)! - emptyMs,
    unbundledMs: ms.get(plain)! - emptyMs,
  }));
  const lines = rows.map((r) => {
    // 600 KB for SDK-only functions and 1.2 MB for a driver's, held to what a cold start loads (the entry); the total is shown beside it.
    const budget = r.drivers.length ? 1200 * 1024 : 600 * 1024;
    return `| ${r.fn}${r.drivers.length ? ` with ${r.drivers.join(', ')}` : ''} | ${kb(r.entry)}: ${pass(r.entry <= budget)} | ${kb(r.total)}${r.total > budget ? ' (over)' : ''} | ${kb(budget)} | ${round(r.loadMs)} ms | ${round(r.loadMs - stackMs)} ms: ${pass(r.loadMs - stackMs <= 15)} | ${round(r.unbundledMs)} ms | ${round(r.loadMs / r.unbundledMs, 2)} | ${pass(r.loadMs < 80 && r.loadMs <= r.unbundledMs / 2)} |`;
  });
  const markdown = [
    `Empty handler baseline: ${round(emptyMs, 2)} ms to import (median of ${RUNS} fresh processes). Load times below are medians over ${RUNS} fresh processes, run with the NODE_OPTIONS a deployed function has (\`${NODE_OPTIONS}\`), minus that baseline; every module (the baseline too) takes one turn per round, so background load on the machine falls on all alike. "Entry" is what a cold start loads before the first event: the entry file and the chunks it imports statically. "Total" adds the chunks loaded on first use (SDK clients, drivers, each kind of check and remediation). The size targets (600 KB, 1.2 MB with a database driver) hold what a cold start loads, the entry; a total over its target is marked "(over)": it counts every SDK client and driver the config calls and every kind's code, each a chunk loaded only when first used. Each function is built as the stack builds it for vigil.config.ts: only the drivers and SDK clients its checks and remediations use (the pg and mongodb rows add a database check with a Secrets Manager password). Unbundled: the same code in one file, every package loaded from node_modules.`,
    '',
    "| function | entry (target: the size target) | total | size target | load (over empty) | Vigil's part (over the stack floor; target ≤ 15 ms) | unbundled | ratio | load target (< 80 ms, ≤ ½ unbundled) |",
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
    ...lines,
    '',
    `Floors, built and loaded the same way in the same rounds (bench/floor/): the DynamoDB client alone loads in ${round(dynamodbMs)} ms; the chosen stack with none of Vigil's logic (the DynamoDB client, the Powertools logger and metrics, zod validating an event) in ${round(stackMs)} ms. Every function keeps state, so none can load faster than that floor on this machine. "Vigil's part" is what a function adds to it: its own code.`,
  ].join('\n');
  return { rows, emptyMs, stackMs, markdown };
}
