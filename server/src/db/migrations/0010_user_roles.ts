import type { Kysely } from "kysely";

/**
 * "Who holds role X" was answered with LIKE '%"x"%' on the JSON users.roles, or by loading every user
 * and parsing: a scan of the whole table each time a step is announced. user_roles holds one row per
 * user and role, indexed by role, so those lookups are one indexed join. users.roles stays: the session
 * lookup reads it, and every write of a user's roles writes both in one transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("user_roles")
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id"))
    .addColumn("role", "varchar(40)", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_roles_pk", ["user_id", "role"])
    .execute();
  await db.schema.createIndex("user_roles_role").on("user_roles").columns(["role", "user_id"]).execute();

  const users: { id: string; roles: string }[] = await db
    .selectFrom("users")
    .select(["id", "roles"])
    .execute();
  const rows = users.flatMap((u) => {
    const roles: unknown = JSON.parse(u.roles);
    const list = Array.isArray(roles) ? [...new Set(roles.filter((r) => typeof r === "string"))] : [];
    return list.map((role) => ({ user_id: u.id, role }));
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("user_roles")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}
