import type { AwsPorts } from '../aws/ports.js';
import type { Clock } from '../clock.js';
import type { RemediationContext } from '../remediations/remediation.js';
import type { IncidentRecords } from '../state/ports.js';

/** How many active incidents a guard reads: past it, it cannot tell that none is its target's, and refuses. */
const READ_AT_MOST = 200;

/** What a remediation's plan, action and read-back get: AWS, the clock, and the incidents other than the one it answers. */
export function remediationContext(
  deps: { aws: AwsPorts; clock: Clock; store: Pick<IncidentRecords, 'listActiveIncidents'> },
  answering?: string,
): RemediationContext {
  return {
    aws: deps.aws,
    clock: deps.clock,
    incidents: {
      async others() {
        // One more than it reads: a page that stops exactly at the limit says "more" whether or not there is.
        const { incidents } = await deps.store.listActiveIncidents(READ_AT_MOST + 1);
        return {
          incidents: incidents
            .slice(0, READ_AT_MOST)
            .filter((i) => i.id !== answering)
            .map(({ id, checkId, target, summary }) => ({ id, checkId, target, summary })),
          complete: incidents.length <= READ_AT_MOST,
        };
      },
    },
  };
}
