import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { allowedActions, authorize, can } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isString, PageQuery, page } from "../../http/pagination.js";
import {
  findApiToken,
  formatBearer,
  insertApiToken,
  listApiTokens,
  newSecret,
  revokeApiToken,
  sha256,
} from "../auth/index.js";
import { tokenPolicy, userPolicy } from "./policy.js";
import { findUserById, listUsers } from "./repository.js";
import { CreateUserBody, PasswordBody, PreferencesBody, UpdateUserBody, UserView } from "./schema.js";
import { createUser, presentUser, setPassword, updateUser } from "./service.js";

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/api/users",
    {
      schema: {
        tags: ["users"],
        summary: "用户列表",
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 64 })),
            unitId: Type.Optional(Type.String({ maxLength: 64 })),
            role: Type.Optional(Type.String({ maxLength: 32 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(UserView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      authorize(userPolicy, viewer, "list", { id: "" });
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await listUsers(ctx.db, {
        q: q.q,
        unitId: q.unitId,
        role: q.role,
        after: decodeCursor(q.cursor, isString),
        limit,
      });
      const result = page(rows, limit, (r) => r.username);
      return {
        items: result.items.map((r) => presentUser(r, viewer)),
        nextCursor: result.nextCursor,
        allowedActions: can(userPolicy, viewer, "create", { id: "" }) ? ["create"] : [],
      };
    },
  );

  r.get(
    "/api/users/:id",
    { schema: { tags: ["users"], summary: "用户详情", params: IdParams, response: { 200: UserView } } },
    async (req) => {
      const viewer = principalOf(req).user;
      const { id } = req.params;
      authorize(userPolicy, viewer, "read", { id });
      const row = await findUserById(ctx.db, id);
      if (!row) {
        throw notFound(`用户 ${id}`);
      }
      return presentUser(row, viewer);
    },
  );

  r.post(
    "/api/users",
    { schema: { tags: ["users"], summary: "新建用户", body: CreateUserBody, response: { 201: UserView } } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      authorize(userPolicy, viewer, "create", { id: "" });
      const id = await runCommand(ctx, req, (scope) => createUser(ctx, scope, req.body));
      const row = await findUserById(ctx.db, id);
      if (!row) {
        throw notFound(`用户 ${id}`);
      }
      reply.status(201);
      return presentUser(row, viewer);
    },
  );

  r.patch(
    "/api/users/:id",
    {
      schema: {
        tags: ["users"],
        summary: "修改用户",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const { id } = req.params;
      authorize(userPolicy, viewer, "update", { id });
      if (req.body.disabled !== undefined) {
        authorize(userPolicy, viewer, "disable", { id });
      }
      await runCommand(ctx, req, (scope) => updateUser(ctx, scope, id, req.body));
      const row = await findUserById(ctx.db, id);
      if (!row) {
        throw notFound(`用户 ${id}`);
      }
      return presentUser(row, viewer);
    },
  );

  r.post(
    "/api/users/:id/password",
    { schema: { tags: ["users"], summary: "重置密码", params: IdParams, body: PasswordBody } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const { id } = req.params;
      authorize(userPolicy, viewer, "resetPassword", { id });
      await runCommand(ctx, req, (scope) => setPassword(scope, id, req.body.password));
      reply.status(204);
    },
  );

  r.put(
    "/api/me/preferences",
    { schema: { tags: ["users"], summary: "修改个人偏好（界面语言）", body: PreferencesBody } },
    async (req) => {
      const user = principalOf(req).user;
      const { locale } = req.body;
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        await trx
          .updateTable("users")
          .set({ locale, updated_at: now.toISOString() })
          .where("id", "=", user.id)
          .execute();
        await audit({
          action: "user.preferences",
          entityType: "user",
          entityId: user.id,
          before: { locale: user.locale },
          after: { locale },
        });
      });
      return { locale };
    },
  );

  const TokenView = Type.Object({
    id: Type.String(),
    userId: Type.String(),
    userName: Type.String(),
    allowedActions: Type.Array(Type.String()),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  });

  r.get(
    "/api/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "API 令牌列表（管理员看全部）",
        response: { 200: Type.Object({ items: Type.Array(TokenView) }) },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const rows = await listApiTokens(ctx.db, user.roles.includes("admin") ? undefined : user.id);
      return {
        items: rows.map((r) => ({
          id: r.id,
          userId: r.user_id,
          userName: r.display_name,
          allowedActions: r.revoked_at ? [] : allowedActions(tokenPolicy, user, { userId: r.user_id }),
          name: r.name,
          scopes: JSON.parse(r.scopes) as string[],
          createdAt: r.created_at,
          lastUsedAt: r.last_used_at,
          revokedAt: r.revoked_at,
        })),
      };
    },
  );

  r.post(
    "/api/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "创建 API 令牌（令牌只显示一次）",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64 }),
            scopes: Type.Array(Type.Union([Type.Literal("read"), Type.Literal("write")]), {
              minItems: 1,
              uniqueItems: true,
            }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const body = req.body;
      const id = randomUUID();
      const secret = newSecret();
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        await insertApiToken(trx, {
          id,
          user_id: user.id,
          name: body.name,
          token_hash: sha256(secret),
          scopes: JSON.stringify(body.scopes),
          created_at: now.toISOString(),
          last_used_at: null,
          revoked_at: null,
        });
        await audit({
          action: "token.create",
          entityType: "api_token",
          entityId: id,
          after: { name: body.name, scopes: body.scopes },
        });
      });
      reply.status(201);
      return { id, name: body.name, scopes: body.scopes, token: formatBearer(id, secret) };
    },
  );

  r.delete(
    "/api/tokens/:id",
    { schema: { tags: ["auth"], summary: "吊销 API 令牌", params: IdParams } },
    async (req, reply) => {
      const user = principalOf(req).user;
      const { id } = req.params;
      const token = await findApiToken(ctx.db, id);
      if (!token) {
        throw notFound(`令牌 ${id}`);
      }
      authorize(tokenPolicy, user, "revoke", { userId: token.user_id });
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        await revokeApiToken(trx, id, now.toISOString());
        await audit({ action: "token.revoke", entityType: "api_token", entityId: id });
      });
      reply.status(204);
    },
  );
}
