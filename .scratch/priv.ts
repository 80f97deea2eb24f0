import pg from 'pg';
import { startLocalPostgres } from '../shared/local/postgres.ts';
const db = await startLocalPostgres({ preload: ['pg_stat_statements'] });
const conn = (user: string, password: string, app: string) => { const c = new pg.Client({ host: db.host, port: db.port, database: 'postgres', user, password, application_name: app }); return c.connect().then(() => c); };
const admin = await conn(db.user, db.password, 'admin');
await admin.query("CREATE ROLE plain LOGIN PASSWORD 'pw'; CREATE ROLE mon LOGIN PASSWORD 'pw' IN ROLE pg_monitor; CREATE EXTENSION pg_stat_statements");
const leak = await conn(db.user, db.password, 'billing');
await leak.query('BEGIN; SELECT 1');
const plain = await conn('plain', 'pw', 'vigil');
console.log((await plain.query("SELECT pid, usename, application_name, state, backend_type, query, state_change, xact_start, query_start, wait_event_type, client_addr FROM pg_stat_activity")).rows);
console.log((await plain.query("SELECT pg_has_role('pg_read_all_stats','USAGE') r, pg_has_role('pg_signal_backend','USAGE') s, (select rolsuper from pg_roles where rolname=current_user) su")).rows);
console.log((await plain.query("SELECT application_name, state, replay_lag FROM pg_stat_replication")).rows);
console.log((await plain.query("SELECT queryid, left(query,30) q, calls FROM pg_stat_statements limit 3")).rows);
try { console.log((await plain.query("SELECT pg_terminate_backend($1)", [ (await leak.query('select pg_backend_pid() p')).rows[0].p ])).rows); } catch (e) { console.log('terminate', (e as any).code, (e as Error).message); }
await db.stop(); process.exit(0);
