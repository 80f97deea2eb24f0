import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { VigilConfig } from '../shared/config/schema.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Database drivers that only some functions need; the others leave them out of their bundle. */
export const DRIVERS = ['pg', 'mongodb'] as const;
export type Driver = (typeof DRIVERS)[number];

export interface BundleRequest {
  /** The function's folder under functions/, e.g. `run-checks`. */
  name: string;
  outdir: string;
  /** The drivers this function may load. */
  drivers: readonly Driver[];
  /** Files (relative to the project) shipped beside the code at the same relative path, e.g. a CA bundle. */
  files?: readonly string[];
  /** The validated config the function runs: the one the stack was synthesized from. */
  config: VigilConfig;
}

export interface Bundled {
  outfile: string;
  /** The entry file: what a cold start loads before the first event. */
  entryBytes: number;
  /** Every file of code, chunks included. */
  totalBytes: number;
}

/**
 * The one way a function is built, for `cdk deploy` and for the benchmarks alike: ESM, minified, split
 * so that lazily imported code loads on first use, unused drivers left out, zod without its 40 locales.
 * The AWS SDK is bundled: the versions the tests ran, and a faster cold start than the runtime's copy (bench/results.md).
 */
export async function bundle(request: BundleRequest): Promise<Bundled> {
  const outfile = join(request.outdir, 'index.mjs');
  await build({
    entryPoints: { index: join(ROOT, 'functions', request.name, 'index.ts') },
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
    sourcemap: true,
    mainFields: ['module', 'main'],
    // Some dependencies still call require(); give the ESM bundle one.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: [...DRIVERS.filter((d) => !request.drivers.includes(d))],
    plugins: [zodEnglishOnly, withConfig(request.config)],
    logLevel: 'error',
  });
  for (const file of request.files ?? []) {
    const target = join(request.outdir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(resolve(ROOT, file), target);
  }
  const code = readdirSync(request.outdir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
  return { outfile, entryBytes: statSync(outfile).size, totalBytes: code.reduce((sum, f) => sum + statSync(join(request.outdir, f)).size, 0) };
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
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, resolveDir: ROOT }));
  },
};

/** shared/config/deployed.ts becomes the config itself, already validated: a cold start parses JSON, nothing more. */
function withConfig(config: VigilConfig): Plugin {
  return {
    name: 'deployed-config',
    setup(b) {
      // JSON.parse of a string loads faster than the same object as a JavaScript literal.
      b.onLoad({ filter: /shared[\\/]config[\\/]deployed\.ts$/ }, () => ({ contents: `export const deployedConfig = JSON.parse(${JSON.stringify(JSON.stringify(config))});`, loader: 'js' }));
    },
  };
}

// `node --import tsx infra/bundle.ts '<request as JSON>'`, the config in a file (`configFile`): how the CDK
// app, which must stay synchronous, builds. A config of thousands of checks is too long for an argument.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { configFile, ...request } = JSON.parse(process.argv[2] ?? '{}') as Omit<BundleRequest, 'config'> & { configFile: string };
  await bundle({ ...request, config: JSON.parse(readFileSync(configFile, 'utf8')) as VigilConfig });
}
