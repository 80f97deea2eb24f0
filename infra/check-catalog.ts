import { CATALOG, shardOf, type CatalogFacts, type IndexEntry, type Pack } from '../shared/config/catalog.js';
import { groupOf } from '../shared/config/groups.js';
import type { StatusComponents, VigilConfig } from '../shared/config/schema.js';
import { componentsOf, maintenanceComponents } from '../shared/status/components.js';

/** Entries per index file: a lookup parses about this many. */
const PER_INDEX = 1000;
/** Checks per pack, unless one group holds more (a group is never split: its checks are read together). */
const PER_PACK = 100;

/** The files shared/config/catalog.ts reads, by path relative to the function's code. */
export function catalogFiles(config: VigilConfig): Record<string, string> {
  const { checks } = config;
  const units = new Map<string, number[]>();
  checks.forEach((check, at) => {
    // Group names and ids share no namespace here: a group is "g:<name>", a check alone "c:<id>".
    const group = groupOf(check);
    const key = group === undefined ? `c:${check.id}` : `g:${group}`;
    const unit = units.get(key);
    if (unit) unit.push(at);
    else units.set(key, [at]);
  });
  const packs: number[][] = [];
  for (const unit of units.values()) {
    const open = packs.at(-1);
    if (open && open.length + unit.length <= PER_PACK) open.push(...unit);
    else packs.push([...unit]);
  }
  const packOf = new Map<string, number>();
  packs.forEach((at, n) => {
    at.sort((a, b) => a - b);
    for (const i of at) packOf.set(checks[i]!.id, n);
  });
  const dependents = new Map<string, string[]>();
  for (const check of checks)
    for (const parent of check.dependsOn ?? []) {
      const known = dependents.get(parent);
      if (known) known.push(check.id);
      else dependents.set(parent, [check.id]);
    }

  const facts: CatalogFacts = { indexes: Math.max(1, Math.ceil(checks.length / PER_INDEX)), packs: packs.length };
  const indexes = Array.from({ length: facts.indexes }, (): Record<string, IndexEntry> => ({}));
  for (const check of checks) indexes[shardOf(check.id, facts.indexes)]![check.id] = [packOf.get(check.id)!, ...(dependents.get(check.id) ?? [])];
  const components = componentsOf(config);
  const status: StatusComponents = { components, maintenance: maintenanceComponents(config, components) };

  return {
    [`${CATALOG}/facts.json`]: JSON.stringify(facts),
    [`${CATALOG}/status.json`]: JSON.stringify(status),
    ...Object.fromEntries(indexes.map((index, n) => [`${CATALOG}/index-${n}.json`, JSON.stringify(index)])),
    ...Object.fromEntries(packs.map((at, n) => [`${CATALOG}/pack-${n}.json`, JSON.stringify({ at, checks: at.map((i) => checks[i]!) } satisfies Pack)])),
  };
}
