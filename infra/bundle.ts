import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import type { VigilConfig } from '../shared/config/schema.js';
import { DRIVERS, type AwsClient, type Driver } from '../shared/uses.js';
import { configSecrets } from '../shared/config/secrets.js';
import { roundChecks } from '../shared/config/round-checks.js';
import { AWS_CLIENTS } from './aws-clients.js';
import { pluginFiles } from './plugin-files.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Drivers and SDK clients (shared/aws/<name>.ts) only some functions need; the others leave them out.
export { DRIVERS, type AwsClient, type Driver } from '../shared/uses.js';
export { AWS_CLIENTS } from './aws-clients.js';

/** How every function's Node runs (NODE_OPTIONS): stack traces name Vigil's files and lines, not the minified bundle's. */
export const NODE_OPTIONS = '--enable-source-maps';

export interface BundleRequest {
  /** The function's folder under functions/, e.g. `run-checks`. */
  name: string;
  /** Its entry file. Default: `functions/<name>/index.ts`. */
  entry?: string;
  outdir: string;
  /** The drivers this function may load. */
  drivers: readonly Driver[];
  /** The SDK clients it may load; the others are left out. Default: all. */
  aws?: readonly AwsClient[];
  /** Files (relative to the project) shipped beside the code at the same relative path, e.g. a CA bundle. */
  files?: readonly string[];
  /** The kinds of check and remediation it runs; each one's code is a chunk loaded on first use. Default: every kind. */
  kinds?: readonly string[];
  /** The validated config the function runs: the one the stack was synthesized from. */
  config: VigilConfig;
  /**
   * Which checks are built in. Default: all. `apart`: none, they ship as files beside the code (run-checks, notify,
   * incidents; infra/vigil.ts). `only`: the checks the function reads (on-alarm's runbooks', the heartbeats), with
   * what deciding about them reads. Either way the function knows how many checks there are.
   */
  checks?: ChecksBuiltIn;
}

export type ChecksBuiltIn = 'apart' | { only: readonly string[] };

export interface Bundled {
  outfile: string;
  /** What a cold start loads before the first event: the entry and the chunks it imports statically. */
  entryBytes: number;
  /** Every file of code, the chunks loaded on first use included. */
  totalBytes: number;
}

/**
 * The one way a function is built, for `cdk deploy` and for the benchmarks alike: ESM, minified, split
 * so that lazily imported code loads on first use; the validated config built in; the drivers and SDK
 * clients its config does not call left out; zod without its 40 other locales. The AWS SDK is bundled:
 * the versions the tests ran, and a faster cold start than the runtime's copy (bench/results.md).
 */
export async function bundle(request: BundleRequest): Promise<Bundled> {
  const outfile = join(request.outdir, 'index.mjs');
  const { metafile } = await build({
    entryPoints: { index: request.entry ?? join(ROOT, 'functions', request.name, 'index.ts') },
    outdir: request.outdir,
    outExtension: { '.js': '.mjs' },
    // What is imported lazily (an SDK client, a driver) goes into a chunk that loads only when first used.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    // Functions run with --enable-source-maps (NODE_OPTIONS), which reads the map at every cold start:
    // the mappings name file and line; the sources themselves would triple its size for nothing.
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // Some dependencies still call require(); give the ESM bundle one.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: [...DRIVERS.filter((d) => !request.drivers.includes(d))],
    plugins: [
      zodEnglishOnly,
      nativeUrl,
      notOnLambda,
      onlyClients(request.aws ?? AWS_CLIENTS),
      onlyKinds(request.kinds),
      withConfig(request.config, request.checks),
    ],
    metafile: true,
    logLevel: 'error',
  });
  for (const file of request.files ?? []) {
    const target = join(request.outdir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(resolve(ROOT, file), target);
  }
  const code = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const loadedAtStart = staticClosure(metafile.outputs, relative(process.cwd(), outfile));
  return {
    outfile,
    entryBytes: code.filter(([file]) => loadedAtStart.has(file)).reduce((sum, [, o]) => sum + o.bytes, 0),
    totalBytes: code.reduce((sum, [, o]) => sum + o.bytes, 0),
  };
}

/** The output files loading `entry` loads at once: it and what it imports statically, transitively. */
function staticClosure(outputs: Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return seen;
}

/**
 * zod re-exports all its locales as a namespace, which esbuild cannot shake (about 250 KB minified).
 * Vigil's messages are English, the locale zod installs by default: resolve the namespace to it alone.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!args.importer.includes('node_modules/zod/')) return undefined;
      return { path: resolve(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: ROOT,
    }));
  },
};

/**
 * The MongoDB driver parses connection strings with whatwg-url, a polyfill of the URL class Node has
 * built in, and 280 KB of it is tr46's Unicode table: give it Node's own URL instead.
 */
const nativeUrl: Plugin = {
  name: 'native-url',
  setup(b) {
    b.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'native-url' }));
    b.onLoad({ filter: /.*/, namespace: 'native-url' }, () => ({
      contents: 'module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };',
      loader: 'js',
    }));
  },
};

/**
 * Code the AWS SDK imports lazily and that never runs in a Lambda function: browser user-agent parsing
 * (bowser) and event-stream responses (no API Vigil calls has them). Each lazy import becomes a stub
 * that says so; a client that imports the module at its top (CloudWatch Logs does, for StartLiveTail)
 * gets the real one, or it could not load at all.
 */
const NOT_ON_LAMBDA = [/^bowser$/, /^@smithy\/core\/event-streams$/];
const notOnLambda: Plugin = {
  name: 'not-on-lambda',
  setup(b) {
    for (const filter of NOT_ON_LAMBDA)
      b.onResolve({ filter }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'not-on-lambda' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'not-on-lambda' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in Vigil's Lambda bundle: it only runs in browsers or for event-stream APIs`)});`,
      loader: 'js',
    }));
  },
};

/**
 * `export async function <name>(key)`: a switch that imports each case's file when its key is first asked
 * for (a chunk of its own, loaded on first use), and what it does for any key it does not hold.
 */
function lazySwitch(name: string, cases: { key: string; file: string; take: string }[], otherwise: string): string {
  return [
    `export async function ${name}(key) {`,
    '  switch (key) {',
    ...cases.map((c) => `    case ${JSON.stringify(c.key)}: { const module = await import(${JSON.stringify(c.file)}); return ${c.take}; }`),
    '  }',
    `  ${otherwise}`,
    '}',
  ].join('\n');
}

/**
 * shared/aws/load-adapter.ts becomes a switch over the adapters the function's checks and remediations
 * call; any other name is an error that says why, and its SDK client is not in the bundle.
 */
function onlyClients(wanted: readonly AwsClient[]): Plugin {
  return {
    name: 'only-clients',
    setup(b) {
      b.onLoad({ filter: /shared[\\/]aws[\\/]load-adapter\.ts$/ }, (args) => ({
        contents: lazySwitch(
          'loadAdapter',
          wanted.map((c) => ({ key: c, file: join(dirname(args.path), `${c}.ts`), take: 'module.sdkPort()' })),
          'throw new Error(`this function was built without the ${key} client: none of its checks or remediations calls it (infra/needs.ts)`);',
        ),
        loader: 'js',
      }));
    },
  };
}

/**
 * shared/probes/load.ts and shared/remediations/load.ts become a switch over the kinds the function runs,
 * so no cold start loads a probe or a remediation: the registries, which import them all, are left out.
 * Any other kind is not in the bundle.
 */
function onlyKinds(kinds: readonly string[] | undefined): Plugin {
  const loader = (folder: 'probes' | 'remediations', name: string) =>
    lazySwitch(
      name,
      [...pluginFiles(folder)]
        .filter(([kind]) => !kinds || kinds.includes(kind))
        .map(([kind, file]) => ({ key: kind, file, take: `Object.values(module).find((v) => v && v.kind === ${JSON.stringify(kind)})` })),
      'return undefined;',
    );
  return {
    name: 'only-kinds',
    setup(b) {
      b.onLoad({ filter: /shared[\\/]probes[\\/]load\.ts$/ }, () => ({ contents: loader('probes', 'loadProbe'), loader: 'js' }));
      b.onLoad({ filter: /shared[\\/]remediations[\\/]load\.ts$/ }, () => ({ contents: loader('remediations', 'loadRemediation'), loader: 'js' }));
    },
  };
}

/**
 * shared/config/deployed.ts becomes the config itself, already validated: a cold start parses JSON, nothing more.
 * The secrets written in it are listed at synth and made known to the function's sinks, as parseConfig does.
 * Built with only some checks (or none, `apart`), the entry does not grow with the config.
 */
export function withConfig(config: VigilConfig, checks?: ChecksBuiltIn): Plugin {
  const mask = fileURLToPath(new URL('../shared/secrets/mask.ts', import.meta.url));
  // Every check's secrets, whichever checks are built in: a function masks them all.
  const secrets = configSecrets(config);
  const first = config.checks[0]?.id;
  const whole = { count: config.checks.length, ...(first ? { first } : {}) };
  const built = checks === undefined ? config : { ...config, checks: checks === 'apart' ? [] : roundChecks(config.checks, checks.only), whole };
  return {
    name: 'deployed-config',
    setup(b) {
      // JSON.parse of a string loads faster than the same object as a JavaScript literal.
      b.onLoad({ filter: /shared[\\/]config[\\/]deployed\.ts$/ }, () => ({
        contents: [
          ...(secrets.length
            ? [`import { knownSecrets } from ${JSON.stringify(mask)};`, `knownSecrets.add(...JSON.parse(${JSON.stringify(JSON.stringify(secrets))}));`]
            : []),
          `export const deployedConfig = JSON.parse(${JSON.stringify(JSON.stringify(built))});`,
          `export const deployedChecksApart = ${checks === 'apart'};`,
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

// `node --import tsx infra/bundle.ts '<request as JSON>'`, the config in a file (`configFile`): how the CDK
// app, which must stay synchronous, builds. A config of thousands of checks is too long for an argument.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { configFile, ...request } = JSON.parse(process.argv[2] ?? '{}') as Omit<BundleRequest, 'config'> & { configFile: string };
  await bundle({ ...request, config: JSON.parse(readFileSync(configFile, 'utf8')) as VigilConfig });
}
