import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../../context.js";
import { forbidden, unauthorized } from "../../errors.js";
import { principalFromBearer, principalFromSession } from "./service.js";
import { SESSION_COOKIE } from "./tokens.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

declare module "fastify" {
  interface FastifyRequest {
    principal?: import("../../authz/principal.js").Principal | undefined;
  }
  interface FastifyContextConfig {
    /** Route needs no session (login, health, public portal). */
    public?: boolean;
  }
}

async function resolvePrincipal(ctx: AppContext, req: FastifyRequest) {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) {
    return principalFromBearer(ctx, auth.slice(7).trim());
  }
  const cookie = req.cookies[SESSION_COOKIE];
  return cookie ? principalFromSession(ctx, cookie) : undefined;
}

/**
 * Pipeline step "authenticate" (before validation, so 401 comes before 400): sessions and bearer
 * tokens; CSRF on cookie-authenticated writes; token scopes on token-authenticated calls.
 */
export function registerAuthHooks(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest("principal", undefined);
  app.addHook("onRequest", async (req) => {
    if (!req.url.startsWith("/api/") || req.url.startsWith("/api/docs")) {
      return;
    }
    const isPublic = req.routeOptions.config.public === true;
    req.principal = await resolvePrincipal(ctx, req);
    if (isPublic) {
      return;
    }
    const principal = req.principal;
    if (!principal) {
      throw unauthorized();
    }
    const write = !SAFE_METHODS.has(req.method);
    if (principal.via === "session" && write && req.headers["x-csrf-token"] !== principal.csrfToken) {
      throw forbidden("缺少或错误的 X-CSRF-Token 请求头（请刷新页面后重试）");
    }
    if (principal.via === "token") {
      const scope = write ? "write" : "read";
      if (!principal.scopes?.includes(scope)) {
        throw forbidden(`此 API 令牌没有 ${scope} 权限`, [`令牌权限 ${scope}`]);
      }
    }
  });
}
