import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's IAM5 finding for each wildcard resource, by its exact finding id, so any
 * other wildcard still fails the synth. `resources` are as given to the policy (tokens allowed).
 */
export function acknowledgeWildcards(scope: IConstruct, resources: string[], reason: string): void {
  const stack = Stack.of(scope);
  Validations.of(scope).acknowledge(...resources.map((r) => ({ id: `AwsSolutions-IAM5[Resource::${asNagShowsIt(stack.resolve(r))}]`, reason })));
}

/** A resolved value as cdk-nag prints it: `{Ref: 'AWS::Region'}` → `<AWS::Region>`, `{Fn::GetAtt: [X, 'Arn']}` → `<X.Arn>`. */
function asNagShowsIt(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(asNagShowsIt).join(separator);
  }
  return JSON.stringify(value);
}
