import { randomUUID } from "node:crypto";
import type { Role } from "../../../../shared/roles.js";
import { allowedActions } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { hashPassword, verifyPassword } from "./password.js";
import { passwordProblems } from "./passwordPolicy.js";
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
  usersWithRoles,
} from "./repository.js";
import type { CreateUserBody, UpdateUserBody, UserView } from "./schema.js";

/**
 * Ends a user's sessions and revokes their API tokens (the auth module's), inside the command; all
 * but `exceptSessionId` when given. Passed in by the app so that the users module does not depend on
 * auth: auth depends on users (signing in looks a user up), not back.
 */
export type EndSessions = (
  scope: CommandScope,
  userId: string,
  options: { reason: string; exceptSessionId?: string | undefined },
) => Promise<void>;

/** 400 naming `path` when a new password breaks the configured policy (passwordPolicy.ts). */
export function assertPasswordAcceptable(
  ctx: AppContext,
  password: string,
  username: string,
  path: string,
): void {
  const problems = passwordProblems(password, ctx.config.auth, username);
  if (problems.length > 0) {
    throw badRequest(
      `${path}: ${problems.join("；")}`,
      problems.map((message) => ({ path, message })),
    );
  }
}

/**
 * 409 when a change would leave no active system administrator, or an administrator would take
 * their own admin role away (another administrator has to, so someone can still sign in as one).
 */
async function assertAdminsRemain(
  scope: CommandScope,
  before: UserRow,
  change: { roles?: readonly Role[] | undefined; disabled?: boolean | undefined },
): Promise<void> {
  const wasAdmin = rolesOf(before).includes("admin") && before.disabled === 0;
  const losesAdmin =
    (change.roles !== undefined && !change.roles.includes("admin")) || change.disabled === true;
  if (!wasAdmin || !losesAdmin) {
    return;
  }
  if (
    change.roles !== undefined &&
    !change.roles.includes("admin") &&
    scope.principal?.user.id === before.id
  ) {
    throw conflict("不能移除自己的系统管理员角色，请由另一位系统管理员操作", { reason: "self-admin" });
  }
  const others = (await usersWithRoles(scope.trx, ["admin"])).filter((id) => id !== before.id);
  if (others.length === 0) {
    throw conflict(
      `${before.display_name}（${before.username}）是最后一位在用的系统管理员，先为另一位用户授予系统管理员角色`,
      { reason: "last-admin" },
    );
  }
}

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
  assertPasswordAcceptable(ctx, input.password, input.username, "password");
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
  await assertAdminsRemain(scope, before, patch);
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
    await endSessions(scope, id, { reason: "user.disable" });
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

/** An administrator sets a new password: the user's sessions end and their tokens are revoked. */
export async function setPassword(
  ctx: AppContext,
  scope: CommandScope,
  endSessions: EndSessions,
  id: string,
  password: string,
) {
  const user = await findUserById(scope.trx, id);
  if (!user) {
    throw notFound(`用户 ${id}`);
  }
  assertPasswordAcceptable(ctx, password, user.username, "password");
  await setPasswordHash(scope.trx, id, await hashPassword(password), scope.now.toISOString());
  await endSessions(scope, id, { reason: "user.password_reset" });
  await scope.audit({ action: "user.password_reset", entityType: "user", entityId: id });
}

/**
 * A user changes their own password (current one required): their other sessions end and their
 * tokens are revoked; the session that made the change stays.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  scope: CommandScope,
  endSessions: EndSessions,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string },
) {
  const user = await findUserById(scope.trx, input.userId);
  if (!user) {
    throw notFound(`用户 ${input.userId}`);
  }
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw badRequest("currentPassword: 当前密码不正确", [
      { path: "currentPassword", message: "当前密码不正确" },
    ]);
  }
  if (input.newPassword === input.currentPassword) {
    throw badRequest("newPassword: 新密码不能与当前密码相同", [
      { path: "newPassword", message: "新密码不能与当前密码相同" },
    ]);
  }
  assertPasswordAcceptable(ctx, input.newPassword, user.username, "newPassword");
  await setPasswordHash(scope.trx, user.id, await hashPassword(input.newPassword), scope.now.toISOString());
  await endSessions(scope, user.id, { reason: "user.password_change", exceptSessionId: input.sessionId });
  await scope.audit({ action: "user.password_change", entityType: "user", entityId: user.id });
}

/**
 * Disables accounts by username (the CLI's `users disable-demo`), audited, sessions and tokens
 * ended; refuses (409) when that would leave no active administrator.
 */
export async function disableAccounts(
  scope: CommandScope,
  endSessions: EndSessions,
  usernames: readonly string[],
): Promise<string[]> {
  const rows: UserRow[] = [];
  for (const username of usernames) {
    const row = await findUserByUsername(scope.trx, username);
    if (row && row.disabled === 0) {
      rows.push(row);
    }
  }
  const leaving = new Set(rows.map((r) => r.id));
  const admins = await usersWithRoles(scope.trx, ["admin"]);
  if (rows.some((r) => rolesOf(r).includes("admin")) && admins.every((id) => leaving.has(id))) {
    throw conflict(
      "停用后将没有在用的系统管理员：请先用 `fenghuo users create … --roles admin` 建立自己的管理员账号",
      { reason: "last-admin" },
    );
  }
  for (const row of rows) {
    await updateUserRow(scope.trx, row.id, { disabled: 1, updated_at: scope.now.toISOString() });
    await endSessions(scope, row.id, { reason: "user.disable" });
    await scope.audit({
      action: "user.update",
      entityType: "user",
      entityId: row.id,
      before: { disabled: 0 },
      after: { disabled: 1, reason: "demo account" },
    });
  }
  return rows.map((r) => r.username);
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
