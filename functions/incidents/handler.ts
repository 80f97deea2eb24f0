import { VigilError } from '../../shared/errors.js';
import { examplesFor, incidentsRequest, type IncidentsRequest } from '../../shared/events/incidents.js';
import type { VigilConfig } from '../../shared/config/schema.js';
import { checkIdOf } from '../../shared/state/check-state.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import { operate, type OperatorDeps, type OperatorResult } from '../../shared/incidents/operations.js';
import type { TransitionKind } from '../../shared/state/check-state.js';
import type { Meter } from '../../shared/metrics.js';
import { remediationOf } from '../../shared/remediations/kind.js';
import { firstCheckId } from '../../shared/config/whole.js';

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
    check: firstCheckId(config) ?? 'api-health',
    target: remediation ? (await remediationOf(remediation.kind)).targetKey(remediation) : 'ecs:prod/orders-api',
  };
}

/** The checks a request is about: every check for one over tags. */
function checksNamed(req: IncidentsRequest): readonly string[] | 'all' {
  if ('tags' in req && req.tags) return 'all';
  if ('incident' in req && req.incident) return [checkIdOf(req.incident)];
  return 'check' in req && req.check ? [req.check] : [];
}

/** The operator's console: list, read, acknowledge, resolve and silence incidents; reset a circuit. */
export function createIncidentsHandler({ configFor, ...deps }: OperatorDeps & { meter?: Meter; configFor?: (ids: readonly string[] | 'all') => VigilConfig }) {
  return async (event: unknown): Promise<OperatorResult | InvalidRequest> => {
    const parsed = validateEvent(incidentsRequest, event);
    if (!parsed.ok) {
      deps.log.error('invalid incidents request', { problems: parsed.problems });
      return { error: 'invalid incidents request', problems: parsed.problems, ...examplesFor(event, await exampleNames(deps.config)) };
    }
    const req = parsed.data;
    try {
      const result = await operate(req, configFor ? { ...deps, config: configFor(checksNamed(req)) } : deps);
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
