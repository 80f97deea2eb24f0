import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { applyHumanAction } from '../../shared/incidents/operator.js';
import { checkIdOf } from '../../shared/state/check-state.js';
import { recordRound } from '../../shared/incidents/record-round.js';
import { silentLog } from '../../shared/log.js';
import { MemoryStateStore } from '../../shared/state/memory.js';
import { fixedClock } from '../support/checks.js';
import { finding, minutesAfter, T0 } from '../support/findings.js';
import { ActionRefusedError, StateConflictError } from '../../shared/errors.js';

const config = parseConfig({ checks: [{ id: 'api-health', kind: 'http', target: 'https://api.example.com/health' }] });

async function withOpenIncident() {
  const store = new MemoryStateStore();
  for (const minute of [0, 1]) {
    await recordRound([finding('fail', minutesAfter(T0, minute))], { config, store, clock: fixedClock(minutesAfter(T0, minute)), log: silentLog });
  }
  return store;
}

describe('applyHumanAction', () => {
  it('finds the check from the incident id', () => {
    expect(checkIdOf('api-health/12')).toBe('api-health');
  });

  it('acknowledges an open incident with one conditional write', async () => {
    const store = await withOpenIncident();
    const acked = await applyHumanAction(store, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, fixedClock(minutesAfter(T0, 2)));
    expect(acked.incident).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'alice' });
    expect((await store.getCheckStates(['api-health'])).get('api-health')?.incident?.state).toBe('acknowledged');
  });

  it('refuses what does not apply and changes nothing', async () => {
    const store = await withOpenIncident();
    const before = (await store.getCheckStates(['api-health'])).get('api-health');
    await expect(applyHumanAction(store, { op: 'ack', incidentId: 'api-health/9', by: 'bob', reason: 'x' }, fixedClock(T0))).rejects.toBeInstanceOf(
      ActionRefusedError,
    );
    expect((await store.getCheckStates(['api-health'])).get('api-health')).toEqual(before);
  });

  it('rereads when a round wrote the check in between, and never overwrites it', async () => {
    const store = await withOpenIncident();
    let raced = false;
    const racing = new Proxy(store, {
      get(target, property, receiver) {
        if (property !== 'putCheckState' || raced) return Reflect.get(target, property, receiver);
        raced = true;
        return () => Promise.reject(new StateConflictError('a round got there first'));
      },
    });
    const acked = await applyHumanAction(racing, { op: 'ack', incidentId: 'api-health/1', by: 'alice', reason: 'on it' }, fixedClock(minutesAfter(T0, 2)));
    expect(raced).toBe(true);
    expect(acked.incident?.state).toBe('acknowledged');
  });
});
