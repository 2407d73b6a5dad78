import { Type } from "typebox";
import type { Party } from "../../../../shared/plan/schema.js";
import { ROLES, type Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { Db } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import type { UserTable } from "../../db/schema.js";
import { fillsAny, type PartyCase, type PlanData, partyCandidates } from "../plans/index.js";

export type UserRow = UserTable & { unit_name: string };

// Unsafe only names the static type; the stored value is still checked against the union of roles.
const RoleValue = Type.Unsafe<Role>(Type.Union(ROLES.map((r) => Type.Literal(r))));
const rolesColumn = jsonColumn("users.roles", Type.Array(RoleValue));
const categoriesColumn = jsonColumn("users.categories", Type.Array(Type.String()));

/** The roles a user row holds (users.roles, the copy the session reads). */
export function rolesOf(row: Pick<UserTable, "roles">): Role[] {
  return rolesColumn.decode(row.roles);
}

/** The categories (分类) a district leader row is in charge of. */
export function categoriesOf(row: Pick<UserTable, "categories">): string[] {
  return categoriesColumn.decode(row.categories);
}

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
    roles: rolesOf(row),
    categories: categoriesOf(row),
    locale: row.locale,
  };
}

/** The ids of the holders of any of `roles`, for `users.id in (…)`: read through the role index. */
function holdersOf(db: Db, roles: readonly string[]) {
  return db.selectFrom("user_roles").select("user_roles.user_id").where("user_roles.role", "in", roles);
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
    .$if(f.role !== undefined, (q) => q.where("users.id", "in", holdersOf(db, [f.role ?? ""])))
    .$if(f.after !== undefined, (q) => q.where("users.username", ">", f.after ?? ""))
    .orderBy("users.username")
    .limit(f.limit + 1)
    .execute();
}

/** The members of one unit, by username (the unit page's member list). */
export async function unitMembers(db: Db, unitId: string) {
  const rows = await db
    .selectFrom("users")
    .select(["id", "username", "display_name", "roles"])
    .where("unit_id", "=", unitId)
    .orderBy("username")
    .execute();
  return rows.map((m) => ({
    id: m.id,
    username: m.username,
    displayName: m.display_name,
    roles: rolesOf(m),
  }));
}

/** Active users, by id, for role checks of command-post roles and handovers. */
export function usersByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return userQuery(db).where("users.id", "in", ids).where("users.disabled", "=", 0).execute();
}

/** Active users holding any of `roles` or sitting in any of `unitIds` (candidates for a party check). */
export function usersWithRolesOrUnits(db: Db, roles: string[], unitIds: string[]) {
  if (roles.length === 0 && unitIds.length === 0) {
    return Promise.resolve([]);
  }
  return userQuery(db)
    .where("users.disabled", "=", 0)
    .where((eb) =>
      eb.or([
        ...(roles.length > 0 ? [eb("users.id", "in", holdersOf(db, roles))] : []),
        ...(unitIds.length > 0 ? [eb("users.unit_id", "in", unitIds)] : []),
      ]),
    )
    .execute();
}

/** Active users in any of the units (everyone a unit-wide notice reaches). */
export async function usersInUnits(db: Db, unitIds: string[]): Promise<string[]> {
  if (unitIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom("users")
    .select("id")
    .where("unit_id", "in", unitIds)
    .where("disabled", "=", 0)
    .execute();
  return rows.map((r) => r.id);
}

/** Active users holding any of `roles` (optionally only in `unitIds`): the people a rule names. */
export async function usersWithRoles(db: Db, roles: Role[], unitIds?: string[]): Promise<string[]> {
  if (roles.length === 0 || (unitIds !== undefined && unitIds.length === 0)) {
    return [];
  }
  const rows = await db
    .selectFrom("user_roles")
    .innerJoin("users", "users.id", "user_roles.user_id")
    .select("users.id")
    .distinct()
    .where("user_roles.role", "in", roles)
    .where("users.disabled", "=", 0)
    .$if(unitIds !== undefined, (q) => q.where("users.unit_id", "in", unitIds ?? []))
    .orderBy("users.id")
    .execute();
  return rows.map((r) => r.id);
}

/** Display names by user id (disabled users included: they still sign old records and tokens). */
export async function displayNamesOf(db: Db, userIds: readonly string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom("users")
    .select(["id", "display_name"])
    .where("id", "in", [...new Set(userIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The mobile numbers on record of some users (those without one are left out). */
export async function phonesOf(db: Db, userIds: string[]): Promise<{ id: string; phone: string }[]> {
  if (userIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom("users")
    .select(["id", "phone"])
    .where("id", "in", userIds)
    .where("phone", "is not", null)
    .execute();
  return rows.flatMap((r) => (r.phone ? [{ id: r.id, phone: r.phone }] : []));
}

/**
 * The active users who fill any of the parties for a case — whom to notify that a step is theirs.
 * One query for the candidates (holders of the roles named, members of the units named), then the
 * one resolver decides.
 */
export async function usersFilling(
  db: Db,
  plan: PlanData,
  parties: readonly Party[],
  c: PartyCase,
): Promise<SessionUser[]> {
  const { roles, unitIds } = partyCandidates(plan, parties, c);
  const rows = await usersWithRolesOrUnits(db, roles, unitIds);
  return rows.map(toSessionUser).filter((u) => fillsAny(plan, u, parties, c));
}

// Writes. A user's roles live twice (users.roles for the session, user_roles for "who holds X"):
// every write of them goes through writeRoles, inside the caller's transaction.

export interface NewUserRow {
  id: string;
  username: string;
  display_name: string;
  unit_id: string;
  roles: readonly Role[];
  categories: readonly string[];
  phone: string | null;
  password_hash: string;
  locale: string;
  created_at: string;
}

async function writeRoles(trx: Db, userId: string, roles: readonly Role[]): Promise<void> {
  await trx.deleteFrom("user_roles").where("user_id", "=", userId).execute();
  const unique = [...new Set(roles)];
  if (unique.length > 0) {
    await trx
      .insertInto("user_roles")
      .values(unique.map((role) => ({ user_id: userId, role })))
      .execute();
  }
}

/** Inserts an account with its roles (call inside a transaction). */
export async function insertUser(trx: Db, u: NewUserRow): Promise<void> {
  await trx
    .insertInto("users")
    .values({
      ...u,
      roles: rolesColumn.encode([...u.roles]),
      categories: categoriesColumn.encode([...u.categories]),
      disabled: 0,
      failed_logins: 0,
      locked_until: null,
      updated_at: u.created_at,
    })
    .execute();
  await writeRoles(trx, u.id, u.roles);
}

export interface UserPatch {
  display_name?: string;
  unit_id?: string;
  roles?: readonly Role[];
  categories?: readonly string[];
  phone?: string | null;
  disabled?: number;
  locale?: string;
  updated_at: string;
}

/** Changes an account's fields; new roles replace the old in both places (call inside a transaction). */
export async function updateUserRow(trx: Db, id: string, patch: UserPatch): Promise<void> {
  const { roles, categories, ...rest } = patch;
  await trx
    .updateTable("users")
    .set({
      ...rest,
      ...(roles !== undefined ? { roles: rolesColumn.encode([...roles]) } : {}),
      ...(categories !== undefined ? { categories: categoriesColumn.encode([...categories]) } : {}),
    })
    .where("id", "=", id)
    .execute();
  if (roles !== undefined) {
    await writeRoles(trx, id, roles);
  }
}

/** A new password hash clears failed logins and any lock. */
export function setPasswordHash(trx: Db, id: string, passwordHash: string, at: string) {
  return trx
    .updateTable("users")
    .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: at })
    .where("id", "=", id)
    .execute();
}

/** Counts a failed sign-in (and the lock it may bring), or clears the count after a good one. */
export function setLoginFailures(db: Db, id: string, failedLogins: number, lockedUntil: string | null) {
  return db
    .updateTable("users")
    .set({ failed_logins: failedLogins, locked_until: lockedUntil })
    .where("id", "=", id)
    .execute();
}

/** Active users of these units, with their phones (in-app notices and duty contacts of a warning). */
export function activeUsersOfUnits(
  db: Db,
  unitIds: readonly string[],
): Promise<{ id: string; unit_id: string; phone: string | null; display_name: string; roles: string }[]> {
  if (unitIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("users")
    .select(["id", "unit_id", "phone", "display_name", "roles"])
    .where("disabled", "=", 0)
    .where("unit_id", "in", [...unitIds])
    .execute();
}
