import { Duration } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';

export interface VigilFunctionProps {
  /** The folder under functions/, e.g. `run-checks`. */
  readonly name: string;
  /** @default 256 */
  readonly memorySize?: number;
  readonly timeout: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  readonly environment?: Record<string, string>;
  /** A fixed name, for functions people invoke by hand. @default generated */
  readonly functionName?: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A Vigil Lambda: Node.js 22 on arm64, a minified ESM bundle with source maps, JSON logs kept for a set time. */
export class VigilFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    super(scope, id, {
      entry: `${ROOT}functions/${props.name}/index.ts`,
      projectRoot: ROOT,
      depsLockFilePath: `${ROOT}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      timeout: props.timeout,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'vigil',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Some dependencies still call require(); give the ESM bundle one.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  }
}
