const KNOWN: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed temporarily',
  NXDOMAIN: 'name does not exist',
  ENODATA: 'no records of that type',
  ESERVFAIL: 'DNS server failure',
  EREFUSED: 'DNS query refused',
  ECONNREFUSED_DNS: 'DNS server unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

/** The innermost error carrying a code, looking through `cause` wrappers (fetch's, the MongoDB driver's). */
function codedError(err: unknown): { code: string; message?: string } | undefined {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return { code, message: (e as { message?: string }).message };
  }
  return undefined;
}

/** A short, readable reason for a failed connection, e.g. "connection refused (ECONNREFUSED)". */
export function describeNetworkError(err: unknown): string {
  const coded = codedError(err);
  if (coded) return `${KNOWN[coded.code] ?? coded.message ?? 'failed'} (${coded.code})`;
  return err instanceof Error ? err.message : String(err);
}
