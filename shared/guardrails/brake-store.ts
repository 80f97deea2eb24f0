import type { VigilConfig } from '../config/schema.js';
import { checkCount } from '../config/whole.js';
import type { Clock } from '../clock.js';
import { askBrake, countingSince, watchBrake, type ActionAsk, type BrakeView, type CountedView } from './brake.js';
import type { Brake } from '../state/brake.js';
import type { Brakes, IncidentRecords } from '../state/ports.js';
import { readDecideWrite } from '../state/read-decide-write.js';

export interface BrakeDeps {
  config: Pick<VigilConfig, 'brake' | 'checks' | 'whole'>;
  store: Brakes & Pick<IncidentRecords, 'countActiveIncidents'>;
  clock: Clock;
}

/**
 * The incidents the brake decides on, counted now, each its own problem, and only what its state needs: off,
 * what opened in the window (may it engage?); on, what is active (is it calm?). A lift by this very decision
 * counts from now, when nothing has opened yet: so the opened counts are 0 then, not read.
 */
export async function countedView(brake: Brake | undefined, { config, store, clock }: BrakeDeps): Promise<CountedView> {
  const now = clock.now();
  const base = { checks: checkCount(config), now, policy: config.brake };
  if (brake?.engaged)
    return { ...base, counts: { openedRecently: 0, checksOpenedRecently: 0, active: await store.countActiveIncidents({ independent: true }) } };
  const openedSince = countingSince(brake, now, config.brake);
  const [openedRecently, checksOpenedRecently] = await Promise.all([
    store.countActiveIncidents({ independent: true, openedSince }),
    store.countActiveIncidents({ independent: true, openedSince, checksOnly: true }),
  ]);
  return { ...base, counts: { openedRecently, checksOpenedRecently, active: 0 } };
}

/**
 * What an action asks the brake on: off, its budget alone (notify engages it on failures, so the path to acting
 * waits on no count); on, the incidents counted too, to see whether it may lift.
 */
export function actionView(brake: Brake | undefined, deps: BrakeDeps): BrakeView | Promise<BrakeView> {
  return brake?.engaged ? countedView(brake, deps) : { checks: checkCount(deps.config), now: deps.clock.now(), policy: deps.config.brake };
}

export interface BrakeRead<V extends BrakeView | undefined = BrakeView> {
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

/**
 * After an incident opened or resolved: engages the brake on too many opening at once, counts calm, lifts it.
 * A resolution cannot engage it, so while it is off one counts nothing. The brake written, if any.
 */
export async function watchIncidents(deps: BrakeDeps, change: 'opened' | 'resolved'): Promise<Brake | undefined> {
  const { written } = await readDecideWrite({
    read: async (): Promise<BrakeRead<CountedView | undefined>> => {
      const brake = await deps.store.getBrake();
      return { brake, view: brake?.engaged || change === 'opened' ? await countedView(brake, deps) : undefined };
    },
    item: ({ brake }) => brake,
    decide: ({ brake, view }) => (view ? watchBrake(brake, view) : undefined),
    write: (next, expected) => deps.store.putBrake(next, expected),
  });
  return written;
}
