import { randomUUID } from "node:crypto";
import type { Role } from "../../../../shared/roles.js";
import { allowedActions } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { hashPassword } from "./password.js";
import { userPolicy } from "./policy.js";
import {
  categoriesOf,
  findUserById,
  findUserByUsername,
  insertUser,
  rolesOf,
  setPasswordHash,
  type UserPatch,
  type UserRow,
  updateUserRow,
} from "./repository.js";
import type { CreateUserBody, UpdateUserBody, UserView } from "./schema.js";

/**
 * Ends every session of a user (the auth module's sessions). Passed in by the app so that the users
 * module does not depend on auth: auth depends on users (signing in looks a user up), not back.
 */
export type EndSessions = (trx: Db, userId: string) => Promise<unknown>;

export function presentUser(row: UserRow, viewer: SessionUser): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    unitId: row.unit_id,
    unitName: row.unit_name,
    roles: rolesOf(row),
    categories: categoriesOf(row),
    phone: row.phone,
    disabled: row.disabled === 1,
    lockedUntil: row.locked_until,
    locale: row.locale,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    allowedActions: allowedActions(userPolicy, viewer, { id: row.id }),
  };
}

/** Checks what a schema cannot: the unit exists, leader categories exist in the active plan. */
async function checkReferences(
  ctx: AppContext,
  input: { unitId?: string | undefined; categories?: string[] | undefined },
): Promise<void> {
  const errors: FieldError[] = [];
  if (input.unitId !== undefined && !(await ctx.units.get(input.unitId))) {
    errors.push({ path: "unitId", message: `组织单元 ${input.unitId} 不存在` });
  }
  const known = new Set(ctx.plan.categoryNames);
  (input.categories ?? []).forEach((c, i) => {
    if (!known.has(c)) {
      errors.push({ path: `categories.${i}`, message: `预案中没有分类“${c}”` });
    }
  });
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  unitId: string;
  roles: Role[];
  categories?: string[] | undefined;
  phone?: string | undefined;
  password: string;
}

/** Creates an account; used by the admin API, the CLI and demo seeding. */
export async function createUser(ctx: AppContext, scope: CommandScope, input: NewUser | CreateUserBody) {
  await checkReferences(ctx, input);
  if (await findUserByUsername(scope.trx, input.username)) {
    throw conflict(`用户名 ${input.username} 已存在`);
  }
  const now = scope.now.toISOString();
  const id = randomUUID();
  const categories = input.categories ?? [];
  await insertUser(scope.trx, {
    id,
    username: input.username,
    display_name: input.displayName,
    unit_id: input.unitId,
    roles: input.roles,
    categories,
    phone: input.phone ?? null,
    password_hash: await hashPassword(input.password),
    locale: "zh-CN",
    created_at: now,
  });
  // The audit row keeps the shape it always had: the stored row without the hash.
  await scope.audit({
    action: "user.create",
    entityType: "user",
    entityId: id,
    after: {
      id,
      username: input.username,
      display_name: input.displayName,
      unit_id: input.unitId,
      roles: JSON.stringify(input.roles),
      categories: JSON.stringify(categories),
      phone: input.phone ?? null,
      disabled: 0,
      failed_logins: 0,
      locked_until: null,
      locale: "zh-CN",
      created_at: now,
      updated_at: now,
    },
  });
  return id;
}

export async function updateUser(
  ctx: AppContext,
  scope: CommandScope,
  endSessions: EndSessions,
  id: string,
  patch: UpdateUserBody,
) {
  const before = await findUserById(scope.trx, id);
  if (!before) {
    throw notFound(`用户 ${id}`);
  }
  await checkReferences(ctx, patch);
  const set: UserPatch = {
    ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
    ...(patch.unitId !== undefined ? { unit_id: patch.unitId } : {}),
    ...(patch.roles !== undefined ? { roles: patch.roles } : {}),
    ...(patch.categories !== undefined ? { categories: patch.categories } : {}),
    ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
    updated_at: scope.now.toISOString(),
  };
  await updateUserRow(scope.trx, id, set);
  if (patch.disabled) {
    await endSessions(scope.trx, id);
  }
  const { password_hash: _p, ...visibleBefore } = before;
  await scope.audit({
    action: "user.update",
    entityType: "user",
    entityId: id,
    before: visibleBefore,
    after: {
      ...set,
      ...(set.roles !== undefined ? { roles: JSON.stringify(set.roles) } : {}),
      ...(set.categories !== undefined ? { categories: JSON.stringify(set.categories) } : {}),
    },
  });
}

export async function setPassword(
  scope: CommandScope,
  endSessions: EndSessions,
  id: string,
  password: string,
) {
  const user = await findUserById(scope.trx, id);
  if (!user) {
    throw notFound(`用户 ${id}`);
  }
  await setPasswordHash(scope.trx, id, await hashPassword(password), scope.now.toISOString());
  await endSessions(scope.trx, id);
  await scope.audit({ action: "user.password_reset", entityType: "user", entityId: id });
}

/** The caller's own preferences (the interface language). */
export async function setPreferences(scope: CommandScope, user: SessionUser, locale: string) {
  await updateUserRow(scope.trx, user.id, { locale, updated_at: scope.now.toISOString() });
  await scope.audit({
    action: "user.preferences",
    entityType: "user",
    entityId: user.id,
    before: { locale: user.locale },
    after: { locale },
  });
}
