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

/** The error code of a network failure, looking through fetch's `cause` wrapper. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** A short, readable reason for a failed connection, e.g. "connection refused (ECONNREFUSED)". */
export function describeNetworkError(err: unknown): string {
  const code = networkErrorCode(err);
  if (code) return KNOWN[code] ? `${KNOWN[code]} (${code})` : code;
  return err instanceof Error ? err.message : String(err);
}
