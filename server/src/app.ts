import fs from "node:fs";
import path from "node:path";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppContext } from "./context.js";
import { badRequest } from "./errors.js";
import { registerStreamRoute } from "./events/routes.js";
import { registerIdempotency } from "./http/idempotency.js";
import { registerBoundedJsonParser } from "./http/jsonBody.js";
import { registerProblemHandler, sendFrameworkError, sendNotFound } from "./http/problem.js";
import { nulPath, validatorCompiler } from "./http/validation.js";
import { registerAuditRoutes } from "./modules/audit/index.js";
import { endUserSessions, registerAuthHooks, registerAuthRoutes } from "./modules/auth/index.js";
import { registerGeoRoutes } from "./modules/geo/index.js";
import { registerHealthRoutes } from "./modules/health/index.js";
import { registerIncidentRoutes } from "./modules/incidents/index.js";
import { registerNotifyRoutes } from "./modules/notify/index.js";
import { registerOrgRoutes } from "./modules/org/index.js";
import { registerPlanRoutes } from "./modules/plans/index.js";
import { registerResourceRoutes } from "./modules/resources/index.js";
import { registerResponseRoutes } from "./modules/response/index.js";
import { registerUserRoutes, unitMembers } from "./modules/users/index.js";
import { registerWarningRoutes } from "./modules/warnings/index.js";

export interface BuildOptions {
  /** Where the JSON log lines go (default stdout); tests pass a stream they read. */
  logStream?: { write(line: string): void };
}

/**
 * Never in a log line, whoever logs the object: credentials in headers and bodies (Fastify's request
 * serializer logs neither today; this holds if someone logs `req.headers` or a body).
 */
const REDACTED = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  'headers["x-csrf-token"]',
  "body.password",
  "body.token",
  "body.csrfToken",
  "password",
  "token",
  "csrfToken",
  "*.password",
  "*.token",
  "*.csrfToken",
];

/**
 * The HTTP pipeline (ARCHITECTURE.md): rate limit → authenticate (+CSRF) → validate (schema) →
 * idempotency → handler (authorize → transaction → command → audit) → present; errors become
 * problem+json in one place.
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Logged in every mode (demo too: its 500s must leave a trace); every line of a request carries
    // its reqId, the id a 500 problem shows as requestId.
    logger: {
      level: ctx.config.log.level,
      redact: { paths: REDACTED, censor: "[redacted]" },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: 1024 * 1024,
    // Only the configured proxies may say who the client is (X-Forwarded-For); otherwise anyone could
    // rotate the header past the per-client login limit.
    trustProxy: ctx.config.server.trustedProxies.length > 0 ? ctx.config.server.trustedProxies : false,
    // SSE streams are long-lived; close them with the server instead of waiting for clients.
    forceCloseConnections: true,
    genReqId: () => crypto.randomUUID(),
    // Errors the router raises before any route runs (a path parameter over maxParamLength, a
    // malformed URL) are problem+json too.
    frameworkErrors: sendFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  registerBoundedJsonParser(app);

  // PostgreSQL cannot store NUL in text; refuse it at the edge, by field, on every route.
  app.addHook("preValidation", async (req) => {
    for (const [part, value] of [
      ["params", req.params],
      ["query", req.query],
      ["body", req.body],
    ] as const) {
      const at = nulPath(value);
      if (at !== undefined) {
        const path = part === "body" ? at : `${part}.${at}`;
        throw badRequest(`${path}: 不能包含空字符（NUL）`, [{ path, message: "不能包含空字符（NUL）" }]);
      }
    }
  });

  registerProblemHandler(app);
  await app.register(helmet, {
    // No inline script anywhere; styles may be inline (antd's CSS-in-JS and Leaflet's positioning
    // write style elements and attributes at run time: a nonce cannot cover style attributes).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:", ...tileOrigins(ctx.config.map.tileUrl)],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // HSTS only on HTTPS (behind a trusted TLS proxy): see the onSend hook below.
    hsts: false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onSend", async (req, reply) => {
    if (req.protocol === "https") {
      reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      message: `请求过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "烽火 Fenghuo API", version: ctx.version, description: "区级应急管理与指挥平台 API" },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "fh_session" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });

  registerAuthHooks(app, ctx);
  registerIdempotency(app, ctx);

  registerHealthRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx, { endSessions: endUserSessions });
  registerOrgRoutes(app, ctx, { membersOf: unitMembers });
  registerAuditRoutes(app, ctx);
  registerPlanRoutes(app, ctx);
  registerNotifyRoutes(app, ctx);
  registerIncidentRoutes(app, ctx);
  registerResourceRoutes(app, ctx);
  registerGeoRoutes(app, ctx);
  registerWarningRoutes(app, ctx);
  registerResponseRoutes(app, ctx);
  registerStreamRoute(app, ctx);

  app.get("/api/openapi.json", { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  const hasWeb = fs.existsSync(path.join(ctx.config.webDir, "index.html"));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: ctx.config.webDir, wildcard: true });
  }
  // The SPA owns every other GET path (client-side routing, including /public); the API answers 404.
  app.setNotFoundHandler((req, reply) => {
    if (hasWeb && req.method === "GET" && !req.url.startsWith("/api/")) {
      reply.sendFile("index.html");
      return;
    }
    sendNotFound(req, reply);
  });
  return app;
}

/** Where configured map tiles come from, for the CSP (none for the offline basemap or same-origin tiles). */
function tileOrigins(tileUrl: string | undefined): string[] {
  if (!tileUrl || tileUrl.startsWith("/")) {
    return [];
  }
  const url = new URL(tileUrl.replace(/\{s\}/g, "a").replace(/\{[a-z]+\}/gi, "0"));
  return tileUrl.includes("{s}")
    ? [`${url.protocol}//*.${url.host.split(".").slice(1).join(".")}`, url.origin]
    : [url.origin];
}
