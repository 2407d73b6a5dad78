import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { authorize, can } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isString, PageQuery, page } from "../../http/pagination.js";
import { userPolicy } from "./policy.js";
import { findUserById, listUsers } from "./repository.js";
import { CreateUserBody, PasswordBody, PreferencesBody, UpdateUserBody, UserView } from "./schema.js";
import {
  createUser,
  type EndSessions,
  presentUser,
  setPassword,
  setPreferences,
  updateUser,
} from "./service.js";

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** The user-administration API; `endSessions` is the auth module's, handed in by the app. */
export function registerUserRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  { endSessions }: { endSessions: EndSessions },
): void {
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
      const id = await runCommand(ctx, req, (scope) => {
        authorize(userPolicy, viewer, "create", { id: "" });
        return createUser(ctx, scope, req.body);
      });
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
      await runCommand(ctx, req, (scope) => {
        authorize(userPolicy, viewer, "update", { id });
        if (req.body.disabled !== undefined) {
          authorize(userPolicy, viewer, "disable", { id });
        }
        return updateUser(ctx, scope, endSessions, id, req.body);
      });
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
      await runCommand(ctx, req, (scope) => {
        authorize(userPolicy, viewer, "resetPassword", { id });
        return setPassword(ctx, scope, endSessions, id, req.body.password);
      });
      reply.status(204);
    },
  );

  r.put(
    "/api/me/preferences",
    { schema: { tags: ["users"], summary: "修改个人偏好（界面语言）", body: PreferencesBody } },
    async (req) => {
      const user = principalOf(req).user;
      const { locale } = req.body;
      await runCommand(ctx, req, (scope) => setPreferences(scope, user, locale));
      return { locale };
    },
  );
}
