import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type PutCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Silence } from '../config/silences.js';
import type { Finding } from '../findings.js';
import type { CheckState, Incident, Transition } from './check-state.js';
import { ACTIVE_INCIDENTS, keys, STATE_TABLE } from './table.js';
import { type GuardRead, type IncidentCount, type Proposal, type StateStore, type TimelineEntry } from './ports.js';
import type { Brake } from './brake.js';
import type { StatusRecord } from './status.js';
import type { BucketWindows, RoundSummary, SummaryRead } from './round-summary.js';
import type { RunRecord } from './run.js';
import type { HeartbeatReport } from './heartbeat.js';
import type { GuardState, KillSwitch } from './guard.js';
import { knownSecrets } from '../secrets/mask.js';
import { StateConflictError } from '../errors.js';

const BATCH_GET = 100;
const BATCH_WRITE = 25;
const ATTEMPTS = 5;

const masking = new WeakSet<object>();

/** Every item written is masked with the secrets the process knows: a last guard, whatever put a secret into it. */
function maskWrites(db: DynamoDBDocumentClient): void {
  if (masking.has(db.middlewareStack)) return;
  masking.add(db.middlewareStack);
  db.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { Item?: unknown; RequestItems?: unknown };
      if (!knownSecrets.empty && (input.Item || input.RequestItems)) {
        args.input = {
          ...input,
          ...(input.Item ? { Item: knownSecrets.deep(input.Item) } : {}),
          ...(input.RequestItems ? { RequestItems: knownSecrets.deep(input.RequestItems) } : {}),
        };
      }
      return next(args);
    },
    { step: 'initialize', name: 'vigilMaskSecrets' },
  );
}

const epochSeconds = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

/** The StateStore on one DynamoDB table (docs/state.md). Builds commands; decides nothing. */
export class DynamoStateStore implements StateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    maskWrites(db);
  }

  async getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState>> {
    const states = new Map<string, CheckState>();
    for (let i = 0; i < checkIds.length; i += BATCH_GET) {
      let request: Record<string, unknown>[] = checkIds.slice(i, i + BATCH_GET).map(keys.checkState);
      for (let attempt = 1; request.length; attempt++) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.table] ?? []) states.set(item.state.checkId, item.state as CheckState);
        request = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
        // Fail closed: deciding on a partial read could open a second incident.
        if (request.length && attempt >= ATTEMPTS) throw new Error(`DynamoDB left ${request.length} check states unread after ${ATTEMPTS} attempts`);
        if (request.length) await backoff(attempt);
      }
    }
    return states;
  }

  async putCheckState(state: CheckState, expectedVersion: number | undefined): Promise<void> {
    // The version guard: two rounds racing on one check cannot both win.
    // `failing` at the top of the item: what on-alarm's stream filter reads, the same size however many checks start runbooks.
    await this.conditionalPut(
      { ...keys.checkState(state.checkId), type: 'check', version: state.version, failing: state.streak.failing, state },
      expectedVersion,
      `check ${state.checkId}`,
    );
  }

  async readSummary(bucket: string, options: { windows?: boolean } = {}): Promise<SummaryRead> {
    const wanted = [keys.summary(bucket), keys.statesTouched(), ...(options.windows ? [keys.windows(bucket)] : [])];
    const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }));
    // Two small items are never left unprocessed but under throttling: read them one by one then.
    const items = out.UnprocessedKeys?.[this.table]?.Keys?.length
      ? await Promise.all(wanted.map(async (Key) => (await this.db.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }))).Item))
      : (out.Responses?.[this.table] ?? []);
    const item = (key: { pk: string; sk: string }) => items.find((i) => i?.pk === key.pk && i?.sk === key.sk);
    const stored = item(keys.summary(bucket))?.summary as Uint8Array | undefined;
    const windows = item(keys.windows(bucket))?.windows as Uint8Array | undefined;
    return {
      summary: stored && (JSON.parse(gunzipSync(stored).toString('utf8')) as RoundSummary),
      touched: Number(item(keys.statesTouched())?.touched ?? 0),
      ...(options.windows ? { windows: windows ? (JSON.parse(gunzipSync(windows).toString('utf8')) as BucketWindows) : {} } : {}),
    };
  }

  async putWindows(bucket: string, windows: BucketWindows): Promise<void> {
    // Whole each round, unconditionally: two rounds of one bucket racing lose a round of history at most. Kept a day past the last round.
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.windows(bucket),
          type: 'windows',
          windows: gzipSync(JSON.stringify(windows)),
          [STATE_TABLE.ttlAttribute]: Math.floor(Date.now() / 1000) + 86_400,
        },
      }),
    );
  }

  async putSummary(summary: RoundSummary, expectedVersion: number | undefined): Promise<void> {
    // A bucket that leaves the plan (a deploy moved its checks) leaves its summary to expire.
    const expiresAt = epochSeconds(summary.filledAt) + 86_400;
    // Fifty states of one shape shrink about tenfold: a steady round's read is one unit, not three. Masked
    // before, since the writes' masking cannot see into the compressed bytes.
    const packed = gzipSync(JSON.stringify(knownSecrets.deep(summary)));
    await this.conditionalPut(
      { ...keys.summary(summary.bucket), type: 'summary', version: summary.version, summary: packed, [STATE_TABLE.ttlAttribute]: expiresAt },
      expectedVersion,
      `summary of ${summary.bucket}`,
    );
  }

  async deleteSummary(bucket: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.summary(bucket) }));
  }

  async markStatesTouched(): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.statesTouched(),
        UpdateExpression: 'ADD touched :one SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'control' },
      }),
    );
  }

  async recordFindings(findings: readonly Finding[], expiresAt: Date): Promise<void> {
    const puts = findings.map((f) => ({
      PutRequest: { Item: { ...keys.finding(f.checkId, f.startedAt), type: 'finding', finding: f, [STATE_TABLE.ttlAttribute]: epochSeconds(expiresAt) } },
    }));
    for (let i = 0; i < puts.length; i += BATCH_WRITE) {
      let request = puts.slice(i, i + BATCH_WRITE);
      for (let attempt = 1; request.length; attempt++) {
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: request } }));
        request = (out.UnprocessedItems?.[this.table] ?? []) as typeof request;
        if (request.length && attempt >= ATTEMPTS) throw new Error(`DynamoDB left ${request.length} findings unwritten after ${ATTEMPTS} attempts`);
        if (request.length) await backoff(attempt);
      }
    }
  }

  async listFindings(checkId: string): Promise<Finding[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.finding(checkId, '').pk } });
    return items.map((i) => i.finding as Finding);
  }

  async listSilences(): Promise<Silence[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.silence('').pk } });
    return items.map((i) => i.silence as Silence);
  }

  async putSilence(silence: Silence & { until: string }): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.silence(silence.id), type: 'silence', silence, [STATE_TABLE.ttlAttribute]: epochSeconds(silence.until) },
      }),
    );
  }

  async deleteSilence(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.silence(id) }));
  }

  async appendTimeline(incidentId: string, entry: TimelineEntry): Promise<void> {
    // Already written: a retry.
    await this.putLine(incidentId, entry, { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  async putDeliveryLine(incidentId: string, entry: TimelineEntry): Promise<void> {
    // A line that says the message went out (or was held) is final; one that counts sends is not.
    await this.putLine(incidentId, entry, {
      ConditionExpression: 'attribute_not_exists(pk) OR #entry.kind = :sending',
      ExpressionAttributeNames: { '#entry': 'entry' },
      ExpressionAttributeValues: { ':sending': 'sending' },
    });
  }

  /** A timeline line, written only where `condition` holds; where it does not, the line there stands. */
  private async putLine(
    incidentId: string,
    entry: TimelineEntry,
    condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
  ) {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...keys.timeline(incidentId, entry.at, entry.key), type: 'timeline', entry }, ...condition }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async getTimelineEntry(incidentId: string, at: string, key: string): Promise<TimelineEntry | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.timeline(incidentId, at, key), ConsistentRead: true }));
    return out.Item?.entry as TimelineEntry | undefined;
  }

  async getTimeline(incidentId: string): Promise<TimelineEntry[]> {
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': keys.incident(incidentId).pk, ':t': 'T#' },
    });
    return items.map((i) => i.entry as TimelineEntry);
  }

  async putIncident(incident: Incident, transition: Transition): Promise<void> {
    const active = incident.state !== 'resolved';
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys.incident(incident.id),
            type: 'incident',
            seq: transition.seq,
            incident,
            ...(active ? { [STATE_TABLE.activeIndex.partitionKey]: ACTIVE_INCIDENTS, [STATE_TABLE.activeIndex.sortKey]: incident.openedAt } : {}),
          },
          // Stream records can be retried; an older transition must not undo a newer one.
          ConditionExpression: 'attribute_not_exists(pk) OR seq <= :seq',
          ExpressionAttributeValues: { ':seq': transition.seq },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async getIncident(incidentId: string): Promise<Incident | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.incident(incidentId) }));
    return out.Item?.incident as Incident | undefined;
  }

  async listActiveIncidents(limit: number): Promise<{ incidents: Incident[]; more: boolean }> {
    const out = await this.db.send(this.activeQuery({ Limit: limit }));
    return { incidents: (out.Items ?? []).map((i) => i.incident as Incident), more: out.LastEvaluatedKey !== undefined };
  }

  async countActiveIncidents(only: IncidentCount = {}): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(this.activeQuery({ Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }, only));
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** A query of the sparse index that holds active incidents only, oldest first. */
  private activeQuery(page: Pick<QueryCommandInput, 'Limit' | 'Select' | 'ExclusiveStartKey'>, only: IncidentCount = {}): QueryCommand {
    const { name, partitionKey, sortKey } = STATE_TABLE.activeIndex;
    return new QueryCommand({
      TableName: this.table,
      IndexName: name,
      KeyConditionExpression: `${partitionKey} = :active${only.openedSince ? ` AND ${sortKey} >= :since` : ''}`,
      ...filterOf(only),
      ExpressionAttributeValues: {
        ':active': ACTIVE_INCIDENTS,
        ...(only.openedSince ? { ':since': only.openedSince } : {}),
        ...(only.checksOnly ? { ':alarm': 'alarm:' } : {}),
        ...(only.independent ? { ':silenced': true } : {}),
      },
      ...page,
    });
  }

  async getGuard(targetKey: string, checkId?: string): Promise<GuardRead> {
    const wanted = [keys.guard(targetKey), keys.killSwitch(), keys.brake(), ...(checkId ? [keys.checkState(checkId)] : [])];
    const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }));
    if (out.UnprocessedKeys?.[this.table]?.Keys?.length) throw new Error('DynamoDB left the guard state unread; not acting on a partial read');
    const items = out.Responses?.[this.table] ?? [];
    const item = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
    return {
      guard: item(keys.guard(targetKey))?.guard as GuardState | undefined,
      killSwitch: item(keys.killSwitch())?.killSwitch as KillSwitch | undefined,
      brake: item(keys.brake())?.brake as Brake | undefined,
      ...(checkId ? { check: item(keys.checkState(checkId))?.state as CheckState | undefined } : {}),
    };
  }

  async putGuard(guard: GuardState, expectedVersion: number | undefined): Promise<void> {
    await this.conditionalPut({ ...keys.guard(guard.targetKey), type: 'guard', version: guard.version, guard }, expectedVersion, `guard of ${guard.targetKey}`);
  }

  async getBrake(): Promise<Brake | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.brake(), ConsistentRead: true }));
    return out.Item?.brake as Brake | undefined;
  }

  async putBrake(brake: Brake, expectedVersion: number | undefined): Promise<void> {
    await this.conditionalPut({ ...keys.brake(), type: 'brake', version: brake.version, brake }, expectedVersion, 'brake');
  }

  async getStatusRecord(): Promise<StatusRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.status(), ConsistentRead: true }));
    return out.Item?.record as StatusRecord | undefined;
  }

  async putStatusRecord(record: StatusRecord, expectedVersion: number | undefined): Promise<void> {
    await this.conditionalPut({ ...keys.status(), type: 'status', version: record.version, record }, expectedVersion, 'status page');
  }

  async setKillSwitch(killSwitch: KillSwitch): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.killSwitch(), type: 'control', killSwitch } }));
  }

  async putProposal(proposal: Proposal): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.proposal(proposal.id), type: 'proposal', proposal, [STATE_TABLE.ttlAttribute]: epochSeconds(proposal.expiresAt) + 86_400 },
      }),
    );
  }

  async getProposal(id: string): Promise<Proposal | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.proposal(id), ConsistentRead: true }));
    return out.Item?.proposal as Proposal | undefined;
  }

  async getHeartbeat(checkId: string): Promise<HeartbeatReport | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.heartbeat(checkId), ConsistentRead: true }));
    return out.Item?.heartbeat as HeartbeatReport | undefined;
  }

  /** The newest report wins: one that arrives after a later one (a retried request) changes nothing. */
  async putHeartbeat(checkId: string, report: HeartbeatReport): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.heartbeat(checkId), type: 'heartbeat', heartbeat: report },
          ConditionExpression: 'attribute_not_exists(pk) OR heartbeat.#at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': report.at },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.run(id), ConsistentRead: true }));
    return out.Item?.run as RunRecord | undefined;
  }

  async putRun(run: RunRecord, expectedVersion: number | undefined): Promise<void> {
    // Kept a week: far longer than any retry or duplicate delivery of its event.
    await this.conditionalPut(
      { ...keys.run(run.id), type: 'run', version: run.version, run, [STATE_TABLE.ttlAttribute]: epochSeconds(run.startedAt) + 7 * 86_400 },
      expectedVersion,
      `run ${run.id}`,
    );
  }

  /**
   * The version guard shared by check states, guards and runs. Each write carries a fresh id: when
   * the condition fails because this very write already landed (its reply was lost and the SDK sent
   * it again), reading the item back tells so, and the write counts as done.
   */
  private async conditionalPut(item: Record<string, unknown> & { version: number }, expectedVersion: number | undefined, what: string): Promise<void> {
    const writeId = randomUUID();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...item, writeId },
          ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === undefined ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const stored = await this.db.send(
        new GetCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true, ProjectionExpression: 'writeId' }),
      );
      if (stored.Item?.writeId === writeId) return;
      throw new StateConflictError(`${what} changed since version ${expectedVersion ?? 'none'}`, { cause: err });
    }
  }

  private async query(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new QueryCommand({ ...input, TableName: this.table, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt * (0.5 + Math.random()))));
}

/** The brake's counts: each its own problem (not caused by a check it depends on, nor grouped, nor silenced), and of checks only. */
function filterOf(only: IncidentCount): { FilterExpression?: string } {
  const conditions = [
    ...(only.independent ? ['attribute_not_exists(incident.causedBy)', 'attribute_not_exists(incident.groupedWith)', 'incident.silenced <> :silenced'] : []),
    ...(only.checksOnly ? ['NOT begins_with(incident.checkId, :alarm)'] : []),
  ];
  return conditions.length ? { FilterExpression: conditions.join(' AND ') } : {};
}
