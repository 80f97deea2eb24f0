import { literalArns, type Grant } from '../../shared/permissions.js';

// Every AWS call a probe or remediation makes, recorded by the SDK mocks, must be one its own
// `permissions` declare: a new one that calls an API it did not declare fails its test, not deployed.

/** An aws-sdk-client-mock stub, as far as reading its calls goes. */
type Mock = { calls(): { thisValue: unknown; args: unknown[] }[] };
interface Declaring<S> {
  settings: { parse(input: unknown): unknown };
  permissions?: (settings: S, arns: ReturnType<typeof literalArns>) => Grant[];
}

/** IAM's prefix is the service's signing name, but for CloudWatch's (signed as `monitoring`). */
const IAM_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

/** `ecs:DescribeServices` for an ECSClient's DescribeServicesCommand: the IAM action each recorded call needs. */
export function actionsCalled(mocks: readonly Mock[]): string[] {
  const actions = mocks.flatMap((mock) =>
    mock.calls().map((call) => {
      const signingName = (call.thisValue as { config: { defaultSigningName: string } }).config.defaultSigningName;
      return `${IAM_PREFIX[signingName] ?? signingName}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`;
    }),
  );
  return [...new Set(actions)].sort();
}

/** The calls the mocks recorded that the plug-in's `permissions`, for these settings, do not grant. */
export function undeclaredCalls<S>(plugin: Declaring<S>, settings: unknown, mocks: readonly Mock[]): string[] {
  const grants = plugin.permissions?.(plugin.settings.parse(settings) as S, literalArns()) ?? [];
  const declared = new Set(grants.flatMap((g) => g.actions));
  return actionsCalled(mocks).filter((action) => !declared.has(action));
}
