import { describe, expect, it } from 'vitest';
import type { Incident, Transition } from '../../shared/state/check-state.js';
import { buildNotification } from '../../shared/notifications/message.js';

const incident: Incident = {
  id: 'api-health/3',
  checkId: 'api-health',
  target: 'https://api.example.com/health',
  severity: 'P2',
  state: 'open',
  silenced: false,
  openedAt: '2026-11-23T03:02:00.000Z',
  failingSince: '2026-11-23T03:01:00.000Z',
  summary: 'HTTP 503 (expected 200)',
  observed: { statusCode: 503 },
  failuresAtOpen: 2,
  notificationsSent: 1,
  previousId: 'api-health/2',
};
const opened: Transition = { seq: 5, kind: 'opened', incidentId: 'api-health/3', at: '2026-11-23T03:02:00.000Z', by: 'vigil' };
const ctx = { check: undefined, policy: undefined, incidentsFunction: 'vigil-prod-incidents' };

describe('buildNotification', () => {
  it('keeps the subject within SNS limits: ASCII, one line, under 100 characters', () => {
    const long = { ...incident, summary: `réponse lente —\n${'x'.repeat(200)}` };
    const { subject } = buildNotification(long, opened, ctx);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^\[P2\]\[OPEN\] api-health: r\?ponse lente \? x+\.\.\.$/);
  });

  it('keeps a huge summary from making an oversized message', () => {
    const { body } = buildNotification({ ...incident, summary: 'y'.repeat(300_000) }, opened, ctx);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    expect(body.endsWith('[truncated]')).toBe(true);
  });

  it('links a reopened incident to the one before it', () => {
    expect(buildNotification(incident, opened, ctx).body).toContain('Incident:  api-health/3 (open), follows api-health/2');
  });

  it('tells who acted, and drops the ack instructions once acknowledged', () => {
    const acked = { ...incident, state: 'acknowledged' as const, acknowledgedBy: 'alice' };
    const { subject, body } = buildNotification(acked, { ...opened, seq: 6, kind: 'acknowledged', by: 'alice', reason: 'failing over' }, ctx);
    expect(subject).toBe('[P2][ACK] api-health: HTTP 503 (expected 200)');
    expect(body.split('\n')[0]).toBe('alice acknowledged api-health.');
    expect(body).toContain('Why:       failing over');
    expect(body).not.toContain('Acknowledge:');
  });

  it('names the failing checks that depend on this one: counted in the subject, each in the body, the rest counted past 50', () => {
    const dependents = Array.from({ length: 53 }, (_, i) => ({ checkId: `orders-api-${i + 1}`, summary: 'HTTP 503 (expected 200)' }));
    const { subject, body } = buildNotification(incident, opened, { ...ctx, dependents });
    expect(subject).toMatch(/^\[P2\]\[OPEN\] api-health \(\+53 dependents\): HTTP 503/);
    expect(body).toContain('Failing with it, because they depend on it (53); not paged on their own:\n  - orders-api-1: HTTP 503 (expected 200)');
    expect(body).toContain('  - orders-api-50: HTTP 503 (expected 200)\n  ... and 3 more');
    expect(body).not.toContain('orders-api-51:');
  });

  it('lists, when the check recovers, the dependents still failing and says they will page on their own', () => {
    const resolved: Transition = { ...opened, seq: 6, kind: 'resolved' };
    const { subject, body } = buildNotification({ ...incident, state: 'resolved' }, resolved, {
      ...ctx,
      dependents: [{ checkId: 'orders-api-7', summary: 'HTTP 500' }],
    });
    expect(subject).toMatch(/^\[P2\]\[RESOLVED\] api-health: /);
    expect(body).toContain('Still failing of the checks that depend on it (1); each pages on its own if it keeps failing:\n  - orders-api-7: HTTP 500');
  });
});
