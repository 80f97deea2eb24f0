/**
 * Every error Vigil raises on purpose, in one hierarchy, matched by class (never by name); anything
 * else is a bug. Those a person caused (a config, a request) are answered with what to fix; those of
 * the setup name the grant or credential; the rest say what happened to an action or a write.
 */
export class VigilError extends Error {
  override name = 'VigilError';
}

/** A request names something that is not there or does not apply: an unknown check, an expired proposal, a bad option. */
export class RequestError extends VigilError {
  override name = 'RequestError';
}

export interface ConfigProblem {
  /** Where the problem is, e.g. `checks[3].thresholds.latencyMs.warn`. */
  path: string;
  message: string;
}

/** A config (or event) that does not validate. Lists every problem, not just the first. */
export class ConfigError extends VigilError {
  override name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
  }
}

/** A probe that did not finish within its check's timeout. */
export class ProbeTimeoutError extends VigilError {
  override name = 'ProbeTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/**
 * Vigil cannot look as configured or granted: a credential it cannot read, a privilege it lacks. Always
 * an `error` finding (or a refused action) whose message names the fix, never a `fail` of the target.
 */
export class SetupError extends VigilError {
  override name = 'SetupError';
}

/** AWS answered, but not with exactly one unambiguous thing to act on: never guess, hand over to a human. */
export class TargetUnresolvedError extends VigilError {
  override name = 'TargetUnresolvedError';
}

/** A remediation refused to plan or act, with why; never a guess. */
export class RemediationRefusedError extends VigilError {
  override name = 'RemediationRefusedError';
}

/**
 * The target offers nothing to do (an empty dead-letter queue, no new address to block). In a run with no
 * incident (a schedule's) it ends the run quietly; where an incident or an operator waits, it is said like any refusal.
 */
export class NothingToDoError extends RemediationRefusedError {
  override name = 'NothingToDoError';
}

/**
 * A change of several calls stopped after one of them took effect. Not a refusal: the target is read
 * back (`reconcile`), so the action is never recorded as if nothing had happened.
 */
export class PartlyAppliedError extends VigilError {
  override name = 'PartlyAppliedError';
}

/** An operator's action that cannot apply, e.g. acknowledging an incident that already resolved. */
export class ActionRefusedError extends RequestError {
  override name = 'ActionRefusedError';
}

/** An action that happened and that the state store would not record: never reported as not done. */
export class UnrecordedActionError extends VigilError {
  override name = 'UnrecordedActionError';
}

/** Another attempt holds the run past this attempt's own end. */
export class RunInProgressError extends VigilError {
  override name = 'RunInProgressError';
}

/** A credential could not be read; says which source, never the value. */
export class CredentialsError extends SetupError {
  override name = 'CredentialsError';
}

/** Someone else wrote the item since it was read; read again and decide again. */
export class StateConflictError extends VigilError {
  override name = 'StateConflictError';
}
