import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { allItems, createStateTable, startLocalDynamo, type LocalDynamo } from '../../app/local/dynamo.js';

let tables = 0;

/** A fresh table in a shared dynalite; each test gets its own, so tests cannot see each other's items. */
export async function freshTable(dynamo: LocalDynamo): Promise<string> {
  const name = `vigil-test-${++tables}`;
  await createStateTable(dynamo.client, name);
  return name;
}

export { allItems, startLocalDynamo };

/** Counts the write requests a client sends, by operation. */
export function countWrites(client: DynamoDBClient): () => Record<string, number> {
  const counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = context.commandName ?? '';
      if (/^(Put|Update|Delete|BatchWrite)/.test(op)) counts[op] = (counts[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: `countWrites${Math.random()}` },
  );
  return () => ({ ...counts });
}
