import { Stack } from 'aws-cdk-lib';
import type { IValidation } from 'constructs';

/** What AWS documents for what a Vigil stack creates. */
export const AWS_LIMITS = {
  /** CloudFormation: resources in one stack. */
  resources: 500,
  /** CloudFormation: a template's size through S3, as CDK uploads a large one. */
  templateBytes: 1_000_000,
  /** Lambda: one event filter's pattern. */
  filterPatternChars: 4096,
  /** EventBridge Scheduler: a schedule's name. */
  scheduleNameChars: 64,
  /** CloudWatch: an alarm's name. */
  alarmNameChars: 255,
  /** Lambda: a function's name (`vigil-<environment>-incidents` the longest Vigil gives). */
  functionNameChars: 64,
} as const;

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Plain words for the kinds of resource a config grows. */
const GROWS: Record<string, string> = {
  'AWS::Scheduler::Schedule': 'schedules',
  'AWS::CloudWatch::Alarm': 'alarms',
  'AWS::CloudWatch::CompositeAlarm': 'composite alarms',
  'AWS::SecretsManager::Secret': 'heartbeat secrets',
};

/**
 * Every limit of the list above, held to the template as it will be deployed: what exceeds one is an
 * error naming the limit, the count and what to change. Checked once per stack, however many Vigils it holds.
 */
export function stackLimits(stack: Stack): IValidation {
  return {
    validate: () => {
      // The template CDK writes (indented by one space), as CloudFormation will receive it.
      const template = (stack as unknown as { _toCloudFormation(): { Resources?: Record<string, Resource> } })._toCloudFormation();
      return problems(template.Resources ?? {}, Buffer.byteLength(JSON.stringify(template, undefined, 1)));
    },
  };
}

/** What in this template AWS would refuse. Pure: the template's resources and its size in. */
export function problems(resources: Record<string, Resource>, templateBytes: number): string[] {
  const out: string[] = [];
  const all = Object.values(resources);
  const count = (type: string) => all.filter((r) => r.Type === type).length;
  const grown = Object.entries(GROWS)
    .map(([type, words]) => [count(type), words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} of them are ${words}`)
    .join(', ');
  const split = 'or split the config across two Vigil stacks (docs/deploy.md: more than one stack)';
  if (all.length > AWS_LIMITS.resources) {
    out.push(
      `the stack holds ${all.length} resources; CloudFormation allows ${AWS_LIMITS.resources} in one stack. ${grown}: fewer alarms or heartbeat checks here, ${split}`,
    );
  }
  if (templateBytes > AWS_LIMITS.templateBytes) {
    out.push(
      `the template is ${templateBytes.toLocaleString('en-US')} bytes; CloudFormation takes at most ${AWS_LIMITS.templateBytes.toLocaleString('en-US')}. ${grown}: fewer or shorter composite alarms, fewer alarms or heartbeat checks, ${split}`,
    );
  }
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::EventSourceMapping') {
      for (const f of (p.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? []) {
        if (typeof f.Pattern === 'string' && f.Pattern.length > AWS_LIMITS.filterPatternChars)
          out.push(`${id}: its event filter is ${f.Pattern.length} characters; Lambda allows ${AWS_LIMITS.filterPatternChars}`);
      }
    }
    if (r.Type === 'AWS::Scheduler::Schedule' && typeof p.Name === 'string' && p.Name.length > AWS_LIMITS.scheduleNameChars)
      out.push(`schedule ${p.Name}: ${p.Name.length} characters; EventBridge Scheduler allows ${AWS_LIMITS.scheduleNameChars}`);
    if (r.Type.startsWith('AWS::CloudWatch::') && typeof p.AlarmName === 'string' && p.AlarmName.length > AWS_LIMITS.alarmNameChars)
      out.push(`alarm ${p.AlarmName.slice(0, 40)}…: ${p.AlarmName.length} characters; CloudWatch allows ${AWS_LIMITS.alarmNameChars}`);
  }
  const alarmNames = all
    .filter((r) => r.Type.startsWith('AWS::CloudWatch::') && typeof r.Properties?.AlarmName === 'string')
    .map((r) => r.Properties!.AlarmName as string);
  for (const name of new Set(alarmNames.filter((n, i) => alarmNames.indexOf(n) !== i)))
    out.push(`two alarms in this stack are named "${name}": CloudWatch keeps one alarm per name; give one a name of its own`);
  return out;
}

const checked = new WeakSet<Stack>();

/** Adds the check to the stack a Vigil lives in, once however many Vigils it holds. */
export function checkLimitsOnce(stack: Stack): void {
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation(stackLimits(stack));
}

/** The longest suffix Vigil puts after `vigil-<environment>` in a function's name. */
const LONGEST_SUFFIX = '-incidents'.length;

/** Throws when an environment name would make a name AWS refuses: it names functions, the schedule group and secrets. */
export function checkEnvironmentName(name: string): void {
  const most = AWS_LIMITS.functionNameChars - 'vigil-'.length - LONGEST_SUFFIX;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name.length > most) {
    throw new Error(
      `environmentName "${name.slice(0, 80)}": use at most ${most} lowercase letters, digits and dashes; it names the functions (vigil-${name.slice(0, 8)}…-incidents), which Lambda holds to ${AWS_LIMITS.functionNameChars} characters`,
    );
  }
}
