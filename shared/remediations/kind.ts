import { SetupError } from '../errors.js';
import { loadRemediation } from './load.js';
import type { Remediation } from './remediation.js';

/** The remediation of a kind, or a setup error: a function's code holds the kinds its config names. */
export async function remediationOf(kind: string): Promise<Remediation> {
  const remediation = await loadRemediation(kind);
  if (!remediation) throw new SetupError(`no remediation of kind "${kind}" is in this function's code: it is built with the kinds its config names`);
  return remediation;
}
