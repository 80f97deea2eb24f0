import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { VigilConfig } from '../../shared/config/schema.js';
import { deliver, type NotifyDeps } from '../../shared/notifications/deliver.js';
import { transitionIn } from '../../shared/notifications/stream.js';
import { brakeChangeIn, deliverBrake } from '../../shared/notifications/brake.js';

export type { NotifyDeps };

export interface NotifyHandlerDeps extends NotifyDeps {
  /** The config a message about these checks reads. Default: `config`. */
  configFor?: (checkIds: readonly string[]) => VigilConfig;
}

/**
 * The outbox reader: each new transition on a check-state item becomes its SNS message and its
 * timeline entries. Records are handled in order; on the first failure the rest of the batch is
 * returned for retry, so nothing is skipped.
 */
export function createNotifyHandler({ configFor, ...deps }: NotifyHandlerDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse & { error?: string }> => {
    if (!Array.isArray(event?.Records)) {
      // Someone invoked it by hand: its only input is the table's stream (events/notify-stream.json shows one).
      deps.log.error('not a DynamoDB stream event');
      return { batchItemFailures: [], error: "not a DynamoDB stream event: notify reads the state table's stream; see events/notify-stream.json" };
    }
    for (const record of event.Records) {
      const brake = brakeChangeIn(record);
      if (brake) {
        try {
          await deliverBrake(brake, deps);
        } catch (err) {
          deps.log.error('could not send the brake message; the stream will deliver this record again', {
            error: err instanceof Error ? err.message : String(err),
          });
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' }] };
        }
        continue;
      }
      const found = transitionIn(record);
      if (!found) continue;
      try {
        await deliver(found, configFor ? { ...deps, config: configFor([found.state.checkId]) } : deps);
      } catch (err) {
        deps.log.error('could not notify; the stream will deliver this record again', {
          incidentId: found.transition.incidentId,
          transition: found.transition.kind,
          error: err instanceof Error ? err.message : String(err),
        });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
