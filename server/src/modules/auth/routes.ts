import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../../../shared/validation.js";
import { globalPermissions } from "../../authz/permissions.js";
import type { AppContext } from "../../context.js";
import { AppError, forbidden, rateLimited } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { changeOwnPassword } from "../users/index.js";
import { endUserSessions, login, logout } from "./service.js";
import { LoginThrottle } from "./throttle.js";
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
  // Per app (per process): see throttle.ts for what that means in a cluster.
  const throttle = new LoginThrottle(ctx.config.auth);

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
      const result = await login(ctx, throttle, req, req.body.username, req.body.password).catch(
        (error: unknown) => {
          const retryAfter = error instanceof AppError ? error.extra?.retryAfter : undefined;
          if (typeof retryAfter === "number") {
            reply.header("retry-after", String(retryAfter));
          }
          throw error;
        },
      );
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

  r.post(
    "/api/me/password",
    {
      schema: {
        tags: ["auth"],
        summary: "修改本人密码（结束本人其他会话，吊销本人全部 API 令牌）",
        body: Type.Object(
          {
            currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
            newPassword: Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.via !== "session" || !p.sessionId) {
        throw forbidden("只能在登录会话中修改密码（API 令牌不能修改密码）", ["登录会话"]);
      }
      const sessionId = p.sessionId;
      // Guessing the current password from a stolen session is throttled like guessing at login.
      const now = ctx.clock.now().getTime();
      const wait = throttle.waitSeconds(req.ip, p.user.username, now);
      if (wait > 0) {
        reply.header("retry-after", String(wait));
        throw rateLimited(`当前密码错误次数过多，请 ${wait} 秒后再试`);
      }
      await runCommand(ctx, req, (scope) =>
        changeOwnPassword(ctx, scope, endUserSessions, {
          userId: p.user.id,
          sessionId,
          currentPassword: req.body.currentPassword,
          newPassword: req.body.newPassword,
        }),
      ).catch((error: unknown) => {
        if (error instanceof AppError && error.errors?.some((e) => e.path === "currentPassword")) {
          throttle.recordFailure(req.ip, p.user.username, now);
        }
        throw error;
      });
      reply.status(204);
    },
  );

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
