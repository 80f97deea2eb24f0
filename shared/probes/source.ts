import { loadProbe } from './load.js';
import type { Probe } from './probe.js';

/** What the runner asks for a check's probe: the registry itself (tests), or the loader of each kind's code. */
export interface ProbeSource {
  get(kind: string): Probe | undefined | Promise<Probe | undefined>;
}

/** Kinds loaded so far: the next round asks again without a turn of the module loader. */
const loaded = new Map<string, Probe>();

export const lazyProbes: ProbeSource = {
  get: (kind) =>
    loaded.get(kind) ??
    loadProbe(kind).then((probe) => {
      if (probe) loaded.set(kind, probe);
      return probe;
    }),
};
