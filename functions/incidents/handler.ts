import { VigilError } from '../../shared/errors.js';
import { examplesFor, incidentsRequest } from '../../shared/events/incidents.js';
import { validateEvent, type InvalidRequest } from '../../shared/events/validate.js';
import { operate, type OperatorDeps, type OperatorResult } from '../../shared/incidents/operations.js';

/** The operator's console: list, read, acknowledge, resolve and silence incidents; reset a circuit. */
export function createIncidentsHandler(deps: OperatorDeps) {
  return async (event: unknown): Promise<OperatorResult | InvalidRequest> => {
    const parsed = validateEvent(incidentsRequest, event);
    if (!parsed.ok) {
      deps.log.error('invalid incidents request', { problems: parsed.problems });
      return { error: 'invalid incidents request', problems: parsed.problems, ...examplesFor(event) };
    }
    const req = parsed.data;
    try {
      const result = await operate(req, deps);
      deps.log.info(`incidents ${req.op}`, { request: req, result });
      return result;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      deps.log.error(`incidents ${req.op} refused: ${err.message}`, { request: req });
      return { error: err.message, problems: [err.message], ...examplesFor(event) };
    }
  };
}
