import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundle, ROOT, type Driver } from '../infra/bundle.js';
import { parseConfig } from '../shared/config/load.js';
import rawConfig from '../vigil.config.js';
import { kb, median, pass, round } from './stats.js';

// The config every function is built with: the project's own, as `cdk deploy` would ship it.
const config = parseConfig(rawConfig);

const OUT = join(ROOT, 'bench', '.out');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ENV = { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', REMEDIATE_FUNCTION: 'bench', TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench', ESCALATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:bench-escalations' };

/** Median import time of a module in a fresh Node process, over RUNS processes. */
function loadMs(file: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--no-warnings', join(ROOT, 'bench', 'load-time.mjs'), file], { encoding: 'utf8', env: ENV });
    times.push(JSON.parse(out).ms);
  }
  return median(times);
}

/** The same code unbundled, as a zip of node_modules would deploy it: Vigil's code in one file, every package loaded from node_modules. */
async function unbundled(name: string): Promise<string> {
  const outfile = join(OUT, 'unbundled', name, 'index.mjs');
  await build({ entryPoints: [join(ROOT, 'functions', name, 'index.ts')], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node22', logLevel: 'error' });
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

export async function coldStart(): Promise<{ rows: Row[]; emptyMs: number; markdown: string }> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const empty = join(OUT, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({});\n');
  const emptyMs = loadMs(empty);
  const plan: [string, Driver[]][] = [['run-checks', []], ['run-checks', ['pg']], ['run-checks', ['mongodb']], ['notify', []], ['on-alarm', []], ['remediate', []], ['incidents', []]];
  const rows: Row[] = [];
  for (const [fn, drivers] of plan) {
    const dir = join(OUT, `${fn}${drivers.length ? `-${drivers.join('-')}` : ''}`);
    const built = await bundle({ name: fn, outdir: dir, drivers, config });
    rows.push({ fn, drivers, entry: built.entryBytes, total: built.totalBytes, loadMs: loadMs(built.outfile) - emptyMs, unbundledMs: loadMs(await unbundled(fn)) - emptyMs });
  }
  const lines = rows.map((r) => {
    const budget = r.drivers.includes('mongodb') ? 1200 * 1024 : 600 * 1024;
    return `| ${r.fn}${r.drivers.length ? ` with ${r.drivers.join(', ')}` : ''} | ${kb(r.entry)} | ${kb(r.total)} | ${kb(budget)}: ${pass(r.total <= budget)} | ${round(r.loadMs)} ms | ${round(r.unbundledMs)} ms | ${round(r.loadMs / r.unbundledMs, 2)} | ${pass(r.loadMs < 80 && r.loadMs <= r.unbundledMs / 2)} |`;
  });
  const markdown = [
    `Empty handler baseline: ${round(emptyMs, 2)} ms to import (median of ${RUNS} fresh processes). Load times below are medians over ${RUNS} fresh processes, minus that baseline. "Entry" is what a cold start loads before the first event; "total" adds the chunks loaded on first use (SDK clients, drivers). Unbundled: Vigil's code in one file, every package loaded from node_modules.`,
    '',
    '| function | entry | total | size target | load (over empty) | unbundled | ratio | load target (< 80 ms, ≤ ½ unbundled) |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...lines,
  ].join('\n');
  return { rows, emptyMs, markdown };
}
