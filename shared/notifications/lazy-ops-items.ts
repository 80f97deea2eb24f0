import type { OpsItems } from './ops-items.js';

/** OpsCenter whose SSM client loads on the first OpsItem: a cold start that opens none does not pay for it. */
export function lazyOpsItems(): OpsItems {
  let loaded: Promise<OpsItems> | undefined;
  const get = () => (loaded ??= import('./ssm-ops-items.js').then((m) => new m.SsmOpsItems()));
  return {
    create: async (item) => (await get()).create(item),
    findOpen: async (id) => (await get()).findOpen(id),
    setStatus: async (id, status) => (await get()).setStatus(id, status),
  };
}
