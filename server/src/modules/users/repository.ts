import type { Party } from "../../../../shared/plan/schema.js";
import type { Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { Db } from "../../db/index.js";
import type { UserTable } from "../../db/schema.js";
import { fillsAny, type PartyCase, type PlanData, partyCandidates } from "../plans/index.js";

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

/** Active users, by id, for role checks of command-post roles and handovers. */
export function usersByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("users")
    .innerJoin("org_units", "org_units.id", "users.unit_id")
    .selectAll("users")
    .select((eb) => eb.fn.coalesce("org_units.short_name", "org_units.name").as("unit_name"))
    .where("users.id", "in", ids)
    .where("users.disabled", "=", 0)
    .execute();
}

/** Active users holding any of `roles` or sitting in any of `unitIds` (candidates for a party check). */
export function usersWithRolesOrUnits(db: Db, roles: string[], unitIds: string[]) {
  return db
    .selectFrom("users")
    .innerJoin("org_units", "org_units.id", "users.unit_id")
    .selectAll("users")
    .select((eb) => eb.fn.coalesce("org_units.short_name", "org_units.name").as("unit_name"))
    .where("users.disabled", "=", 0)
    .where((eb) =>
      eb.or([
        ...roles.map((r) => eb("users.roles", "like", `%"${r}"%`)),
        ...(unitIds.length > 0 ? [eb("users.unit_id", "in", unitIds)] : []),
        eb("users.id", "=", "__none__"),
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
  const rows = await db
    .selectFrom("users")
    .select(["id", "roles"])
    .where("disabled", "=", 0)
    .$if(unitIds !== undefined, (q) =>
      q.where("unit_id", "in", unitIds && unitIds.length > 0 ? unitIds : [""]),
    )
    .execute();
  return rows
    .filter((r) => (JSON.parse(r.roles) as string[]).some((x) => roles.includes(x as Role)))
    .map((r) => r.id);
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
  if (roles.length === 0 && unitIds.length === 0) {
    return [];
  }
  const rows = await usersWithRolesOrUnits(db, roles, unitIds);
  return rows.map(toSessionUser).filter((u) => fillsAny(plan, u, parties, c));
}
