import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SetupError } from '../errors.js';
import type { Finding } from '../findings.js';

/** Vigil's probe functions in other regions: the findings of the checks asked, or a throw when the region could not answer. */
export interface RegionProbes {
  run(region: string, checkIds: string[], signal: AbortSignal): Promise<Finding[]>;
}

/**
 * Vigil's probe function in each other region, asked with a synchronous Invoke (`{ checks }`, answered
 * `{ region, findings }`), one client per region. A resend after a lost answer only runs read-only checks twice.
 */
export function lambdaRegionProbes(functionName: string): RegionProbes {
  const clients = new Map<string, LambdaClient>();
  return {
    async run(region, checkIds, signal) {
      if (!clients.has(region)) clients.set(region, new LambdaClient({ region, ...CALL_TIMEOUTS }));
      const out = await clients.get(region)!.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify({ checks: checkIds }) }), {
        abortSignal: signal,
      });
      const text = new TextDecoder().decode(out.Payload);
      if (out.FunctionError)
        throw new Error(`its function failed: ${(JSON.parse(text || '{}') as { errorMessage?: string }).errorMessage ?? out.FunctionError}`);
      const answer = JSON.parse(text) as { findings?: Finding[]; error?: string };
      if (!answer.findings) throw new Error(`its function refused: ${answer.error ?? 'no findings'}`);
      return answer.findings;
    },
  };
}

/** The call lasts as long as the checks it runs: the caller's signal bounds it, not the SDK's usual 10 s. */
const CALL_TIMEOUTS = { requestHandler: { connectionTimeout: 2_000, requestTimeout: 120_000 } };

/** The port `aws['region-probes']` gives run-checks, loaded on its first call (ports.ts), for the function the stack names. */
export const sdkPort = (): RegionProbes => {
  const name = process.env.REGION_PROBE_FUNCTION;
  if (!name) throw new SetupError('this function was deployed without REGION_PROBE_FUNCTION: its checks cannot ask other regions');
  return lambdaRegionProbes(name);
};

declare module './ports.js' {
  interface AwsPortMap {
    'region-probes': RegionProbes;
  }
}
