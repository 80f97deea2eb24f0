import type { Probe } from './probe.js';

/**
 * The probe of a kind, its code loaded on first use. Here, the registry; in a deployed function's
 * bundle this file becomes a switch over the kinds its checks run, each in a chunk of its own
 * (infra/bundle.ts), so a cold start loads no probe and a round loads only its own kinds.
 */
export async function loadProbe(kind: string): Promise<Probe | undefined> {
  return (await import('./index.js')).probeRegistry.get(kind);
}
