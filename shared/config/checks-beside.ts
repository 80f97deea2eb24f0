import { readFileSync } from 'node:fs';
import type { CheckConfig, VigilConfig } from './schema.js';

/** Buckets kept read in a warm function: dispatch sends any of a tick's to any instance. */
const KEPT = 64;
const ALL = 'checks/all.json';

/**
 * The config with the checks read from files beside a deployed function's code (infra/vigil.ts writes
 * them): a bucket's own (`buckets/<id>.json`, what its rounds read), or every check (`checks/all.json`,
 * for a run by hand, or a bucket this deploy does not have). A file is read when first asked for.
 */
export function checksBeside(base: VigilConfig, folder: URL): (bucket: string | undefined) => VigilConfig {
  const read = new Map<string, VigilConfig>();
  const load = (file: string): VigilConfig | undefined => {
    try {
      return { ...base, checks: JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as CheckConfig[] };
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT' && file !== ALL) return undefined;
      throw err;
    }
  };
  return (bucket) => {
    // A bucket id is `b-` and hex (the event's schema holds it to that): never a path.
    const file = bucket && /^b-[0-9a-f]{16}$/.test(bucket) ? `buckets/${bucket}.json` : ALL;
    const config = read.get(file) ?? load(file) ?? read.get(ALL) ?? load(ALL)!;
    read.delete(file);
    read.set(file, config);
    if (read.size > KEPT) read.delete(read.keys().next().value!);
    return config;
  };
}
