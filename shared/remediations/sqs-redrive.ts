import * as z from '../zod.js';
import type { MoveTask, SqsPort } from '../aws/sqs.js';
import { defineRemediation, type RemediationContext } from './remediation.js';
import { refuseDuringIncident, serviceChecksNamed, serviceChecksSetting } from './incident-hold.js';
import { NothingToDoError, RemediationRefusedError } from '../errors.js';

/** Clock skew between Vigil and SQS allowed for when reading back: move tasks older than the plan by more are not looked at. */
const SKEW_MS = 5 * 60_000;

const queueName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,75}(\.fifo)?$/, 'expected an SQS queue name in this account and region, e.g. "orders-dlq"'));

const active = (tasks: MoveTask[]) => tasks.find((t) => t.status === 'RUNNING' || t.status === 'CANCELLING');

interface Settings {
  target: string;
  destination: string;
  maxMessages: number;
  maxDestinationBacklog: number;
  serviceChecks: string[];
}

/** Why the dead-letter queue's messages should not go back now, or nothing: what the plan and the act both ask. */
async function refusal(s: Settings, sqs: SqsPort, ctx: RemediationContext) {
  const dlq = await sqs.queue(s.target, ctx.signal);
  if (dlq.visible === 0) throw new NothingToDoError(`${s.target} holds no message to move`);
  if (dlq.visible > s.maxMessages)
    throw new RemediationRefusedError(`${s.target} holds ${dlq.visible} messages, more than ${s.maxMessages}: moving that many back is for a human to start`);
  const running = active(await sqs.moveTasks(dlq.arn, ctx.signal));
  if (running)
    throw new RemediationRefusedError(`a move from ${s.target} is already ${running.status} (${running.moved ?? 0} of ${running.toMove ?? '?'} moved)`);
  // The source's health: a queue its consumers are not keeping up with would only send them back here.
  const destination = await sqs.queue(s.destination, ctx.signal);
  if (destination.visible > s.maxDestinationBacklog)
    throw new RemediationRefusedError(
      `${s.destination} already has ${destination.visible} messages waiting (limit ${s.maxDestinationBacklog}): its consumers are behind`,
    );
  if (s.serviceChecks.length) await refuseDuringIncident(ctx, (i) => s.serviceChecks.includes(i.checkId), `a redrive from ${s.target} to ${s.destination}`);
  return { dlq, destination };
}

const sqsOf = (ctx: RemediationContext) => {
  if (!ctx.aws.sqs) throw new RemediationRefusedError('no SQS client configured');
  return ctx.aws.sqs;
};

/** Moves a dead-letter queue's messages back to their queue (StartMessageMoveTask): "reprocess the dead-letter queue" in the guides. */
export const sqsRedrive = defineRemediation({
  kind: 'sqs-redrive',
  example: { target: 'orders-dlq', destination: 'orders', maxMessages: 1000, messagesPerSecond: 10, serviceChecks: ['alarm:orders-worker-errors'] },
  description:
    'Moves a capped number of messages from a dead-letter queue back to its source queue (StartMessageMoveTask), at a set rate, once the source keeps up and its consumers have no incident.',
  risk: 'low',
  uses: { aws: ['sqs'] },
  settings: z.strictObject({
    /** The dead-letter queue's name. */
    target: queueName,
    /** The queue its messages go back to: the one they came from. */
    destination: queueName,
    /** More messages than this in the dead-letter queue and it refuses: a flood back is for a human to start. Default: 1000. */
    maxMessages: z._default(z.int().check(z.minimum(1), z.maximum(1_000_000)), 1000),
    /** The move's rate, messages a second (SQS allows 1 to 500). Default: 10. */
    messagesPerSecond: z._default(z.int().check(z.minimum(1), z.maximum(500)), 10),
    /** The source's health: more messages than this waiting in it, and its consumers are behind; it waits. Default: 1000. */
    maxDestinationBacklog: z._default(z.int().check(z.minimum(0)), 1000),
    /** Checks (by id) and alarms (`alarm:<name>`) of the consumers: while one has an incident, it waits. */
    serviceChecks: serviceChecksSetting,
    /** The KMS keys of queues encrypted with a customer-managed key: the move decrypts and encrypts with them. */
    kmsKeyArns: z._default(z.array(z.string().check(z.regex(/^arn:aws[a-z-]*:kms:/, 'expected a KMS key ARN'))), []),
  }),
  namedChecks: serviceChecksNamed,
  permissions: (s, arns) => [
    {
      // SQS's move task receives and deletes from the dead-letter queue as the caller.
      actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:StartMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      resources: [arns.of('sqs', s.target)],
    },
    { actions: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SendMessage'], resources: [arns.of('sqs', s.destination)] },
    ...(s.kmsKeyArns.length ? [{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: s.kmsKeyArns }] : []),
  ],
  targetKey: (s) => `sqs:${s.target}`,
  async plan(s, ctx) {
    const { dlq, destination } = await refusal(s, sqsOf(ctx), ctx);
    const plannedAt = ctx.clock.now().toISOString();
    return {
      summary: `move ${dlq.visible} message${dlq.visible === 1 ? '' : 's'} from ${s.target} back to ${s.destination}, ${s.messagesPerSecond} a second`,
      change: { sourceArn: dlq.arn, destinationArn: destination.arn, messages: dlq.visible, plannedAt },
    };
  },
  async execute(s, plan, ctx) {
    // Read again just before acting: a flood that arrived, a move someone started, an incident opened.
    await refusal(s, sqsOf(ctx), ctx);
    await sqsOf(ctx).startMove(plan.change.sourceArn, plan.change.destinationArn, s.messagesPerSecond);
    return `move of ${plan.change.messages} messages from ${s.target} to ${s.destination} started`;
  },
  async reconcile(s, plan, ctx) {
    const since = new Date(plan.change.plannedAt).getTime() - SKEW_MS;
    const tasks = await sqsOf(ctx).moveTasks(plan.change.sourceArn, ctx.signal);
    const found = tasks.find((t) => t.startedAt.getTime() >= since && t.destinationArn === plan.change.destinationArn);
    return found
      ? { applied: 'yes', detail: `a move from ${s.target} to ${s.destination} started at ${found.startedAt.toISOString()}: ${found.status}` }
      : { applied: 'no', detail: `no move from ${s.target} to ${s.destination} since the plan` };
  },
});
