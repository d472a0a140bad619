import type pg from 'pg';

export interface RoleReport {
  role: string;
  superuser: boolean;
  /** Membership in roles that reach outside the database (server files, programs). */
  dangerousRoles: string[];
  /** Tables the role may INSERT, UPDATE, DELETE or TRUNCATE (a few, for the warning). */
  writableTables: string[];
}

/** Layer 4: what the login role could do if the other layers failed. */
export async function inspectRole(client: pg.ClientBase): Promise<RoleReport> {
  const { rows } = await client.query<{ role: string; superuser: boolean; dangerous: string[] | null }>(`
    SELECT current_user AS role,
           -- A member of a superuser role can SET ROLE to it: as good as a superuser.
           r.rolsuper OR EXISTS (SELECT 1 FROM pg_roles s WHERE s.rolsuper AND pg_has_role(current_user, s.oid, 'MEMBER')) AS superuser,
           ARRAY(SELECT d FROM unnest(ARRAY['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files']) AS d
                 WHERE pg_has_role(current_user, d, 'MEMBER')) AS dangerous
    FROM pg_roles r WHERE r.rolname = current_user`);
  const writable = await client.query<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
    ORDER BY 1 LIMIT 5`);
  const row = rows[0]!;
  return { role: row.role, superuser: row.superuser, dangerousRoles: row.dangerous ?? [], writableTables: writable.rows.map((r) => r.name) };
}

/** The refusal when the role is privileged, or undefined when it may run. */
export function privilegedRefusal(report: RoleReport): string | undefined {
  const why = report.superuser ? 'is a superuser' : report.dangerousRoles.length ? `is a member of ${report.dangerousRoles.join(', ')}` : undefined;
  if (!why) return undefined;
  return `This server refuses to run: the database role "${report.role}" ${why}, which can read server files or run programs if a query ever got past the other checks. Connect as a least-privilege role (see the README), or restart with --allow-privileged-role.`;
}
