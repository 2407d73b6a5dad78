import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { allowedActions, authorize, can } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { badRequest, forbidden } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { displayNamesOf } from "../users/index.js";
import { tokenListPolicy, tokenPolicy } from "./policy.js";
import { findApiToken, insertApiToken, listApiTokens, revokeApiToken, scopesOf } from "./repository.js";
import { formatBearer } from "./service.js";
import { newSecret, sha256 } from "./tokens.js";

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
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});

const DAY = 24 * 3600_000;

/** API bearer tokens for machine clients: created by a signed-in user, shown once, revocable. */
export function registerTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

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
      const rows = await listApiTokens(
        ctx.db,
        can(tokenListPolicy, user, "listAll", {}) ? undefined : user.id,
      );
      const names = await displayNamesOf(
        ctx.db,
        rows.map((t) => t.user_id),
      );
      return {
        items: rows.map((t) => ({
          id: t.id,
          userId: t.user_id,
          userName: names.get(t.user_id) ?? "",
          allowedActions: allowedActions(tokenPolicy, user, { userId: t.user_id, revokedAt: t.revoked_at }),
          name: t.name,
          scopes: scopesOf(t),
          createdAt: t.created_at,
          lastUsedAt: t.last_used_at,
          revokedAt: t.revoked_at,
          expiresAt: t.expires_at,
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
            expiresAt: Type.Optional(
              Type.String({
                format: "date-time",
                description: "到期时间；缺省为最长有效期（FENGHUO_TOKEN_MAX_DAYS，默认 90 天）",
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      if (principal.via !== "session") {
        // A leaked write token must not be able to mint itself successors.
        throw forbidden("只能在登录会话中创建 API 令牌（API 令牌不能创建令牌）", ["登录会话"]);
      }
      const user = principal.user;
      const body = req.body;
      const nowMs = ctx.clock.now().getTime();
      const latest = nowMs + ctx.config.auth.tokenMaxDays * DAY;
      const expiresMs = body.expiresAt !== undefined ? new Date(body.expiresAt).getTime() : latest;
      if (expiresMs <= nowMs || expiresMs > latest) {
        const message =
          expiresMs <= nowMs
            ? "到期时间须晚于现在"
            : `有效期最长 ${ctx.config.auth.tokenMaxDays} 天（不晚于 ${new Date(latest).toISOString()}）`;
        throw badRequest(`expiresAt: ${message}`, [{ path: "expiresAt", message }]);
      }
      const expiresAt = new Date(expiresMs).toISOString();
      const id = randomUUID();
      const secret = newSecret();
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        await insertApiToken(trx, {
          id,
          user_id: user.id,
          name: body.name,
          token_hash: sha256(secret),
          scopes: body.scopes,
          created_at: now.toISOString(),
          last_used_at: null,
          revoked_at: null,
          expires_at: expiresAt,
        });
        await audit({
          action: "token.create",
          entityType: "api_token",
          entityId: id,
          after: { name: body.name, scopes: body.scopes, expiresAt },
        });
      });
      reply.status(201);
      return { id, name: body.name, scopes: body.scopes, expiresAt, token: formatBearer(id, secret) };
    },
  );

  r.delete(
    "/api/tokens/:id",
    {
      schema: {
        tags: ["auth"],
        summary: "吊销 API 令牌",
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const { id } = req.params;
      await runCommand(ctx, req, async ({ trx, now, audit }) => {
        const token = await findApiToken(trx, id);
        authorize(
          tokenPolicy,
          user,
          "revoke",
          token && { userId: token.user_id, revokedAt: token.revoked_at },
          `令牌 ${id}`,
        );
        await revokeApiToken(trx, id, now.toISOString());
        await audit({ action: "token.revoke", entityType: "api_token", entityId: id });
      });
      reply.status(204);
    },
  );
}
