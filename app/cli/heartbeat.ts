import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../shared/config/load.js';
import { RequestError } from '../../shared/errors.js';
import { reportInput, shortMessage } from '../../shared/heartbeats/report.js';
import { LOCAL_STATE_TABLE, openLocalState } from '../local/state.js';
import { DynamoStateStore } from '../../shared/state/dynamo.js';
import type { Io } from '../terminal/io.js';

export const heartbeatUsage = 'vigil heartbeat <check id> [--status ok|fail] [--message text] [--config vigil.config.ts] [--table name]';

/**
 * A job reports in from a machine with AWS credentials: one write to the state table (`--table`, or
 * TABLE_NAME). Without either, to the local state in `.vigil/`, which `vigil invoke run-checks` reads.
 */
export async function heartbeatCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { status: { type: 'string', default: 'ok' }, message: { type: 'string' }, config: { type: 'string' }, table: { type: 'string' } },
  });
  const [checkId] = positionals;
  const config = await loadConfigFile(values.config ?? 'vigil.config.ts');
  const heartbeats = config.checks.filter((c) => c.kind === 'heartbeat').map((c) => c.id);
  if (!checkId || !heartbeats.includes(checkId)) {
    throw new RequestError(
      `${checkId ? `"${checkId}" is not a heartbeat check` : 'name a heartbeat check'}; the config's heartbeats are: ${heartbeats.join(', ') || 'none'}. Usage: ${heartbeatUsage}`,
    );
  }
  const parsed = reportInput.safeParse({ status: values.status, message: values.message });
  if (!parsed.success) {
    // Each problem under the option that carries it: a long message is not a bad status.
    const problems = parsed.error.issues.map((i) =>
      i.path[0] === 'status' ? `--status ${values.status}: expected ok or fail` : `--${String(i.path[0])}: ${i.message}`,
    );
    throw new RequestError(`${problems.join('; ')}. Usage: ${heartbeatUsage}`);
  }
  const message = shortMessage(parsed.data.message);
  const report = { at: new Date().toISOString(), status: parsed.data.status, via: 'cli' as const, ...(message ? { message } : {}) };
  const table = values.table ?? process.env.TABLE_NAME;
  if (table) {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    await new DynamoStateStore(db, table).putHeartbeat(checkId, report);
  } else {
    const dir = process.env.VIGIL_STATE_DIR || '.vigil';
    const local = await openLocalState(dir, (line) => io.err(line));
    try {
      const db = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: local.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
      );
      await new DynamoStateStore(db, LOCAL_STATE_TABLE).putHeartbeat(checkId, report);
    } finally {
      await local.close();
    }
  }
  io.out(`heartbeat ${checkId}: ${report.status} at ${report.at}${message ? ` (${message})` : ''}${table ? ` in ${table}` : ' in the local state'}`);
  return 0;
}
