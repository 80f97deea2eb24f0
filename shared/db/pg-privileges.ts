import type pg from 'pg';
import { SetupError } from '../errors.js';

/**
 * What a role needs beyond logging in. Without pg_read_all_stats (granted with pg_monitor) PostgreSQL
 * shows every other role's session with its state, query and times NULL: a check would see nothing to
 * report and pass. Without pg_signal_backend it may cancel or end only its own role's sessions.
 */
export type PgPrivilege = 'read-all-stats' | 'signal-backend';

const GRANTS: Record<PgPrivilege, { role: string; grant: string; why: string }> = {
  'read-all-stats': { role: 'pg_read_all_stats', grant: 'pg_monitor', why: "cannot see other roles' sessions" },
  'signal-backend': { role: 'pg_signal_backend', grant: 'pg_signal_backend', why: "cannot cancel or end other roles' sessions" },
};

export interface PgRole {
  user: string;
  superuser: boolean;
  has: Record<PgPrivilege, boolean>;
}

/** The session's role and what it may see and do; a superuser (not RDS's rds_superuser) has everything. */
export async function pgRole(db: pg.Client): Promise<PgRole> {
  const { rows } = await db.query(`SELECT current_user AS user, r.rolsuper AS superuser,
      pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
      pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS signal_backend
    FROM pg_roles r WHERE r.rolname = current_user`);
  const r = rows[0] as { user: string; superuser: boolean; read_all_stats: boolean; signal_backend: boolean };
  return {
    user: r.user,
    superuser: r.superuser,
    has: { 'read-all-stats': r.superuser || r.read_all_stats, 'signal-backend': r.superuser || r.signal_backend },
  };
}

/** Throws a SetupError naming the grant for the first privilege `what` needs and the role lacks. */
export async function requirePg(db: pg.Client, what: string, ...needs: PgPrivilege[]): Promise<PgRole> {
  const role = await pgRole(db);
  const missing = needs.find((p) => !role.has[p]);
  if (missing) {
    const g = GRANTS[missing];
    throw new SetupError(`${what}: role ${role.user} ${g.why}: it lacks ${g.role}; GRANT ${g.grant} TO ${role.user}`);
  }
  return role;
}
