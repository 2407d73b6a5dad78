import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { globalPermissions } from "../../authz/permissions.js";
import type { AppContext } from "../../context.js";
import { principalOf } from "../../http/command.js";
import { login, logout } from "./service.js";
import { registerTokenRoutes } from "./tokenRoutes.js";
import { SESSION_COOKIE } from "./tokens.js";

export const MeView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  unitId: Type.String(),
  unitName: Type.String(),
  roles: Type.Array(Type.String()),
  categories: Type.Array(Type.String()),
  locale: Type.String(),
});

export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  registerTokenRoutes(app, ctx);

  r.post(
    "/api/auth/login",
    {
      config: {
        public: true,
        rateLimit: { max: ctx.config.auth.loginRateLimit, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["auth"],
        summary: "登录（返回 CSRF 令牌，写请求需带 X-CSRF-Token）",
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            user: MeView,
            csrfToken: Type.String(),
            permissions: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (req, reply) => {
      const result = await login(ctx, req, req.body.username, req.body.password);
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: req.protocol === "https",
        expires: new Date(result.expiresAt.getTime() + 30 * 24 * 3600_000),
      });
      const { user, csrfToken } = result.principal;
      return { user, csrfToken: csrfToken ?? "", permissions: globalPermissions(user) };
    },
  );

  r.post("/api/auth/logout", { schema: { tags: ["auth"], summary: "退出登录" } }, async (req, reply) => {
    await logout(ctx, req);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    reply.status(204);
  });

  r.get(
    "/api/me",
    {
      schema: {
        tags: ["auth"],
        summary: "当前用户（含 CSRF 令牌，页面刷新后用）",
        response: {
          200: Type.Object({
            user: MeView,
            csrfToken: Type.Union([Type.String(), Type.Null()]),
            permissions: Type.Array(Type.String(), {
              description: "全局权限，如 user.list、audit.read；菜单据此显示",
            }),
          }),
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return { user: p.user, csrfToken: p.csrfToken ?? null, permissions: globalPermissions(p.user) };
    },
  );
}
