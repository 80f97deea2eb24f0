import { meterRunbook, type RunbookDeps, type RunbookResult } from '../../shared/runbooks/execute.js';

/** A run's outcome in the log and the metrics; a replay is logged as one, and not counted again. */
export function report(result: RunbookResult, deps: RunbookDeps): void {
  if (result.replay) {
    deps.log.info(
      `replay: ${result.alarm ?? result.check} ${result.state} was handled at ${result.replay.at}: ${result.replay.firstVerdict}; nothing done again`,
      { eventId: result.replay.of },
    );
    return;
  }
  meterRunbook(result, deps.meter);
  deps.log.info(`${result.alarm ?? result.check} ${result.state}: ${result.verdict}`, { result });
}
