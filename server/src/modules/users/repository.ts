import type { Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { Db } from "../../db/index.js";
import type { UserTable } from "../../db/schema.js";

export type UserRow = UserTable & { unit_name: string };

export function userQuery(db: Db) {
  return db
    .selectFrom("users")
    .innerJoin("org_units", "org_units.id", "users.unit_id")
    .selectAll("users")
    .select((eb) => eb.fn.coalesce("org_units.short_name", "org_units.name").as("unit_name"));
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return userQuery(db).where("users.id", "=", id).executeTakeFirst();
}

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return userQuery(db).where("users.username", "=", username).executeTakeFirst();
}

export function toSessionUser(row: UserRow): SessionUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    unitId: row.unit_id,
    unitName: row.unit_name,
    roles: JSON.parse(row.roles) as Role[],
    categories: JSON.parse(row.categories) as string[],
    locale: row.locale,
  };
}

export interface UserListFilter {
  q?: string | undefined;
  unitId?: string | undefined;
  role?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export function listUsers(db: Db, f: UserListFilter): Promise<UserRow[]> {
  return userQuery(db)
    .$if(f.q !== undefined, (q) =>
      q.where((eb) =>
        eb.or([eb("users.username", "like", `%${f.q}%`), eb("users.display_name", "like", `%${f.q}%`)]),
      ),
    )
    .$if(f.unitId !== undefined, (q) => q.where("users.unit_id", "=", f.unitId ?? ""))
    .$if(f.role !== undefined, (q) => q.where("users.roles", "like", `%"${f.role}"%`))
    .$if(f.after !== undefined, (q) => q.where("users.username", ">", f.after ?? ""))
    .orderBy("users.username")
    .limit(f.limit + 1)
    .execute();
}
