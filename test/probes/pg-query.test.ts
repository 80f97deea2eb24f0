import { describe, expect, it } from 'vitest';
import { readOnlyProblem } from '../../shared/db/pg-query.js';
import { runOne, type TestCheck } from '../support/checks.js';
import { pgCheck, useCluster } from '../support/postgres.js';

// The runbooks' own questions of the database: "integrity: amount < 0, interestRate > 100, createdAt in the future"
// (guide 002) and "missing event sequence numbers" (guide 003), asked of a real PostgreSQL.
const cluster = useCluster({}, async (admin) => {
  await admin.client.query(`
    CREATE TABLE loans (id int PRIMARY KEY, amount numeric, interest_rate numeric, created_at timestamptz, note text);
    INSERT INTO loans VALUES (1, 1000, 5, now() - interval '1 day', 'fine'), (2, -50, 4, now() - interval '2 days', 'negative'),
      (3, 2000, 140, now() - interval '3 days', 'usurious'), (4, 300, 3, now() + interval '2 days', 'from the future');
    CREATE TABLE events (aggregate_id text, sequence_number int);
    INSERT INTO events VALUES ('order-1', 1), ('order-1', 2), ('order-1', 3), ('order-2', 1), ('order-2', 3);
    CREATE FUNCTION sneaky() RETURNS int LANGUAGE sql AS $$ INSERT INTO loans VALUES (99, 1, 1, now(), 'sneaky') RETURNING 1 $$;
    CREATE ROLE outsider LOGIN PASSWORD 'outsider-pass';
  `);
});

const BAD_LOANS = 'SELECT id, amount, interest_rate, note FROM loans WHERE amount < 0 OR interest_rate > 100 OR created_at > now() ORDER BY id';
const GAPS = 'SELECT aggregate_id, count(*) AS events, max(sequence_number) AS last FROM events GROUP BY aggregate_id HAVING max(sequence_number) <> count(*)';
const query = (q: Record<string, unknown>, extra: Record<string, unknown> = {}) => runOne(pgCheck(cluster.db, 'query', { query: q, ...extra }) as TestCheck);

describe('pg query measure', () => {
  it('fails on the rows a runbook calls corrupt, naming how many and showing the first of them', async () => {
    const found = await query({ name: 'loans with an impossible amount, rate or date', sql: BAD_LOANS });
    expect(found).toMatchObject({ status: 'fail', summary: 'loans with an impossible amount, rate or date: 3 rows (over 0)', observed: { rows: 3 } });
    expect((found.evidence as { rows: Record<string, unknown>[] }).rows.map((r) => r.note)).toEqual(['negative', 'usurious', 'from the future']);
    expect(await query({ name: 'aggregates missing an event', sql: GAPS })).toMatchObject({
      status: 'fail',
      summary: 'aggregates missing an event: 1 row (over 0)',
      evidence: { rows: [{ aggregate_id: 'order-2', events: '2', last: 3 }] },
    });
    // Limits of its own: a few bad rows warn, many fail.
    expect(await query({ name: 'bad loans', sql: BAD_LOANS, warnAbove: 0, failAbove: 10 })).toMatchObject({
      status: 'warn',
      summary: 'bad loans: 3 rows (over 0)',
    });
    expect(await query({ name: 'loans under a million in debt', sql: 'SELECT id FROM loans WHERE amount < -1000000' })).toMatchObject({
      status: 'ok',
      summary: 'loans under a million in debt: 0 rows',
    });
  });

  it('takes a statement as a person writes it: a closing semicolon, a comment after it', async () => {
    expect(await query({ name: 'bad loans', sql: `${BAD_LOANS};  -- the guide's integrity check\n` })).toMatchObject({ status: 'fail', observed: { rows: 3 } });
  });

  it('judges a number the query returns against limits above and below', async () => {
    const total = (extra: object) => query({ name: 'loans booked', sql: 'SELECT count(*) FROM loans', judge: 'value', ...extra });
    expect(await total({ failBelow: 1 })).toMatchObject({ status: 'ok', summary: 'loans booked: 4', observed: { value: 4 } });
    expect(await total({ warnBelow: 10, failBelow: 2 })).toMatchObject({ status: 'warn', summary: 'loans booked: 4 (under 10)' });
    expect(await total({ failAbove: 3 })).toMatchObject({ status: 'fail', summary: 'loans booked: 4 (over 3)' });
    expect(await query({ name: 'a label', sql: "SELECT 'x'", judge: 'value', failAbove: 1 })).toMatchObject({
      status: 'error',
      summary: 'a label: expected a number in the first column of the first row, got "x"',
    });
  });

  it('reads a match of millions as five rows and a count', async () => {
    const many = await query({ name: 'every number', sql: 'SELECT g AS n, repeat($$x$$, 500) AS wide FROM generate_series(1, 2000000) AS g' });
    expect(many).toMatchObject({ status: 'fail', observed: { rows: 2_000_000 }, evidence: { moreRows: 1_999_995 } });
    const rows = (many.evidence as { rows: { wide: string }[] }).rows;
    expect(rows).toHaveLength(5);
    expect(rows[0]!.wide).toHaveLength(200);
  });

  it('refuses at load a statement that writes, locks or acts, naming the field and what to do', async () => {
    await expect(runOne(pgCheck(cluster.db, 'query') as TestCheck)).rejects.toThrow(
      /checks\[0\]\.query: measure "query" runs your own statement: give query: \{ name, sql \}/,
    );
    await expect(runOne(pgCheck(cluster.db, 'connectivity', { query: { name: 'x', sql: 'SELECT 1' } }) as TestCheck)).rejects.toThrow(
      /checks\[0\]\.measure: a query runs only with measure: "query"/,
    );
    await expect(query({ name: 'fix', sql: 'DELETE FROM loans WHERE amount < 0' })).rejects.toThrow(
      /checks\[0\]\.query\.sql: a query is one SELECT \(or WITH … SELECT, VALUES, TABLE\): it only reads/,
    );
    expect(readOnlyProblem('WITH gone AS (DELETE FROM loans RETURNING id) SELECT * FROM gone')).toMatch(/"DELETE" changes the database/);
    expect(readOnlyProblem('SELECT 1; DROP TABLE loans')).toMatch(/one statement only/);
    expect(readOnlyProblem('SELECT * FROM loans FOR UPDATE')).toMatch(/no FOR UPDATE/);
    expect(readOnlyProblem('SELECT pg_terminate_backend(pid) FROM pg_stat_activity')).toMatch(/pg_terminate_backend\(\) acts on the server/);
    // Words inside literals, quoted names and comments are the data's, not the statement's.
    expect(readOnlyProblem(`SELECT "update", note FROM loans WHERE note <> 'delete me' -- drop nothing\n;`)).toBeUndefined();
  });

  it("lets the read-only transaction refuse what the statement's text could not show, and changes nothing", async () => {
    const sneaky = await query({ name: 'sneaky', sql: 'SELECT sneaky()' });
    expect(sneaky).toMatchObject({ status: 'error', summary: expect.stringMatching(/^sneaky: could not tell: it tried to write \(.*read-only transaction\)/) });
    const { rows } = await cluster.admin.client.query('SELECT count(*)::int AS n FROM loans');
    expect(rows[0].n).toBe(4);
  });

  it('says it could not tell, never passes, when its user may not read the table or the query runs too long', async () => {
    const outsider = await query({ name: 'bad loans', sql: BAD_LOANS }, { user: 'outsider', password: { value: 'outsider-pass' } });
    expect(outsider).toMatchObject({ status: 'error', summary: expect.stringContaining('GRANT SELECT on what it reads') });
    expect(outsider.summary).not.toContain('outsider-pass');
    const slow = await query({ name: 'slow', sql: 'SELECT pg_sleep(2)', timeoutMs: 100 });
    expect(slow).toMatchObject({ status: 'error', summary: 'slow: could not tell: it ran past its 100 ms (timeoutMs): make it cheaper, or give it longer' });
  });

  it('masks a secret the rows carry, as every finding is', async () => {
    const leaked = await query({ name: 'leak', sql: `SELECT 'the password is ' || '${cluster.db.password}' AS note` });
    expect(JSON.stringify(leaked)).not.toContain(cluster.db.password);
  });
});
