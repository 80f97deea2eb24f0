/** Root of every error Vigil raises on purpose; anything else is a bug. */
export class VigilError extends Error {
  override name = 'VigilError';
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
