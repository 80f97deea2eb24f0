import type { VigilConfig } from '../config/schema.js';
import type { Clock } from '../clock.js';
import { askBrake, countingSince, watchBrake, type ActionAsk, type BrakeView, type CountedView } from './brake.js';
import type { Brake } from '../state/brake.js';
import type { Brakes, IncidentRecords } from '../state/ports.js';
import { readDecideWrite } from '../state/read-decide-write.js';

export interface BrakeDeps {
  config: Pick<VigilConfig, 'brake' | 'checks'>;
  store: Brakes & Pick<IncidentRecords, 'countActiveIncidents'>;
  clock: Clock;
}

/** The incidents the brake decides on, counted now: each its own problem (not caused by a check it depends on, nor grouped). */
export async function countedView(brake: Brake | undefined, { config, store, clock }: BrakeDeps): Promise<CountedView> {
  const now = clock.now();
  const openedSince = countingSince(brake, now, config.brake);
  const [openedRecently, checksOpenedRecently, active] = await Promise.all([
    store.countActiveIncidents({ independent: true, openedSince }),
    store.countActiveIncidents({ independent: true, openedSince, checksOnly: true }),
    store.countActiveIncidents({ independent: true }),
  ]);
  return { counts: { openedRecently, checksOpenedRecently, active }, checks: config.checks.length, now, policy: config.brake };
}

/**
 * What an action asks the brake on: off, its budget alone (notify engages it on failures, so the path to acting
 * waits on no count); on, the incidents counted too, to see whether it may lift.
 */
export function actionView(brake: Brake | undefined, deps: BrakeDeps): BrakeView | Promise<BrakeView> {
  return brake?.engaged ? countedView(brake, deps) : { checks: deps.config.checks.length, now: deps.clock.now(), policy: deps.config.brake };
}

export interface BrakeRead<V extends BrakeView = BrakeView> {
  brake: Brake | undefined;
  view: V;
}

/**
 * Asks the brake before an automatic action: counted in the hour's budget, or held with the reason why (the
 * caller proposes instead). One conditional write; a lost reply is read back, so it counts once. A failed
 * read or write throws: no action goes without the brake's word.
 */
export async function passBrake(ask: ActionAsk, known: BrakeRead, deps: BrakeDeps): Promise<string | undefined> {
  let held: string | undefined;
  await readDecideWrite({
    known: { current: known },
    // A retry after a lost race reads the brake again, and counts again if it is on.
    read: async () => {
      const brake = await deps.store.getBrake();
      return { brake, view: await actionView(brake, deps) };
    },
    item: ({ brake }) => brake,
    decide: ({ brake, view }) => {
      const asked = askBrake(brake, ask, view);
      held = asked.held;
      return asked.next;
    },
    write: (next, expected) => deps.store.putBrake(next, expected),
  });
  return held;
}

/** After incidents changed: engages the brake on too many opening at once, counts calm, lifts it. The brake written, if any. */
export async function watchIncidents(deps: BrakeDeps): Promise<Brake | undefined> {
  const { written } = await readDecideWrite({
    read: async (): Promise<BrakeRead<CountedView>> => {
      const brake = await deps.store.getBrake();
      return { brake, view: await countedView(brake, deps) };
    },
    item: ({ brake }) => brake,
    decide: ({ brake, view }) => watchBrake(brake, view),
    write: (next, expected) => deps.store.putBrake(next, expected),
  });
  return written;
}
