/** Errors that mean the credentials are missing, wrong or expired, whatever the service. */
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
]);

/**
 * An AWS call's failure as a person needs it: no network to AWS and refused credentials said plainly, with
 * what to do; anything else as the SDK said it.
 */
export function plainAwsError(err: unknown): string {
  const e = err as { name?: string; code?: string; hostname?: string; message?: string };
  const said = err instanceof Error ? err.message : String(err);
  if ((e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') && e.hostname?.endsWith('.amazonaws.com'))
    return `cannot reach AWS (${e.hostname} does not resolve here: no network, or no DNS for it); nothing was read or changed`;
  if (e.name && CREDENTIALS.has(e.name))
    return `AWS refused the credentials (${e.name}): give this machine credentials for the account (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was read or changed`;
  return said;
}
