import { parseArgs } from 'node:util';
import { runDemo } from '../demo/scenario.js';
import { ConfigError, RequestError, VigilError } from '../../shared/errors.js';
import { parseDuration } from '../terminal/duration.js';
import { heartbeatCommand, heartbeatUsage } from './heartbeat.js';
import { invokeCommand, invokeUsage } from './invoke.js';
import { processIo, type Io } from '../terminal/io.js';
import { runCommand, runUsage } from './run.js';
import { silenceCommand, silenceUsage } from './silence.js';
import { humanCommand, incidentsCommand, incidentsUsage, releaseBrakeCommand, updateCommand } from './incidents.js';
import { approveCommand, remediateCommand, remediateUsage } from './remediate.js';
import { planCommand, planUsage } from './plan.js';

const USAGE = `Usage:
  ${runUsage}
  ${invokeUsage}
  ${heartbeatUsage}
  ${silenceUsage}
  ${incidentsUsage}
  ${remediateUsage}
  ${planUsage}
  vigil demo [--interval 1s]     what npm start runs: local targets, a fault, a recovery

The operator's commands (incidents, ack, resolve, update, silence, unsilence, release-brake, remediate, approve,
invoke) run on the local state in .vigil/ by default; with --env <name> they call the functions of the
stack deployed with -c environment=<name> (Vigil-<name>), with your AWS credentials and region.`;

/** The `vigil` command. Returns the exit code: 0 fine, 1 a check failed, 2 bad input. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    const [command, ...args] = argv;
    switch (command) {
      case 'run':
        return await runCommand(args, io, stop.signal);
      case 'invoke':
        return await invokeCommand(args, io);
      case 'heartbeat':
        return await heartbeatCommand(args, io);
      case 'silence':
      case 'unsilence':
        return await silenceCommand(command, args, io);
      case 'incidents':
        return await incidentsCommand(args, io);
      case 'ack':
      case 'resolve':
        return await humanCommand(command, args, io);
      case 'update':
        return await updateCommand(args, io);
      case 'release-brake':
        return await releaseBrakeCommand(args, io);
      case 'remediate':
        return await remediateCommand(args, io);
      case 'approve':
        return await approveCommand(args, io);
      case 'plan':
        return await planCommand(args, io);
      case 'demo':
        return await demoCommand(args, io, stop.signal);
      case undefined:
      case 'help':
      case '--help':
        io.out(USAGE);
        return 0;
      default:
        io.err(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    return report(err, io);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function demoCommand(args: string[], io: Io, signal: AbortSignal): Promise<number> {
  const { values } = parseArgs({ args, options: { interval: { type: 'string', default: '1s' } } });
  const intervalMs = parseDuration(values.interval);
  if (intervalMs === undefined) throw new RequestError(`--interval ${values.interval}: expected a duration, e.g. 1s`);
  return runDemo({ intervalMs, io, signal });
}

/** Expected problems get their message and no stack; anything else is a bug and keeps its stack. */
function report(err: unknown, io: Io): number {
  if (err instanceof ConfigError || err instanceof VigilError) {
    io.err(err.message);
    return 2;
  }
  const code = (err as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  io.err(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return 1;
}
