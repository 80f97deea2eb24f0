import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CheckConfig, VigilConfig } from './schema.js';
import { recentlyRead } from './recently-read.js';

/** Buckets kept read in a warm function: dispatch sends any of a tick's to any instance. */
const KEPT = 64;
const ALL = 'checks/all.json';

/** The file that lists a group's checks: named by a hash, as a group's name may hold any character. */
export const groupFile = (group: string): string => `groups/${createHash('sha256').update(group).digest('hex').slice(0, 16)}.json`;

/**
 * The config with the checks read from files beside a deployed function's code (infra/bucket-files.ts writes
 * them): a bucket's own (`buckets/<id>.json`: its checks and those they depend on, what its rounds read), with
 * the rest of their groups by id (`groups/…`, read when a check of the group opens); or every check
 * (`checks/all.json`, for a run by hand, or a bucket this deploy does not have). A file is read when first asked for.
 */
export function checksBeside(base: VigilConfig, folder: URL): (bucket: string | undefined) => VigilConfig {
  const read = <T>(file: string): T => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as T;
  const groups = new Map<string, string[]>();
  const mates = (group: string): string[] => {
    let ids = groups.get(group);
    if (!ids) groups.set(group, (ids = read<string[]>(groupFile(group))));
    return ids;
  };
  const configs = recentlyRead<string, VigilConfig | undefined>(KEPT);
  const load = (file: string): VigilConfig | undefined => {
    try {
      const checks = read<CheckConfig[]>(file);
      return file === ALL ? { ...base, checks } : { ...base, checks, whole: { count: checks.length, ...base.whole, mates } };
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT' && file !== ALL) return undefined;
      throw err;
    }
  };
  const config = (file: string) => configs(file, () => load(file));
  // A bucket id is `b-` and hex (the event's schema holds it to that): never a path. A bucket this deploy has no file for runs on every check.
  return (bucket) => (bucket && /^b-[0-9a-f]{16}$/.test(bucket) ? config(`buckets/${bucket}.json`) : undefined) ?? config(ALL)!;
}
