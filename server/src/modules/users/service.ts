import { randomUUID } from "node:crypto";
import type { Role } from "../../../../shared/roles.js";
import { allowedActions } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { deleteSessionsOfUser, hashPassword } from "../auth/index.js";
import { userPolicy } from "./policy.js";
import { findUserById, findUserByUsername, type UserRow } from "./repository.js";
import type { CreateUserBody, UpdateUserBody, UserView } from "./schema.js";

export function presentUser(row: UserRow, viewer: SessionUser): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    unitId: row.unit_id,
    unitName: row.unit_name,
    roles: JSON.parse(row.roles) as string[],
    categories: JSON.parse(row.categories) as string[],
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
  const row = {
    id,
    username: input.username,
    display_name: input.displayName,
    unit_id: input.unitId,
    roles: JSON.stringify(input.roles),
    categories: JSON.stringify(input.categories ?? []),
    phone: input.phone ?? null,
    password_hash: await hashPassword(input.password),
    disabled: 0,
    failed_logins: 0,
    locked_until: null,
    locale: "zh-CN",
    created_at: now,
    updated_at: now,
  };
  await scope.trx.insertInto("users").values(row).execute();
  const { password_hash: _omit, ...visible } = row;
  await scope.audit({ action: "user.create", entityType: "user", entityId: id, after: visible });
  return id;
}

export async function updateUser(ctx: AppContext, scope: CommandScope, id: string, patch: UpdateUserBody) {
  const before = await findUserById(scope.trx, id);
  if (!before) {
    throw notFound(`用户 ${id}`);
  }
  await checkReferences(ctx, patch);
  const set = {
    ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
    ...(patch.unitId !== undefined ? { unit_id: patch.unitId } : {}),
    ...(patch.roles !== undefined ? { roles: JSON.stringify(patch.roles) } : {}),
    ...(patch.categories !== undefined ? { categories: JSON.stringify(patch.categories) } : {}),
    ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
    updated_at: scope.now.toISOString(),
  };
  await scope.trx.updateTable("users").set(set).where("id", "=", id).execute();
  if (patch.disabled) {
    await deleteSessionsOfUser(scope.trx, id);
  }
  const { password_hash: _p, ...visibleBefore } = before;
  await scope.audit({
    action: "user.update",
    entityType: "user",
    entityId: id,
    before: visibleBefore,
    after: set,
  });
}

export async function setPassword(scope: CommandScope, id: string, password: string) {
  const user = await findUserById(scope.trx, id);
  if (!user) {
    throw notFound(`用户 ${id}`);
  }
  await scope.trx
    .updateTable("users")
    .set({
      password_hash: await hashPassword(password),
      failed_logins: 0,
      locked_until: null,
      updated_at: scope.now.toISOString(),
    })
    .where("id", "=", id)
    .execute();
  await deleteSessionsOfUser(scope.trx, id);
  await scope.audit({ action: "user.password_reset", entityType: "user", entityId: id });
}
