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

/**
 * Deep copy of `value` with every known secret replaced by `***`, and any
 * `scheme://user:password@` masked. Applied to everything a probe returns,
 * so a driver error that echoes a password cannot leak it.
 */
export function scrub<T>(value: T, secrets: readonly string[]): T {
  const known = secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  // Every finding of every round passes here: skip the replacements that cannot match.
  const clean = (text: string) => {
    let masked = text;
    for (const secret of known) if (masked.includes(secret)) masked = masked.replaceAll(secret, MASK);
    return masked.includes('@') ? maskUrlCredentials(masked) : masked;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
