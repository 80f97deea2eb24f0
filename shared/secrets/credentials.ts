import * as z from '../zod.js';
import { CredentialsError } from '../errors.js';
import { knownSecrets } from './mask.js';

const fromSecretsManager = z.strictObject({ secret: z.string().check(z.minLength(1)) });
const fromEnvironment = z.strictObject({
  env: z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name like "ORDERS_DB_PASSWORD"')),
});

/** Where a secret value comes from when it must not sit in the config (the bundle ships the config): Secrets Manager or an environment variable. */
export const secretSource = z.union([fromSecretsManager, fromEnvironment]);

export type SecretSource = z.output<typeof secretSource>;

/**
 * Where a password comes from. Deployed: Secrets Manager (an RDS-style JSON secret, or a plain
 * string). Locally: an environment variable, or a value in the config (for throwaway databases only).
 */
export const passwordSource = z.union([fromSecretsManager, fromEnvironment, z.strictObject({ value: z.string().check(z.minLength(1)) })]);

export type PasswordSource = z.output<typeof passwordSource>;

export interface Credentials {
  user?: string;
  password: string;
}

/** Reads a secret's string; `fresh` skips any cache (after an authentication failure). */
export interface SecretsPort {
  getSecret(id: string, fresh: boolean): Promise<string>;
}

/**
 * Resolves password sources. Secrets are cached by the port (at most 5 minutes, across invocations of
 * a warm function); `refetch` reads again once, so a rotated password is picked up after one failure.
 */
class CredentialResolver {
  constructor(
    private readonly secrets: SecretsPort | undefined,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  async resolve(source: PasswordSource, fresh = false): Promise<Credentials> {
    const creds =
      'secret' in source
        ? parseSecret(await this.text(source, fresh), source.secret)
        : { password: 'value' in source ? source.value : await this.text(source, fresh) };
    // Every sink masks what the process has resolved: a driver that echoes it is caught wherever it goes.
    knownSecrets.add(creds.password);
    return creds;
  }

  /** The secret's whole string (a token, a header value), known to every sink from here on. */
  async text(source: SecretSource, fresh = false): Promise<string> {
    if ('env' in source) {
      const value = this.env[source.env];
      if (!value) throw new CredentialsError(`environment variable ${source.env} is not set`);
      knownSecrets.add(value);
      return value;
    }
    if (!this.secrets) throw new CredentialsError(`secret ${source.secret} cannot be read: no Secrets Manager client`);
    try {
      const value = await this.secrets.getSecret(source.secret, fresh);
      knownSecrets.add(value);
      return value;
    } catch (err) {
      throw new CredentialsError(`secret ${source.secret} cannot be read: ${(err as Error).name}`);
    }
  }
}

/** A secret value for a header or a token, from Secrets Manager or the environment; never the config. */
export function resolveSecret(source: SecretSource, secrets: SecretsPort | undefined, env: Record<string, string | undefined> = process.env): Promise<string> {
  return new CredentialResolver(secrets, env).text(source);
}

/** A password with its user, as `withCredentials` resolves it, for callers that do not retry. */
export function resolveCredentials(
  source: PasswordSource,
  secrets: SecretsPort | undefined,
  env: Record<string, string | undefined> = process.env,
): Promise<Credentials> {
  return new CredentialResolver(secrets, env).resolve(source);
}

/** `{"username": …, "password": …}` as RDS and DocumentDB rotation write it, or the password alone. */
function parseSecret(text: string, id: string): Credentials {
  if (!text.trimStart().startsWith('{')) return { password: text };
  let json: { username?: unknown; password?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new CredentialsError(`secret ${id} looks like JSON but does not parse`);
  }
  if (typeof json.password !== 'string') throw new CredentialsError(`secret ${id} has no "password" field`);
  return { password: json.password, ...(typeof json.username === 'string' ? { user: json.username } : {}) };
}

/**
 * Resolves `source` and runs `use` with it. After an authentication failure it reads a secret again
 * once (it may have been rotated) and retries. The password is redacted from every error that leaves.
 */
export async function withCredentials<T>(
  source: PasswordSource,
  secrets: SecretsPort | undefined,
  isAuthFailure: (err: unknown) => boolean,
  use: (creds: Credentials) => Promise<T>,
): Promise<T> {
  const resolver = new CredentialResolver(secrets);
  let creds = await resolver.resolve(source);
  try {
    return await use(creds);
  } catch (err) {
    if (!isAuthFailure(err) || !('secret' in source)) throw knownSecrets.error(err);
    creds = await resolver.resolve(source, true);
    try {
      return await use(creds);
    } catch (again) {
      throw knownSecrets.error(again);
    }
  }
}
