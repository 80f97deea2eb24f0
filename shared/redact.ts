const MASK = '***';
const SENSITIVE_NAME = /pass|secret|token|key|auth|cookie|session|signature|credential/i;
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

/** A URL as it may be shown: no user info, sensitive query values masked. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return maskUrlCredentials(raw);
  }
  // Most targets have nothing to hide: their normalised form as is.
  if (!url.username && !url.password && !url.search) return url.href;
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (isSensitiveName(name)) url.searchParams.set(name, MASK);
  }
  return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${MASK}@`);
}
