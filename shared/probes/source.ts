import { loadProbe } from './load.js';
import type { Probe } from './probe.js';

/** What the runner asks for a check's probe: the registry itself (tests), or the loader of each kind's code. */
export interface ProbeSource {
  get(kind: string): Probe | undefined | Promise<Probe | undefined>;
}

export const lazyProbes: ProbeSource = { get: loadProbe };
