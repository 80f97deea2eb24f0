import type { Service, WireResponse } from './faulty-handler.js';

type Answer = { payload: unknown; threw?: boolean };

/**
 * A deployed Vigil stack as the CLI sees it: CloudFormation's DescribeStacks (awsQuery) with the stack's
 * outputs, and Lambda's Invoke (REST JSON) for the functions they name. It keeps every payload it was
 * sent, and answers each function with what the test queued for it.
 */
export class FakeDeployedStack {
  readonly invoked: { functionName: string; payload: unknown }[] = [];
  private readonly answers = new Map<string, Answer[]>();

  constructor(
    readonly stackName: string,
    readonly outputs: Record<string, string>,
  ) {}

  /** The next answer of the function named `functionName`: its payload, or an error it threw. */
  answer(functionName: string, answer: Answer): void {
    this.answers.set(functionName, [...(this.answers.get(functionName) ?? []), answer]);
  }

  readonly cloudFormation: Service = async (_request, body): Promise<WireResponse> => {
    const form = new URLSearchParams(body);
    if (form.get('Action') !== 'DescribeStacks') return xml(400, error('InvalidAction', `${form.get('Action')} is not faked`));
    const name = form.get('StackName');
    if (name !== this.stackName) return xml(400, error('ValidationError', `Stack with id ${name} does not exist`));
    const outputs = Object.entries(this.outputs)
      .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
      .join('');
    const stack = `<member><StackName>${name}</StackName><StackId>arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/1</StackId><CreationTime>2026-11-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs></member>`;
    return xml(
      200,
      `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks>${stack}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  };

  readonly lambda: Service = async (request, body): Promise<WireResponse> => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.path);
    const functionName = decodeURIComponent(match?.[1] ?? '');
    const next = this.answers.get(functionName)?.shift();
    if (!match || !next) {
      const message = `Function not found: arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`;
      return {
        statusCode: 404,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: JSON.stringify({ Type: 'User', message }),
      };
    }
    this.invoked.push({ functionName, payload: JSON.parse(body) });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (next.threw) headers['x-amz-function-error'] = 'Unhandled';
    return { statusCode: 200, headers, body: JSON.stringify(next.payload) };
  };
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xml = (statusCode: number, body: string): WireResponse => ({ statusCode, headers: { 'content-type': 'text/xml' }, body });
const error = (code: string, message: string) =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
