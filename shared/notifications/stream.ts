import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { isNewTransition, type CheckState, type Transition } from '../state/check-state.js';

export interface StreamTransition {
  state: CheckState & { incident: NonNullable<CheckState['incident']> };
  transition: Transition;
}

/** The check state a stream record wrote, and the one it replaced; undefined for any other item. */
export function checkStatesIn(record: DynamoDBRecord): { old: CheckState | undefined; next: CheckState } | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.type !== 'check') return undefined;
  const old = record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>) : undefined;
  return { old: old?.state as CheckState | undefined, next: item.state as CheckState };
}

/** The transition a stream record carries, if its write made one; any other write is not news. */
export function transitionIn(record: DynamoDBRecord): StreamTransition | undefined {
  const states = checkStatesIn(record);
  if (!states) return undefined;
  const { old, next: state } = states;
  if (!isNewTransition(old, state) || !state.incident) return undefined;
  return { state: state as StreamTransition['state'], transition: state.transition! };
}
