import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsPort } from '../secrets/credentials.js';
import { REQUEST_TIMEOUTS } from './timeouts.js';

/** Secrets Manager through Powertools Parameters: cached for 5 minutes across warm invocations. */
export class SdkSecrets implements SecretsPort {
  private readonly provider = new SecretsProvider({ clientConfig: { requestHandler: REQUEST_TIMEOUTS } });

  async getSecret(id: string, fresh: boolean): Promise<string> {
    const value = await this.provider.get(id, { maxAge: 300, forceFetch: fresh });
    if (typeof value !== 'string') throw new Error(`secret ${id} holds no string`);
    return value;
  }
}

/** The port `aws.secrets` gives probes and remediations, loaded on its first call (ports.ts). */
export const sdkPort = (): SecretsPort => new SdkSecrets();

declare module './ports.js' {
  interface AwsPortMap {
    secrets: SecretsPort;
  }
}
