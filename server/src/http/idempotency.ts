import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { badRequest, conflict } from "../errors.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  releaseIdempotencyKey,
} from "./repository.js";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MAX_KEY_LENGTH = 128;

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { principal: string; key: string } | undefined;
  }
}

/**
 * `Idempotency-Key` on writes (DESIGN §5): the first request with a key claims it; its response is
 * stored and replayed for every repeat by the same principal, so a retried write creates nothing new.
 * A failed (5xx) attempt releases the key so the client can retry.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest("idempotency", undefined);

  app.addHook("preHandler", async (req, reply) => {
    const key = req.headers["idempotency-key"];
    if (typeof key !== "string" || !WRITE_METHODS.has(req.method) || !req.principal) {
      return;
    }
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw badRequest("Idempotency-Key 长度应为 1–128", [
        { path: "Idempotency-Key", message: "长度应为 1–128" },
      ]);
    }
    const principal = req.principal.user.id;
    const path = req.url;
    const existing = await findIdempotencyKey(ctx.db, principal, key);
    if (existing) {
      if (existing.method !== req.method || existing.path !== path) {
        throw conflict(`Idempotency-Key 已用于另一请求 ${existing.method} ${existing.path}`);
      }
      if (existing.state !== "done" || existing.status === null) {
        throw conflict("相同 Idempotency-Key 的请求仍在处理中");
      }
      reply.header("idempotent-replayed", "true");
      reply
        .status(existing.status)
        .type("application/json")
        .send(existing.body ?? "");
      return reply;
    }
    try {
      await claimIdempotencyKey(ctx.db, {
        principal,
        key,
        method: req.method,
        path,
        state: "pending",
        status: null,
        body: null,
        created_at: ctx.clock.now().toISOString(),
      });
    } catch {
      // Another request with the same key won the insert a moment ago.
      throw conflict("相同 Idempotency-Key 的请求仍在处理中");
    }
    req.idempotency = { principal, key };
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) {
      return payload;
    }
    if (reply.statusCode >= 500) {
      await releaseIdempotencyKey(ctx.db, claim.principal, claim.key);
      return payload;
    }
    const body =
      typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : null;
    await completeIdempotencyKey(ctx.db, claim.principal, claim.key, { status: reply.statusCode, body });
    return payload;
  });
}
