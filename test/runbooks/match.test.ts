import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load.js';
import { matchRunbook } from '../../shared/runbooks/match.js';
import { alarm } from '../support/alarm.js';

const config = parseConfig({
  checks: [{ id: 'api-health', kind: 'http', target: 'https://example.com' }],
  remediations: [{ id: 'restart', kind: 'ecs-restart', target: 'prod/orders-api' }],
  alarms: [{ id: 'orders-5xx', name: 'prod-orders-5xx', preset: 'alb-5xx-rate', target: 'app/prod-alb/1', threshold: 5 }],
  runbooks: [
    { id: 'by-check', match: { checks: { ids: ['api-health'] } }, steps: [{ act: 'restart' }] },
    { id: 'by-alarm-id', match: { alarms: ['orders-5xx'] }, steps: [{ act: 'restart' }] },
  ],
});

describe('matching an alarm event to a runbook', () => {
  it("finds the runbook that names the config's alarm by id, through the name the stack gave it", () => {
    expect(matchRunbook(config.runbooks, alarm('e1', 'ALARM', { alarmName: 'prod-orders-5xx' }), config.alarms)).toMatchObject({
      runbook: { id: 'by-alarm-id' },
    });
  });

  it('never answers an alarm with a runbook only checks start, nor one by its id instead of its name', () => {
    expect(matchRunbook(config.runbooks, alarm('e2', 'ALARM', { alarmName: 'api-health' }), config.alarms)).toBeUndefined();
    expect(matchRunbook(config.runbooks, alarm('e3', 'ALARM', { alarmName: 'orders-5xx' }), config.alarms)).toBeUndefined();
  });
});
