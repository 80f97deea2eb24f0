import type { Remediation } from './remediation.js';

/**
 * The remediation of a kind, its code loaded on first use. Here, the registry; in a deployed function's
 * bundle this file becomes a switch over the kinds its config names, each in a chunk of its own (infra/bundle.ts).
 */
export async function loadRemediation(kind: string): Promise<Remediation | undefined> {
  return (await import('./index.js')).remediationRegistry.get(kind);
}
