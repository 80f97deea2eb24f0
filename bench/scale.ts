// Cold starts and the synth as the config grows: 100, 10,000 and 100,000 checks.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { catalogFiles } from '../infra/check-catalog.js';
import type { VigilConfig } from '../shared/config/schema.js';
import { bundle, ROOT } from '../infra/bundle.js';
import { checksBuiltIn, needsOf, runbookNeeds, type Needs } from '../infra/needs.js';
import { parseConfig } from '../shared/config/load.js';
import rawConfig from '../vigil.config.js';
import { loadMs } from './cold-start.js';
import { generatedChecks } from './generated.js';
import { child, kb, pass, round } from './stats.js';

const SIZES = [100, 10_000, 100_000];
const FUNCTIONS = ['run-checks', 'on-alarm', 'remediate', 'notify', 'incidents'];
/** Checks a message is about: one alone, and one of a family (generated.ts). */
const LOOKUPS = [
  { id: 'svc-0-health', what: 'a check alone' },
  { id: 'svc-1-health', what: 'a check of a family' },
];
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 7);
/** CloudFormation's limits, as infra/limits.ts holds them. */
const LIMITS = { resources: 500, templateBytes: 1_000_000 };

interface Synth {
  checks: number;
  synthMs: number;
  resources: number;
  schedules: number;
  templateBytes: number;
  peakRssMb: number;
}

export async function atScale(log: (s: string) => void): Promise<string> {
  const sample = parseConfig(rawConfig);
  const builds: { n: number; fn: string; entry: number; outfile: string }[] = [];
  const lookups: { n: number; id: string; outfile: string }[] = [];
  for (const n of SIZES) {
    log(`  bundling for ${n.toLocaleString('en')} checks…`);
    // The sample's own checks, remediations and runbooks, and generated HTTP checks up to n.
    const config = parseConfig({ ...rawConfig, checks: [...rawConfig.checks, ...generatedChecks(n - sample.checks.length)] });
    const none: Needs = { drivers: [], aws: [], files: [], kinds: [] };
    const functions: [string, Needs][] = [
      ['run-checks', needsOf(config.checks.filter((c) => c.network === 'public'))],
      ['on-alarm', runbookNeeds(config)],
      ['remediate', runbookNeeds(config)],
      ['notify', none],
      ['incidents', { ...none, kinds: [...new Set(config.remediations.map((r) => r.kind))] }],
    ];
    for (const [fn, { drivers, aws, kinds }] of functions) {
      // As the stack builds them: each holds only the checks it reads, the rest ship beside the code.
      const outdir = join(ROOT, 'bench', '.out', 'scale', `${fn}-${n}`);
      const checks = checksBuiltIn(fn, config);
      const built = await bundle({ name: fn, outdir, drivers, aws, kinds, config, ...(checks ? { checks } : {}) });
      builds.push({ n, fn, entry: built.entryBytes, outfile: built.outfile });
    }
    lookups.push(...(await lookupBuilds(config, n)));
  }
  log(`  loading each ${RUNS} times…`);
  const ms = loadMs(
    [...builds, ...lookups].map((b) => b.outfile),
    RUNS,
  );
  const rows = FUNCTIONS.map((fn) => {
    const of = SIZES.map((n) => builds.find((b) => b.fn === fn && b.n === n)!);
    const load = of.map((b) => ms.get(b.outfile)!);
    const ratio = load.at(-1)! / load[0]!;
    return `| ${fn} | ${of.map((b) => kb(b.entry)).join(' | ')} | ${load.map((l) => `${round(l)} ms`).join(' | ')} | ${round(ratio, 2)}: ${pass(ratio <= 1.1)} |`;
  });
  const lookupRows = LOOKUPS.map(({ id, what }) => {
    const load = SIZES.map((n) => ms.get(lookups.find((l) => l.n === n && l.id === id)!.outfile)!);
    return `| ${what} | ${load.map((l) => `${round(l, 1)} ms`).join(' | ')} | ${round(load.at(-1)! / load[0]!, 2)} |`;
  });

  log('  synthesizing 100,000 checks, every function bundled…');
  const synth = child<Synth>('./synth-run.ts', ['100000']);
  return [
    `Each function built as the stack builds it for the sample config with generated HTTP checks added up to 100, 10,000 and 100,000 (half in families, four fifths every minute), then loaded in ${RUNS} fresh processes each, taking turns; load times are medians, not net of an empty module (the cold-start table above is). The target is the issue's: at 100,000 checks within 10% of the time at 100.`,
    '',
    `| function | entry at ${SIZES.map((n) => n.toLocaleString('en')).join(' | entry at ')} | load at ${SIZES.map((n) => n.toLocaleString('en')).join(' | load at ')} | 100,000 ÷ 100 (target ≤ 1.1) |`,
    `| --- | ${SIZES.map(() => '---:').join(' | ')} | ${SIZES.map(() => '---:').join(' | ')} | --- |`,
    ...rows,
    '',
    `What notify and incidents read for one event, from the files beside their code (shared/config/catalog.ts), in a fresh process: the index file that names the check's pack, its pack, and the packs of the checks that depend on it. A check in a family is read with its whole family: at 100,000 generated checks a family holds 250.`,
    '',
    `| first lookup of | at ${SIZES.map((n) => n.toLocaleString('en')).join(' | at ')} | 100,000 ÷ 100 |`,
    `| --- | ${SIZES.map(() => '---:').join(' | ')} | --- |`,
    ...lookupRows,
    '',
    `\`cdk synth\` of one stack for ${synth.checks.toLocaleString('en')} generated checks, every function bundled, in a fresh process: ${round(synth.synthMs / 1000, 0)} s (target < 180 s: ${pass(synth.synthMs < 180_000)}), peak RSS ${round(synth.peakRssMb, 0)} MB. The template holds ${synth.resources} resources, ${synth.schedules} of them schedules (CloudFormation allows ${LIMITS.resources}: ${round((100 * synth.resources) / LIMITS.resources, 0)}% used) in ${kb(synth.templateBytes)} (of ${kb(LIMITS.templateBytes)}: ${round((100 * synth.templateBytes) / LIMITS.templateBytes, 0)}% used).`,
  ].join('\n');
}

/** The catalog of `config` as infra writes it, and beside it a module whose import is one cold lookup of each LOOKUPS check. */
async function lookupBuilds(config: VigilConfig, n: number): Promise<{ n: number; id: string; outfile: string }[]> {
  const dir = join(ROOT, 'bench', '.out', 'scale', `catalog-${n}`);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(catalogFiles(config))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return Promise.all(
    LOOKUPS.map(async ({ id }) => {
      const outfile = join(dir, `lookup-${id}.mjs`);
      await build({
        stdin: {
          contents: `import { catalogIn } from './shared/config/catalog.ts'; catalogIn(new URL('./', import.meta.url)).around([${JSON.stringify(id)}]);`,
          resolveDir: ROOT,
          loader: 'ts',
        },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        logLevel: 'error',
      });
      return { n, id, outfile };
    }),
  );
}
