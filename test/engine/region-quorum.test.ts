import { describe, expect, it } from 'vitest';
import { judgeRegions, type RegionResult } from '../../shared/engine/region-quorum.js';
import type { Finding, Status } from '../../shared/findings.js';

// One check seen from three regions: it fails when a quorum agrees, and a region that could not report never passes in silence.

const seen = (status: Status, latencyMs: number, summary = status === 'ok' ? `200 in ${latencyMs} ms` : 'HTTP 503'): Finding => ({
  checkId: 'api-health',
  kind: 'http',
  target: 'https://api.example.com/health',
  status,
  summary,
  observed: { latencyMs },
  startedAt: '2026-12-05T06:00:00.000Z',
  durationMs: latencyMs,
});
const home = (status: Status, ms = 120) => ({ region: 'eu-west-1', finding: seen(status, ms) });
const from = (region: string, status: Status | 'unreachable', ms = 200): RegionResult =>
  status === 'unreachable' ? { region, error: 'no answer within 15 s' } : { region, finding: seen(status, ms) };

describe('a check from several regions', () => {
  it.each([
    // home, us-east-1, ap-southeast-1, quorum → status
    ['ok', 'ok', 'ok', 2, 'ok'],
    ['fail', 'ok', 'ok', 2, 'warn'],
    ['fail', 'fail', 'ok', 2, 'fail'],
    ['ok', 'fail', 'fail', 2, 'fail'],
    ['fail', 'ok', 'ok', 1, 'fail'],
    ['fail', 'fail', 'ok', 3, 'warn'],
    ['ok', 'ok', 'unreachable', 2, 'warn'],
    ['fail', 'ok', 'unreachable', 2, 'error'],
    ['ok', 'warn', 'ok', 2, 'warn'],
    ['error', 'unreachable', 'unreachable', 2, 'error'],
  ] as const)('%s, %s, %s with a quorum of %i: %s', (h, us, ap, quorum, status) => {
    expect(judgeRegions(home(h), [from('us-east-1', us), from('ap-southeast-1', ap)], quorum).status).toBe(status);
  });

  it("names each region's result and latency, slowest first, and the slowest in the summary", () => {
    const f = judgeRegions(home('ok', 120), [from('us-east-1', 'ok', 210), from('ap-southeast-1', 'ok', 412)], 2);
    expect(f.summary).toBe('200 in 120 ms; ok from 3 regions, slowest first: ap-southeast-1 ok 412 ms, us-east-1 ok 210 ms, eu-west-1 ok 120 ms');
    expect(f.evidence).toEqual({
      quorum: 2,
      regions: [
        { region: 'ap-southeast-1', status: 'ok', ms: 412, summary: '200 in 412 ms' },
        { region: 'us-east-1', status: 'ok', ms: 210, summary: '200 in 210 ms' },
        { region: 'eu-west-1', status: 'ok', ms: 120, summary: '200 in 120 ms' },
      ],
    });
    expect(f.observed).toEqual({ latencyMs: 120, regionsFailing: 0, regionsReporting: 3, slowestRegionMs: 412 });
  });

  it('says which regions fail, and which could not report', () => {
    expect(judgeRegions(home('fail'), [from('us-east-1', 'fail'), from('ap-southeast-1', 'ok')], 2).summary).toBe(
      'failing from 2 of 3 regions (quorum 2): eu-west-1 fail in 120 ms: HTTP 503; us-east-1 fail in 200 ms: HTTP 503; ap-southeast-1 ok 200 ms',
    );
    expect(judgeRegions(home('fail'), [from('us-east-1', 'ok'), from('ap-southeast-1', 'ok')], 2).summary).toBe(
      'HTTP 503; failing from 1 of 3 regions, short of the quorum of 2: eu-west-1 fail in 120 ms: HTTP 503; us-east-1 ok 200 ms; ap-southeast-1 ok 200 ms',
    );
    const unseen = judgeRegions(home('ok'), [from('us-east-1', 'ok'), from('ap-southeast-1', 'unreachable')], 2);
    expect(unseen.summary).toBe('200 in 120 ms; ap-southeast-1 could not report: no answer within 15 s; us-east-1 ok 200 ms; eu-west-1 ok 120 ms');
    expect(unseen.evidence!.regions).toContainEqual({ region: 'ap-southeast-1', status: 'error', summary: 'could not report: no answer within 15 s' });
  });
});
