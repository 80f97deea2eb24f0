import { RequestError } from '../../shared/errors.js';
import { plainAwsError } from '../../shared/aws/plain.js';

/** The functions an operator calls on a deployed stack, by the stack output that names each (infra/vigil.ts). */
const OUTPUT_OF: Record<string, string> = { incidents: 'IncidentsFunction', remediate: 'RemediateFunction', 'on-alarm': 'OnAlarmFunction' };

/** The stack `cdk deploy -c environment=<env>` creates (infra/app.ts). */
const stackOf = (env: string) => `Vigil-${env}`;

/**
 * Calls one function of the deployed stack with the caller's AWS credentials, as the Lambda console
 * would: its name from the stack's outputs, the event as its payload. Returns its answer, or what it
 * threw; a stack or function that cannot be found is a RequestError saying what to do.
 */
export async function invokeDeployed(name: string, event: unknown, env: string): Promise<{ answer: unknown } | { threw: string }> {
  const output = OUTPUT_OF[name];
  if (!output) throw new RequestError(`--env: ${name} is not called by hand on a deployed stack; these are: ${Object.keys(OUTPUT_OF).join(', ')}`);
  const functionName = await functionNameOf(stackOf(env), output);
  const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
  const lambda = new LambdaClient({});
  let reply;
  try {
    reply = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(event)) }));
  } catch (err) {
    throw new RequestError(`invoking ${functionName}: ${plainAwsError(err)}`);
  } finally {
    lambda.destroy();
  }
  const text = reply.Payload ? new TextDecoder().decode(reply.Payload) : 'null';
  const answer = JSON.parse(text) as unknown;
  if (reply.FunctionError) {
    // The handler threw: Lambda answers with the error's type and message, which is all a person needs here.
    const { errorType, errorMessage } = (answer ?? {}) as { errorType?: string; errorMessage?: string };
    return { threw: `${functionName} failed: ${errorType ?? reply.FunctionError}: ${errorMessage ?? text}` };
  }
  return { answer };
}

async function functionNameOf(stackName: string, outputKey: string): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({});
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const value = Stacks[0]?.Outputs?.find((o) => o.OutputKey === outputKey)?.OutputValue;
    if (!value) throw new RequestError(`stack ${stackName} has no output ${outputKey}: deploy this version of Vigil to it (npx cdk deploy)`);
    return value;
  } catch (err) {
    if (err instanceof RequestError) throw err;
    const region = await cloudFormation.config.region().catch(() => 'the default region');
    if ((err as { name?: string }).name === 'ValidationError' && /does not exist/.test((err as Error).message))
      throw new RequestError(
        `no stack ${stackName} in ${region}: name the environment it was deployed with (-c environment=<name> → --env <name>), or set AWS_REGION to its region`,
      );
    throw new RequestError(`reading stack ${stackName}: ${plainAwsError(err)}`);
  } finally {
    cloudFormation.destroy();
  }
}
