import { afterAll, beforeAll } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from '../../../app/local/dynamo.js';
import { startHttpTarget, type LocalTarget } from '../../../app/local/servers.js';

/**
 * What the fault tests stand on, for the file that calls it: a local DynamoDB, and an API that always answers 503,
 * so a restart never helps, verify fails, and Vigil must escalate. Started before the file's tests, closed after.
 */
export function faultGround(): { readonly local: LocalDynamo; readonly api: LocalTarget } {
  const ground = {} as { local: LocalDynamo; api: LocalTarget };
  beforeAll(async () => {
    ground.local = await startLocalDynamo();
    ground.api = await startHttpTarget((_, res) => res.writeHead(503).end());
  });
  afterAll(async () => {
    await ground.api?.close();
    await ground.local?.close();
  });
  return ground;
}
