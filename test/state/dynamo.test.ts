import { afterAll, beforeAll } from 'vitest';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import { freshTable, startLocalDynamo } from '../support/dynamo.js';
import { stateStoreContract } from './contract.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());

stateStoreContract('DynamoDB (dynalite)', async () => new DynamoStateStore(dynamo.doc, await freshTable(dynamo)));
