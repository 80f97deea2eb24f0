import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RequestError } from '../../shared/errors.js';
import { LOCAL_STATE_TABLE, openLocalState, type LocalState, type StreamReader } from '../local/state.js';
import { LOCAL_ESCALATION_TOPIC, LOCAL_TOPIC } from '../local/runtime.js';
import type { Io } from '../terminal/io.js';

/** Where `vigil invoke` keeps its local state between invocations: `.vigil/` in the project, or VIGIL_STATE_DIR. */
const stateDir = () => process.env.VIGIL_STATE_DIR || '.vigil';

export const invokeUsage =
  'vigil invoke <function> --event file.json|- [--config vigil.config.ts | --env <name>] [--reset]   (--event -: read it from standard input; vigil invoke --reset: clear the local state)';

/** Where a command's function runs: here, on the config named (or ./vigil.config.ts), or in the stack deployed as `--env <name>`. */
export type Where = { config?: string; env?: string };
export const whereOptions = { config: { type: 'string' }, env: { type: 'string' } } as const;

const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions/', import.meta.url));

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** Functions that only make sense deployed, and what to run here instead. */
const DEPLOYED_ONLY: Record<string, string> = {
  dispatch:
    "dispatch only starts the deployed run-checks functions; here, run a tick's checks with `vigil invoke run-checks --event` (vigil plan lists each tick's checks)",
};

/**
 * Runs a Lambda handler on this machine with an event file, as the Lambda console would. Its answer
 * goes to stdout and its logs to stderr. Exits 2 when the handler rejects the payload, 1 when the
 * action it asked for failed, 0 otherwise.
 */
export async function invokeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { event: { type: 'string' }, reset: { type: 'boolean' }, ...whereOptions },
  });
  const known = readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !(d.name in DEPLOYED_ONLY))
    .map((d) => d.name);
  const [name] = positionals;
  if (name && name in DEPLOYED_ONLY) throw new RequestError(DEPLOYED_ONLY[name]!);
  if (values.reset) {
    rmSync(stateDir(), { recursive: true, force: true });
    io.err(`local state cleared (${stateDir()})`);
    if (!name) return 0;
  }
  if (!name || !known.includes(name)) {
    throw new RequestError(`${name ? `unknown function "${name}"` : 'name a function'}; known: ${known.join(', ')}. Usage: ${invokeUsage}`);
  }
  if (!values.event) throw new RequestError(`--event is required. Usage: ${invokeUsage}`);
  let event: unknown;
  try {
    // `-` is standard input: `cat ack.json | vigil invoke incidents --event -`.
    event = JSON.parse(readFileSync(values.event === '-' ? 0 : values.event, 'utf8'));
  } catch (err) {
    throw new RequestError(`--event ${values.event}: ${(err as Error).message}`);
  }
  return invokeFunction(name, event, io, values);
}

/**
 * One function: its handler on this machine, on the local state or the table TABLE_NAME names, or with
 * `--env` the deployed one. Its answer on stdout (as JSON, or as `print` writes it), its exit code returned.
 */
export async function invokeFunction(name: string, event: unknown, io: Io, where: Where, print: (result: unknown) => string = asJson): Promise<number> {
  if (where.env !== undefined) return invokeRemote(name, event, io, where, print);
  // The handlers run the config deployed.ts loads: the one named here, or ./vigil.config.ts, as for `vigil run`.
  process.env.VIGIL_CONFIG = resolve(where.config ?? 'vigil.config.ts');
  const local = process.env.TABLE_NAME ? undefined : await localTable(io);
  try {
    const { handler } = (await import(pathToFileURL(join(FUNCTIONS_DIR, name, 'index.ts')).href)) as { handler: Handler };
    const result = await logsToStderr(() => handler(event, localContext(name)));
    io.out(print(result));
    if (local) await logsToStderr(() => deliverLocalStream(local));
    return exitCodeOf(result);
  } finally {
    await local?.close();
  }
}

const asJson = (result: unknown) => JSON.stringify(result, null, 2);

/** The deployed function runs its own config: naming one here as well would mean two. */
async function invokeRemote(name: string, event: unknown, io: Io, where: Where, print: (result: unknown) => string): Promise<number> {
  if (!where.env?.trim()) throw new RequestError('--env needs the environment deployed, e.g. --env prod (the stack Vigil-prod)');
  if (where.config) throw new RequestError('--config and --env: choose one; the deployed stack runs the config it was deployed with');
  const { invokeDeployed } = await import('./deployed.js');
  const reply = await invokeDeployed(name, event, where.env);
  if ('threw' in reply) {
    io.err(reply.threw);
    return 1;
  }
  io.out(print(reply.answer));
  return exitCodeOf(reply.answer);
}

/**
 * What the table's stream would carry, as in AWS: to notify (its notifications printed and kept), and
 * to on-alarm when a runbook is started by a check (its actions go to the AWS your credentials name).
 */
async function deliverLocalStream(local: LocalState): Promise<void> {
  const [{ deployedConfig }, { vigilLog }] = await Promise.all([import('../../shared/config/deployed.js'), import('../../shared/aws/log.js')]);
  const checkRunbooks = deployedConfig.runbooks.some((r) => r.match.checks);
  const readers = checkRunbooks ? [((await import(pathToFileURL(join(FUNCTIONS_DIR, 'on-alarm', 'index.ts')).href)) as { handler: StreamReader }).handler] : [];
  await local.deliverStream(deployedConfig, vigilLog('notify'), readers);
}

/**
 * 2: the payload was rejected; 1: the action it asked for failed or was refused (a guardrail that held
 * a manual run or an approval, a cooldown included); 0: anything else.
 */
export function exitCodeOf(result: unknown): number {
  const r = (result ?? {}) as { error?: unknown; outcome?: unknown; dryRun?: unknown; approvedBy?: unknown; steps?: { step?: string; outcome?: unknown }[] };
  if (r.error !== undefined) return 2;
  const failed = (o: unknown) => o === 'failed' || o === 'refused';
  // A human asked for this very action: anything but doing it is a refusal.
  if (r.dryRun === false) return r.outcome === 'acted' ? 0 : 1;
  if (r.dryRun === true) return r.outcome === 'would refuse' ? 1 : 0;
  if (r.approvedBy !== undefined) return (r.steps ?? []).some((s) => s.step?.startsWith('act ') && s.outcome !== 'acted') ? 1 : 0;
  return failed(r.outcome) || (r.steps ?? []).some((s) => failed(s.outcome)) ? 1 : 0;
}

/** The handler's log lines (Powertools writes them to stdout, as Lambda wants) go to stderr, leaving stdout its answer. */
async function logsToStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/**
 * Without TABLE_NAME, the handler gets the local state table in .vigil/ (dynalite on disk), which
 * lasts between invocations, and notify hears of its writes as from the stream. With TABLE_NAME and
 * AWS credentials, it uses the deployed table.
 */
async function localTable(io: Io): Promise<LocalState> {
  const state = await openLocalState(stateDir(), (line) => io.err(line));
  const saved = { ...process.env };
  process.env.TABLE_NAME = LOCAL_STATE_TABLE;
  // The SDK's per-service endpoint setting: DynamoDB and SNS go local; other AWS calls are real.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = state.endpoint;
  process.env.AWS_ENDPOINT_URL_SNS = state.endpoint;
  process.env.TOPIC_ARN ??= LOCAL_TOPIC;
  process.env.ESCALATION_TOPIC_ARN ??= LOCAL_ESCALATION_TOPIC;
  process.env.AWS_REGION ??= 'eu-west-1';
  if (!process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE) Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  io.err(
    `TABLE_NAME is not set: using the local state in ${stateDir()} (kept between invocations; --reset clears it). Set TABLE_NAME to use a deployed table.`,
  );
  return {
    ...state,
    close: async () => {
      process.env = saved;
      await state.close();
    },
  };
}

function localContext(functionName: string) {
  const deadline = Date.now() + 60_000;
  return {
    functionName,
    functionVersion: '$LATEST',
    awsRequestId: `local-${Date.now()}`,
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}
