import { silenceCovers } from '../config/silence-windows.js';
import type { VigilConfig } from '../config/schema.js';

/** A component readers see, and the checks it is made of. */
export interface Component {
  id: string;
  name: string;
  description?: string;
  checkIds: string[];
}

const known = new WeakMap<VigilConfig, Component[]>();

/**
 * The config's components, or one per `service` tag of the checks (named by it), in the config's order. Worked
 * out once per config: notify asks after every transition, and a config may hold many checks.
 */
export function componentsOf(config: VigilConfig): Component[] {
  if (config.whole?.status) return config.whole.status().components;
  let components = known.get(config);
  if (!components) known.set(config, (components = derive(config)));
  return components;
}

function derive(config: VigilConfig): Component[] {
  const declared = config.statusPage.components;
  if (declared) {
    return declared.map((c) => ({
      id: c.id,
      name: c.name,
      ...(c.description ? { description: c.description } : {}),
      checkIds: config.checks
        .filter((check) => c.checks?.includes(check.id) || (c.tags !== undefined && Object.entries(c.tags).every(([k, v]) => check.tags[k] === v)))
        .map((check) => check.id),
    }));
  }
  const byService = new Map<string, string[]>();
  for (const check of config.checks) {
    const service = check.tags.service;
    if (service) byService.set(service, [...(byService.get(service) ?? []), check.id]);
  }
  return [...byService].map(([service, checkIds]) => ({ id: service, name: service, checkIds }));
}

/** For each silence that says it is maintenance, the components holding a check it covers: a deployed notify reads them from synth. */
export function maintenanceComponents(config: VigilConfig, components: readonly Component[]): Record<string, string[]> {
  if (config.whole?.status) return config.whole.status().maintenance;
  const planned = config.silences.filter((s) => s.maintenance);
  if (!planned.length) return {};
  const tagsOf = new Map(config.checks.map((c) => [c.id, c.tags]));
  return Object.fromEntries(
    planned.map((s) => [s.id, components.filter((c) => c.checkIds.some((id) => silenceCovers(s, { id, tags: tagsOf.get(id) ?? {} }))).map((c) => c.id)]),
  );
}

/** The components a check belongs to: an alarm's incident (`alarm:…`) belongs to none. */
export function componentIdsOf(components: readonly Component[], checkId: string): string[] {
  return components.filter((c) => c.checkIds.includes(checkId)).map((c) => c.id);
}
