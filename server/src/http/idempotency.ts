import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { AppError, badRequest, conflict } from "../errors.js";
import {
  type ClaimHolder,
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  markIdempotencyKeyCommitted,
  releaseIdempotencyKey,
  renewIdempotencyKey,
  takeOverIdempotencyKey,
} from "./repository.js";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MAX_KEY_LENGTH = 128;

/**
 * How long a claim outlives its last renewal (issue 14 §3). A running request renews it every third
 * of this, so only a claim whose process died (kill -9, power loss) or hung for this long expires.
 */
export const IDEMPOTENCY_LEASE_MS = 30_000;

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: (ClaimHolder & { renewal: NodeJS.Timeout }) | undefined;
  }
}

/**
 * `Idempotency-Key` on writes (DESIGN §5): the first request with a key claims it; its response is
 * stored and replayed for every repeat by the same principal, so a retried write creates nothing new.
 * A failed (5xx) attempt whose command did not commit releases the key so the client can retry.
 *
 * A claim is held by one instance under a lease (issue 14 §3). The command marks the claim committed
 * in its own transaction (`markCommitted`), so after a crash a retry knows which case it is in:
 * pending and expired → the command never committed, the retry takes the claim over and runs it;
 * committed and expired → it committed but the response was lost, the retry is told so (409
 * `idempotency-committed`) instead of running it twice; done → the stored response is replayed.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest("idempotency", undefined);
  const owner = ctx.events.instanceId;
  const leaseUntil = () => new Date(ctx.clock.now().getTime() + IDEMPOTENCY_LEASE_MS).toISOString();

  const hold = (req: FastifyRequest, principal: string, key: string) => {
    const holder = { principal, key, owner };
    const renewal = setInterval(() => {
      renewIdempotencyKey(ctx.db, holder, leaseUntil()).catch((e: unknown) => req.log.warn(e));
    }, IDEMPOTENCY_LEASE_MS / 3);
    renewal.unref();
    req.idempotency = { ...holder, renewal };
  };
  const letGo = (req: FastifyRequest) => {
    if (req.idempotency) {
      clearInterval(req.idempotency.renewal);
    }
  };

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
      if (existing.state === "done" && existing.status !== null) {
        reply.header("idempotent-replayed", "true");
        reply
          .status(existing.status)
          .type("application/json")
          .send(existing.body ?? "");
        return reply;
      }
      const now = ctx.clock.now().toISOString();
      // Rows claimed before migration 0012 have no lease: nobody renews them, so they are expired.
      const expired = existing.lease_until === null || existing.lease_until <= now;
      if (!expired) {
        throw conflict("相同 Idempotency-Key 的请求仍在处理中");
      }
      if (existing.state === "committed") {
        throw new AppError(
          409,
          "idempotency-committed",
          "请求已提交",
          "相同 Idempotency-Key 的请求已成功提交，但服务器在返回结果前中断；请勿重复提交，请刷新查看结果",
        );
      }
      if (!(await takeOverIdempotencyKey(ctx.db, existing, { owner, leaseUntil: leaseUntil() }))) {
        throw conflict("相同 Idempotency-Key 的请求仍在处理中");
      }
      hold(req, principal, key);
      return;
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
        owner,
        lease_until: leaseUntil(),
      });
    } catch {
      // Another request with the same key won the insert a moment ago.
      throw conflict("相同 Idempotency-Key 的请求仍在处理中");
    }
    hold(req, principal, key);
  });

  app.addHook("onSend", async (req, reply, payload) => {
    const claim = req.idempotency;
    if (!claim) {
      return payload;
    }
    letGo(req);
    if (reply.statusCode >= 500) {
      await releaseIdempotencyKey(ctx.db, claim, ctx.clock.now().toISOString());
      return payload;
    }
    const body =
      typeof payload === "string" ? payload : Buffer.isBuffer(payload) ? payload.toString("utf8") : null;
    await completeIdempotencyKey(ctx.db, claim, { status: reply.statusCode, body });
    return payload;
  });
  app.addHook("onResponse", async (req) => letGo(req));
  app.addHook("onRequestAbort", async (req) => letGo(req));
}

/**
 * Called by `runCommand` inside the command's transaction: the claim of the request (if it has one)
 * becomes "committed" in the same commit as the command's writes. When the claim was taken over by
 * another instance meanwhile (this request's lease expired), the command is refused and rolls back,
 * so one key never runs its command twice.
 */
export async function markCommitted(trx: Db, req: FastifyRequest | { id: string }): Promise<void> {
  const claim = "idempotency" in req ? req.idempotency : undefined;
  if (claim && !(await markIdempotencyKeyCommitted(trx, claim))) {
    throw conflict("相同 Idempotency-Key 的请求已由另一次重试处理");
  }
}
