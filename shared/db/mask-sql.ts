const MAX_QUERY_CHARS = 200;

/**
 * A query as evidence: string and number literals masked (they may hold personal data or secrets),
 * whitespace collapsed, cut to 200 characters.
 */
export function maskSql(query: string | null | undefined): string {
  if (!query) return '';
  const masked = query
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "'?'") // dollar-quoted strings
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?')
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > MAX_QUERY_CHARS ? `${masked.slice(0, MAX_QUERY_CHARS - 1)}…` : masked;
}
