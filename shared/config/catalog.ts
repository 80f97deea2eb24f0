import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CheckConfig, StatusComponents, VigilConfig } from './schema.js';
import { recentlyRead } from './recently-read.js';

/**
 * The checks as files beside a deployed function's code (infra/check-catalog.ts writes them), for the functions
 * that look checks up by id (notify, incidents): a lookup reads one index file and the packs it names, so a cold
 * start and a message cost the same at 100 checks as at 100,000.
 *
 * - `catalog/facts.json`: how many index files and packs there are.
 * - `catalog/index-<n>.json`: `{ [check id]: [pack, ...the checks that depend on it] }`, a check in file shardOf(id).
 * - `catalog/pack-<n>.json`: `{ at: [config positions], checks: [...] }`; a group's checks are in one pack.
 * - `catalog/status.json`: the status page's components and the components of each maintenance silence.
 */
export const CATALOG = 'catalog';

export interface CatalogFacts {
  indexes: number;
  packs: number;
}

export type IndexEntry = [pack: number, ...dependents: string[]];

export interface Pack {
  at: number[];
  checks: CheckConfig[];
}

/** The index file that holds a check's entry. */
export const shardOf = (id: string, indexes: number): number => parseInt(createHash('sha1').update(id).digest('hex').slice(0, 8), 16) % indexes;

/** Packs kept read in a warm function. */
const KEPT_PACKS = 256;

export interface CheckCatalog {
  /**
   * The named checks and what deciding about them reads, in config order: the checks of their groups, the
   * checks they depend on (all the way up, with their groups) and the checks that depend on them. Unknown ids
   * are left out.
   */
  around(ids: readonly string[]): CheckConfig[];
  /** Every check, in config order: for an operation over tags. */
  all(): CheckConfig[];
  status(): StatusComponents;
}

/** The catalog in `folder`; each file is read when first needed, and kept. */
export function catalogIn(folder: URL): CheckCatalog {
  const read = <T>(file: string): T => JSON.parse(readFileSync(new URL(`${CATALOG}/${file}`, folder), 'utf8')) as T;
  let facts: CatalogFacts | undefined;
  const indexes = new Map<number, Record<string, IndexEntry>>();
  const packs = recentlyRead<number, Pack>(KEPT_PACKS);
  let status: StatusComponents | undefined;

  const entry = (id: string): IndexEntry | undefined => {
    facts ??= read<CatalogFacts>('facts.json');
    const n = shardOf(id, facts.indexes);
    let index = indexes.get(n);
    if (!index) indexes.set(n, (index = read<Record<string, IndexEntry>>(`index-${n}.json`)));
    return Object.hasOwn(index, id) ? index[id] : undefined;
  };
  const pack = (n: number): Pack => packs(n, () => read<Pack>(`pack-${n}.json`));
  const inOrder = (numbers: Iterable<number>): CheckConfig[] =>
    [...numbers]
      .flatMap((n) => {
        const { at, checks } = pack(n);
        return checks.map((check, i) => ({ at: at[i]!, check }));
      })
      .sort((a, b) => a.at - b.at)
      .map((x) => x.check);

  return {
    around(ids) {
      const wanted = new Set<number>();
      const seen = new Set<string>();
      const up = (id: string) => {
        if (seen.has(id)) return;
        seen.add(id);
        const found = entry(id);
        if (!found) return;
        wanted.add(found[0]);
        pack(found[0])
          .checks.find((c) => c.id === id)
          ?.dependsOn?.forEach(up);
      };
      for (const id of ids) {
        up(id);
        for (const dependent of entry(id)?.slice(1) ?? []) wanted.add(entry(dependent as string)![0]);
      }
      return inOrder(wanted);
    },
    all() {
      facts ??= read<CatalogFacts>('facts.json');
      return inOrder(Array.from({ length: facts.packs }, (_, n) => n));
    },
    status: () => (status ??= read<StatusComponents>('status.json')),
  };
}

/** The config narrowed to the checks `ids` need (or every check), knowing from `base.whole` how many there are in all. */
export function configAround(base: VigilConfig, catalog: CheckCatalog): (ids: readonly string[] | 'all') => VigilConfig {
  const whole = { count: base.whole?.count ?? 0, ...(base.whole?.first ? { first: base.whole.first } : {}), status: catalog.status };
  return (ids) => ({ ...base, checks: ids === 'all' ? catalog.all() : catalog.around(ids), whole });
}
