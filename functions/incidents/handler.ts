import { VigilError } from '../../shared/errors.js';
import { examplesFor, incidentsRequest } from '../../shared/events/incidents.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import { operate, type OperatorDeps, type OperatorResult } from '../../shared/incidents/operations.js';
import type { TransitionKind } from '../../shared/state/check-state.js';
import type { Meter } from '../../shared/metrics.js';
import { remediationOf } from '../../shared/remediations/kind.js';

/** The transition each operator request makes on its incident, for the dashboard's series. */
const TRANSITION: Partial<Record<string, TransitionKind>> = {
  ack: 'acknowledged',
  resolve: 'resolved',
  silence: 'silenced',
  unsilence: 'unsilenced',
  'reset-circuit': 'acted',
};

/** What the examples in an error reply name: this config's first check and first remediation's target. */
async function exampleNames(config: OperatorDeps['config']): Promise<{ check: string; target: string }> {
  const remediation = config.remediations[0];
  return {
    check: config.checks[0]?.id ?? 'api-health',
    target: remediation ? (await remediationOf(remediation.kind)).targetKey(remediation) : 'ecs:prod/orders-api',
  };
}

/** The operator's console: list, read, acknowledge, resolve and silence incidents; reset a circuit. */
export function createIncidentsHandler(deps: OperatorDeps & { meter?: Meter }) {
  return async (event: unknown): Promise<OperatorResult | InvalidRequest> => {
    const parsed = validateEvent(incidentsRequest, event);
    if (!parsed.ok) {
      deps.log.error('invalid incidents request', { problems: parsed.problems });
      return { error: 'invalid incidents request', problems: parsed.problems, ...examplesFor(event, await exampleNames(deps.config)) };
    }
    const req = parsed.data;
    try {
      const result = await operate(req, deps);
      const kind = TRANSITION[req.op];
      if (kind && 'done' in result && result.incident) deps.meter?.count('IncidentTransitions', 1, { name: 'Kind', value: kind });
      deps.log.info(`incidents ${req.op}`, { request: req, result });
      return result;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      deps.log.error(`incidents ${req.op} refused: ${err.message}`, { request: req });
      return { error: err.message, problems: [err.message], ...examplesFor(event, await exampleNames(deps.config)) };
    }
  };
}
