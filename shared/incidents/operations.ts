import type { Clock } from '../clock.js';
import type { VigilConfig } from '../config/schema.js';
import { activeSilence } from '../config/silence-windows.js';
import { RequestError } from '../errors.js';
import type { IncidentsRequest } from '../events/incidents.js';
import { resetCircuit } from '../guardrails/ops.js';
import type { Log } from '../log.js';
import { remediationOf } from '../remediations/kind.js';
import type { Brakes, CheckStates, Guards, IncidentRecords, RoundSummaries, Silences, Timeline, TimelineEntry } from '../state/ports.js';
import { releaseBrake } from '../guardrails/brake.js';
import { readDecideWrite } from '../state/read-decide-write.js';
import { decideActed } from './human.js';
import { activeIncidentState, applyHumanAction } from './operator.js';
import { checkIdOf, isActive, type CheckState, type Incident } from '../state/check-state.js';
import { updateCheckState } from './update-state.js';
import { brief, type IncidentBrief } from './brief.js';
import { acknowledgeToldWith, toldWithIt } from './told-with.js';

export interface OperatorDeps {
  config: VigilConfig;
  store: CheckStates &
    Pick<RoundSummaries, 'markStatesTouched'> &
    Silences &
    Pick<Timeline, 'getTimeline'> &
    Pick<IncidentRecords, 'getIncident' | 'listActiveIncidents'> &
    Guards &
    Brakes;
  clock: Clock;
  log: Log;
}

export type OperatorResult =
  | { done: string; incident?: IncidentBrief; notified?: string }
  | { count: number; incidents: IncidentBrief[]; more?: string }
  | { incident: IncidentBrief; timeline: string[]; olderEntries?: number };

/** An operator's request from the console, carried out. Refusals are VigilErrors that say why. */
export async function operate(req: IncidentsRequest, deps: OperatorDeps): Promise<OperatorResult> {
  switch (req.op) {
    case 'list':
      return list(req.state, req.limit, deps);
    case 'get':
      return get(req.incident, req.timeline, deps);
    case 'ack': {
      const state = await applyHumanAction(deps.store, { op: 'ack', incidentId: req.incident, by: req.by, reason: req.reason }, deps.clock);
      const covered = await acknowledgeToldWith(deps.store, deps.config, req.incident, req, deps.clock);
      return acted(`${req.incident} acknowledged by ${req.by}${withThem(covered)}`, state);
    }
    case 'resolve': {
      // Each incident of a group resolves on its own: the others' checks may still fail.
      const state = await applyHumanAction(deps.store, { op: 'resolve', incidentId: req.incident, by: req.by, reason: req.reason }, deps.clock);
      return acted(`${req.incident} resolved by ${req.by}`, state);
    }
    case 'update': {
      const state = await applyHumanAction(
        deps.store,
        { op: 'update', incidentId: req.incident, by: req.by, reason: req.message, public: req.public },
        deps.clock,
      );
      return acted(`update on ${req.incident} from ${req.by} sent to stakeholders${req.public ? ', marked public' : ''}`, state);
    }
    case 'silence':
      return silence(req, deps);
    case 'unsilence':
      return unsilence(req, deps);
    case 'reset-circuit':
      return reset(req, deps);
    case 'release-brake': {
      const { written } = await readDecideWrite({
        read: () => deps.store.getBrake(),
        decide: (brake) => releaseBrake(brake, req.by, req.reason, deps.clock.now()),
        write: (next, expected) => deps.store.putBrake(next, expected),
      });
      const held = written!.lifted!.held.length;
      return { done: `brake released by ${req.by}: automatic actions resume (${held} held while it was on; each was proposed on its incident)` };
    }
  }
}

async function list(state: 'active' | 'open' | 'acknowledged', limit: number, { store }: OperatorDeps): Promise<OperatorResult> {
  const { incidents, more } = await store.listActiveIncidents(state === 'active' ? limit : 100);
  const wanted = incidents.filter((i) => state === 'active' || i.state === state).slice(0, limit);
  return { count: wanted.length, incidents: wanted.map(brief), ...(more ? { more: 'more incidents exist; raise "limit" (max 100)' } : {}) };
}

async function get(incidentId: string, entries: number, { store }: OperatorDeps): Promise<OperatorResult> {
  const checkId = checkIdOf(incidentId);
  const current = (await store.getCheckStates([checkId])).get(checkId)?.incident;
  // The check's state holds the latest incident; older ones are read from their own record.
  const incident = current?.id === incidentId ? current : await store.getIncident(incidentId);
  if (!incident) throw new RequestError(`no incident "${incidentId}"${current ? `; the latest for ${checkId} is ${current.id}` : ''}`);
  const timeline = await store.getTimeline(incidentId);
  const shown = timeline.slice(-entries);
  return { incident: brief(incident), timeline: shown.map(line), ...(timeline.length > shown.length ? { olderEntries: timeline.length - shown.length } : {}) };
}

async function silence(req: Extract<IncidentsRequest, { op: 'silence' }>, deps: OperatorDeps): Promise<OperatorResult> {
  const until = new Date(deps.clock.now().getTime() + req.for).toISOString();
  if (req.tags) return silenceTags(req.tags, until, { by: req.by, reason: req.reason }, deps);
  const { checkId, active } = await target(req, deps);
  // The incidents told with it are silenced with it: their checks are in the one stored silence, lifted with it.
  const covered = active ? await toldWithIt(deps.store, deps.config, active.id) : [];
  // Stored first: rounds and alarms that come meanwhile already see it, and a new incident opens silenced.
  await deps.store.putSilence({ id: operatorSilenceId(checkId), checks: [checkId, ...covered], until, by: req.by, reason: req.reason });
  const done = `${checkId} silenced until ${until}${withThem(covered)}`;
  if (!active) return { done: `${done}; it has no active incident` };
  const state = await applyHumanAction(deps.store, { op: 'silence', incidentId: active.id, by: req.by, reason: req.reason, until }, deps.clock);
  return acted(done, state);
}

/**
 * Every check with these tags, for a while (a deploy of one service): stored, so the rounds that run meanwhile
 * open their incidents silenced, and the incidents already open are silenced too.
 */
async function silenceTags(tags: Record<string, string>, until: string, who: { by: string; reason: string }, deps: OperatorDeps): Promise<OperatorResult> {
  const covered = deps.config.checks.filter((c) => Object.entries(tags).every(([k, v]) => c.tags[k] === v)).map((c) => c.id);
  const named = tagLabel(tags);
  if (!covered.length) throw new RequestError(`no check has the tags ${named}; the tags of the config's checks are in vigil.config.ts`);
  await deps.store.putSilence({ id: tagSilenceId(tags), tags, until, ...who });
  const states = await deps.store.getCheckStates(covered);
  const active = [...states.values()].filter((s) => isActive(s.incident) && !s.incident.silenced).map((s) => s.incident!.id);
  for (const incidentId of active) await applyHumanAction(deps.store, { op: 'silence', incidentId, ...who, until }, deps.clock);
  const open = active.length ? `; silenced its open incident${active.length > 1 ? 's' : ''} ${active.join(', ')}` : '';
  return { done: `${covered.length} check${covered.length > 1 ? 's' : ''} tagged ${named} silenced until ${until}${open}` };
}

async function unsilence(req: Extract<IncidentsRequest, { op: 'unsilence' }>, deps: OperatorDeps): Promise<OperatorResult> {
  if (req.tags) {
    const id = tagSilenceId(req.tags);
    if (!(await deps.store.listSilences()).some((s) => s.id === id)) throw new RequestError(`no operator silence on ${tagLabel(req.tags)}; nothing to lift`);
    await deps.store.deleteSilence(id);
    return { done: `silence on ${tagLabel(req.tags)} lifted; an incident it held that still fails is sent at its check's next round` };
  }
  const { checkId, active } = await target(req, deps);
  const id = operatorSilenceId(checkId);
  const stored = (await deps.store.listSilences()).some((s) => s.id === id);
  if (!stored && !active?.silenced) throw new RequestError(`${checkId} is not silenced by an operator; nothing to lift`);
  if (stored) await deps.store.deleteSilence(id);
  const configured = activeSilence(deps.config.silences, { id: checkId, tags: deps.config.checks.find((c) => c.id === checkId)?.tags ?? {} }, deps.clock.now());
  const still = configured ? `; the config's silence "${configured.id}" still covers it (change it in vigil.config.ts)` : '';
  if (!active?.silenced) return { done: `silence on ${checkId} lifted${still}` };
  const state = await applyHumanAction(deps.store, { op: 'unsilence', incidentId: active.id, by: req.by, reason: req.reason }, deps.clock);
  return acted(`silence on ${checkId} lifted${still}`, state);
}

async function reset(req: Extract<IncidentsRequest, { op: 'reset-circuit' }>, deps: OperatorDeps): Promise<OperatorResult> {
  const targets = [...new Set(await Promise.all(deps.config.remediations.map(async (r) => (await remediationOf(r.kind)).targetKey(r))))];
  if (!targets.includes(req.target))
    throw new RequestError(`unknown target "${req.target}"; remediations act on: ${targets.join(', ') || '(none configured)'}`);
  const before = (await deps.store.getGuard(req.target)).guard;
  if (!before) throw new RequestError(`no action has run on ${req.target}; there is no circuit to reset`);
  const wasOpen = before.circuitOpenedAt !== undefined;
  if (req.incident) await activeIncidentState(deps.store, req.incident); // refuse before changing anything
  await resetCircuit(deps.store, req.target);
  const done = wasOpen
    ? `circuit on ${req.target} closed; automatic actions may run again`
    : `circuit on ${req.target} was not open; its failure count is back to 0`;
  deps.log.warn(`${done} (${req.by}: ${req.reason})`);
  if (!req.incident) return { done };
  const at = deps.clock.now();
  const action = { by: req.by, at: at.toISOString(), summary: `reset the circuit on ${req.target}: ${req.reason}`, target: req.target };
  const state = await updateCheckState(deps.store, checkIdOf(req.incident), (s) => decideActed(s, req.incident!, action, at));
  return acted(done, state!);
}

/** The check a silence request names, and its active incident (which must be the one named, if one is). */
async function target(
  req: { check?: string | undefined; incident?: string | undefined },
  deps: OperatorDeps,
): Promise<{ checkId: string; active: Incident | undefined }> {
  if (req.incident) {
    const state = await activeIncidentState(deps.store, req.incident);
    return { checkId: state.checkId, active: state.incident };
  }
  const checkId = req.check!;
  const known = deps.config.checks.some((c) => c.id === checkId) || checkId.startsWith(ALARM_PREFIX);
  if (!known) throw new RequestError(`unknown check "${checkId}"; use a check id from vigil.config.ts, or alarm:<alarm name> for an alarm's incidents`);
  const state = (await deps.store.getCheckStates([checkId])).get(checkId);
  return { checkId, active: isActive(state?.incident) ? state.incident : undefined };
}

const ALARM_PREFIX = 'alarm:';

const withThem = (checks: string[]) => (checks.length ? `, with the ${checks.length} told with it (${checks.join(', ')})` : '');

/** One operator silence per check: silencing again replaces it. */
const operatorSilenceId = (checkId: string) => `operator:${checkId}`;
/** One stored silence per set of tags, whatever order they are given in. */
const tagSilenceId = (tags: Record<string, string>) => `operator:tags:${tagLabel(tags)}`;
const tagLabel = (tags: Record<string, string>) =>
  Object.entries(tags)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

function acted(done: string, state: CheckState): OperatorResult {
  const incident = state.incident!;
  // The notify function sends it from the stream, unless the incident is silenced.
  const sentAnyway = state.transition?.kind === 'silenced' || state.transition?.kind === 'updated';
  const notified = incident.silenced && !sentAnyway ? 'no: the incident is silenced' : 'yes, by the notify function';
  return { done, incident: brief(incident), notified };
}

function line(e: TimelineEntry): string {
  return `${e.at} ${e.kind}${e.by === 'vigil' ? '' : ` by ${e.by}`}: ${e.summary}${e.reason ? ` (${e.reason})` : ''}`;
}
