import { describe, expect, it } from 'vitest';
import { runDemo } from '../app/demo/scenario.js';

function capture() {
  const out: string[] = [];
  return { out, io: { out: (t: string) => out.push(t), err: (t: string) => out.push(t), color: false } };
}

describe('npm start (the demo)', () => {
  it('shows the fault, one incident that updates stakeholders, reminds, escalates and resolves, the notifications, an alarm runbook dry run, a leaked database transaction fixed, one cause paging once, and a heartbeat going missing', async () => {
    const { out, io } = capture();
    const code = await runDemo({ intervalMs: 0, io, signal: new AbortController().signal });
    const text = out.join('\n');
    expect(code).toBe(0);
    expect(text).toMatch(/── round 3 .* fault injected[^\n]*\n(?:.*\n)*?FAIL +api-health .*HTTP 503 \(expected 200\); status unhealthy \(database unhealthy\)/);
    expect(text.match(/incident api-health\/1: \w+/g)).toEqual([
      'incident api-health/1: opened',
      'incident api-health/1: updated',
      'incident api-health/1: repeated',
      'incident api-health/1: escalated',
      'incident api-health/1: resolved',
    ]);
    expect(text.match(/Subject: .*/g)).toEqual([
      'Subject: [P1][OPEN] api-health: HTTP 503 (expected 200); status unhealthy (database unhealthy) for 2 checks',
      // Stakeholders hear how it stands, on their own topic.
      'Subject: [P1][UPDATE] api-health: HTTP 503 (expected 200); status unhealthy (database unhealthy)',
      'Subject: [P1][STILL OPEN] api-health: HTTP 503 (expected 200); status unhealthy (database unhealthy)',
      'Subject: [P1][ESCALATED] api-health: HTTP 503 (expected 200); status unhealthy (database unhealthy)',
      expect.stringMatching(/^Subject: \[P1\]\[RESOLVED\] api-health: HTTP 200 in \d+ ms$/),
      'Subject: [P1][OPEN] alarm:orders-api-5xx-rate: orders-api-5xx-rate: Threshold Crossed: 3 out of the last ...',
      // The alarm's runbook is in observe mode: what it would have done is told as a dry run.
      expect.stringMatching(/^Subject: \[P1\]\[DRY RUN\] alarm:orders-api-5xx-rate: would force a new deployment of prod\/orders-api/),
      expect.stringMatching(/^Subject: \[P2\]\[OPEN\] billing-db-idle-tx: 1 session idle in a transaction/),
      // Vigil terminated the session unattended, and says so; the resolution says who fixed it.
      expect.stringMatching(/^Subject: \[P2\]\[ACTION TAKEN\] billing-db-idle-tx: terminated pid \d+ \(billing\/billing-worker, \d+ s\)$/),
      'Subject: [P2][RESOLVED] billing-db-idle-tx: no session idle in a transaction for over 0.01 min (fixed by ...',
      // One cause, one page: the database, naming the five checks that depend on it; one resolution.
      expect.stringMatching(/^Subject: \[P1\]\[OPEN\] orders-db \(\+5 dependents\): port \d+ closed/),
      expect.stringMatching(/^Subject: \[P1\]\[RESOLVED\] orders-db: port \d+ open/),
      'Subject: [P2][OPEN] nightly-backup: missing: last report 5 min ago (expected every 3 min, 1 min grace): b...',
      'Subject: [P2][RESOLVED] nightly-backup: reported 1 min ago: backup finished after the host came back',
    ]);
    expect(text).toContain('Failing with it, because they depend on it (5); not paged on their own:');
    expect(text).toMatch(
      /✉ SNS local:vigil-stakeholders\n +│ Subject: \[P1\]\[UPDATE\] api-health: [^\n]*\n +│\n +│ Status of api-health: still open after 1 minute \(not yet acknowledged\)\./,
    );
    // Steady rounds cost nothing: round 2 (all healthy) and round 10 (healthy again) write no state.
    expect(text.match(/state writes this round: \d+/g)?.map((s) => Number(s.split(': ')[1]))).toEqual([4, 0, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(text).toMatch(/WARN +api-certificate .* certificate expires in 12 days/);
    expect(text).toContain('verdict: observed · changes made to ECS: 0');
    expect(text).toMatch(/1\. diagnose: done .* orders-api-service fail: running 1\/3, 2 pending/);
    expect(text).toContain('timeline of alarm:orders-api-5xx-rate/1: opened → notified → observed → notified → alarm → diagnose → observed → verdict');
    expect(text).toContain('the alarm ran its runbook as a dry run and changed nothing;');
    // Unattended: the incident's runbook, started from the stream, acts and verifies; nobody sent a payload.
    expect(text).toMatch(
      /runbook billing-db-leaked-transaction \(billing-db-idle-tx opened\) · act billing-db-kill-idle-tx: acted · terminated pid (\d+) \(billing\/billing-worker, \d+ s\)/,
    );
    expect(text).toMatch(/runbook billing-db-leaked-transaction \(billing-db-idle-tx opened\) · verify billing-db-idle-tx: passed/);
    expect(text).toContain("billing-worker's own connection: terminated by the server");
    expect(text).toContain(
      "the leaked transaction was found, and its incident's runbook terminated it, verified it gone and the next round resolved it, unattended.",
    );
    // A heartbeat goes missing: the job posts to the local function URL, stops, and its incident opens, then resolves.
    expect(text).toMatch(/the job reports in: POST http:\/\/127\.0\.0\.1:\d+\/nightly-backup → 200/);
    expect(text).toMatch(/check: fail · missing: last report 5 min ago \(expected every 3 min, 1 min grace\): backup finished, 12\.4 GB · incident opened/);
    expect(text).toMatch(/check: ok · reported 1 min ago: backup finished after the host came back · incident resolved/);
  });

  it('stops at once and cleans up when interrupted', async () => {
    const stop = new AbortController();
    const { out, io } = capture();
    const run = runDemo({ intervalMs: 60_000, io, signal: stop.signal });
    setTimeout(() => stop.abort(), 1_000);
    expect(await run).toBe(130);
    expect(out.at(-1)).toBe('\nStopped; targets and local DynamoDB closed.');
  });
});
