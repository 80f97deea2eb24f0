/** A function's refusal as a person reads it: the error, then each problem; undefined for any other answer. */
export function refusal(answer: unknown): string | undefined {
  const a = answer as { error?: string; problems?: string[] };
  return a.error ? [`error: ${a.error}`, ...(a.problems ?? []).map((p) => `  - ${p}`)].join('\n') : undefined;
}
