import type { Service, WireResponse } from './faulty-handler.js';

/** Secrets Manager's GetSecretValue behind the awsJson1_1 protocol, in process, over the given values. */
export function fakeSecrets(values: ReadonlyMap<string, string>): Service {
  return async (_request, body): Promise<WireResponse> => {
    const { SecretId } = JSON.parse(body) as { SecretId: string };
    const value = values.get(SecretId);
    if (value === undefined) {
      return {
        statusCode: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }),
      };
    }
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        SecretString: value,
        VersionId: 'v1',
      }),
    };
  };
}
