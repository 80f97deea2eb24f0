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

/** Items the store asks for by key, by kind (the `pk` before `#`: CHECK, BUCKET, CONTROL…), and its queries. */
export function countReads(client: DynamoDBClient): () => Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  // As the document client gives it (a string) or as the wire carries it (`{ S }`).
  const kindOf = (key: { pk?: string | { S?: string } }) => (typeof key.pk === 'string' ? key.pk : (key.pk?.S ?? '')).split('#')[0]!;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      type Key = { pk?: string | { S?: string } };
      const input = args.input as { RequestItems?: Record<string, { Keys?: Key[] }>; Key?: Key };
      const op = (context.commandName ?? '').replace(/(Item)?Command$/, '');
      if (op === 'BatchGet') for (const { Keys } of Object.values(input.RequestItems ?? {})) (Keys ?? []).forEach((k) => add(kindOf(k)));
      if (op === 'Get' && input.Key) add(kindOf(input.Key));
      if (op === 'Query') add('Query');
      return next(args);
    },
    { step: 'initialize', name: `countReads${Math.random()}` },
  );
  return () => ({ ...counts });
}
