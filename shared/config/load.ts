import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as z from '../zod.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { formatPath } from './path.js';
import { closest, keysAt, unknownKey } from './suggest.js';
import { configSchema, type VigilConfig, type VigilConfigInput } from './schema.js';
import { knownSecrets } from '../secrets/mask.js';
import { configSecrets } from './secrets.js';

/** Types a config for the editor; validation happens when it is loaded. */
export function defineConfig(config: VigilConfigInput): VigilConfigInput {
  return config;
}

/** Validates a config object; throws a ConfigError listing every problem with its path. */
export function parseConfig(raw: unknown, source = 'vigil.config.ts'): VigilConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) {
    knownSecrets.add(...configSecrets(result.data as VigilConfig));
    return result.data as VigilConfig;
  }
  throw new ConfigError(
    source,
    result.error.issues.map((issue) => describeIssue(issue, raw)),
  );
}

/** Imports a vigil.config.ts (or .js) and validates its default export. */
export async function loadConfigFile(path: string): Promise<VigilConfig> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new ConfigError(path, [{ path: '', message: 'file not found; create it with defineConfig() (see README, "A first config")' }]);
  }
  let mod: { default?: unknown };
  try {
    // tsx's own import, scoped to this file: a config in a team's repository, with no package.json
    // saying "module" above it, loads as CommonJS there instead of failing as a cycle in Node's loader.
    const { tsImport } = await import('tsx/esm/api');
    mod = unwrapCommonJs((await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown });
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `cannot be loaded: ${(err as Error).message.split('\n')[0]}` }]);
  }
  if (mod.default === undefined) {
    throw new ConfigError(path, [{ path: '', message: 'has no default export; end it with `export default defineConfig({ ... })`' }]);
  }
  return parseConfig(mod.default, path);
}

/** Loaded as CommonJS, the file's `export default` sits one level down, beside `__esModule`. */
function unwrapCommonJs(mod: { default?: unknown }): { default?: unknown } {
  const inner = mod.default as { default?: unknown; __esModule?: boolean } | undefined;
  const wrapped = inner && typeof inner === 'object' && 'default' in inner && Object.keys(inner).every((k) => k === 'default' || k === '__esModule');
  return wrapped ? { default: inner.default } : mod;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem {
  let message = issue.message;
  const options = (issue as { options?: unknown }).options;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && Array.isArray(options)) {
    // Only the kind itself is echoed: the rest of the check may hold a secret.
    const kind = valueAtPath(raw, issue.path);
    const given = kind === undefined ? 'no kind' : `unknown kind ${JSON.stringify(kind)}`;
    const meant = typeof kind === 'string' ? closest(kind, options as string[]) : undefined;
    message = `${given}${meant ? `; did you mean "${meant}"?` : ''}; expected one of: ${options.join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys') {
    // Only the keys are echoed, never their values.
    const known = keysAt(configSchema as never, issue.path, raw) ?? [];
    message = issue.keys.map((key) => unknownKey(key, known)).join('; ');
  }
  return { path: formatPath(issue.path), message: message + checkName(issue.path, raw) };
}

function valueAtPath(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), value);
}

/** Names the check a problem belongs to, so `checks[7]` is easy to find in a long file. */
function checkName(path: readonly PropertyKey[], raw: unknown): string {
  if (path[0] !== 'checks' || typeof path[1] !== 'number' || path[2] === 'id') return '';
  const id = valueAtPath(raw, ['checks', path[1], 'id']);
  return typeof id === 'string' ? ` (check "${id}")` : '';
}
