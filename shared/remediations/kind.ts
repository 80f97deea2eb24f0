import { SetupError } from '../errors.js';
import { loadRemediation } from './load.js';
import type { Remediation } from './remediation.js';

/** Kinds loaded so far: a warm path asks again without a turn of the module loader. */
const loaded = new Map<string, Remediation>();

/** The remediation of a kind, or a setup error: a function's code holds the kinds its config names. */
export async function remediationOf(kind: string): Promise<Remediation> {
  const known = loaded.get(kind);
  if (known) return known;
  const remediation = await loadRemediation(kind);
  if (!remediation) throw new SetupError(`no remediation of kind "${kind}" is in this function's code: it is built with the kinds its config names`);
  loaded.set(kind, remediation);
  return remediation;
}
