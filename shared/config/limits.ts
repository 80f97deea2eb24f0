/** Checks per run-checks invocation at most: keeps one invocation well inside the function's timeout. */
export const MAX_CHECKS_PER_INVOCATION = 50;
