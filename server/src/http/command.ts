import type { FastifyRequest } from "fastify";
import type { Principal } from "../authz/principal.js";
import type { AppContext } from "../context.js";
import type { Db } from "../db/index.js";
import { unauthorized } from "../errors.js";
import { type DomainEvent, EventHub } from "../events/hub.js";
import { type AuditEntry, appendAudit } from "../modules/audit/index.js";
import { markCommitted } from "./idempotency.js";
import { notifyChannel } from "./repository.js";

/** What a command sees: the open transaction, one "now" for the whole command, audit and events. */
export interface CommandScope {
  trx: Db;
  now: Date;
  principal: Principal | undefined;
  audit(entry: Omit<AuditEntry, "actorId" | "actorName" | "requestId">): Promise<void>;
  /** Queues a live event; it is sent only if the transaction commits. */
  publish(event: Omit<DomainEvent, "at"> & { at?: string }): void;
}

/**
 * Runs a state change in one transaction together with its audit rows (pipeline: transaction →
 * command → audit). Nothing is written unless everything is; events go out after the commit.
 */
export async function runCommand<T>(
  ctx: AppContext,
  req: FastifyRequest | { id: string; principal?: Principal | undefined },
  fn: (scope: CommandScope) => Promise<T>,
): Promise<T> {
  const now = ctx.clock.now();
  const principal = req.principal;
  const events: DomainEvent[] = [];
  const result = await transaction(ctx, async (trx) => {
    const scope: CommandScope = {
      trx,
      now,
      principal,
      audit: async (entry) => {
        await appendAudit(trx, ctx.dialect, now, {
          ...entry,
          actorId: principal?.user.id ?? null,
          actorName: principal?.user.displayName ?? null,
          requestId: req.id,
        });
      },
      publish: (event) => {
        events.push({ ...event, at: event.at ?? now.toISOString() });
      },
    };
    const value = await fn(scope);
    // Issue 14 §3: the request's Idempotency-Key claim is marked committed in this same transaction.
    await markCommitted(trx, req);
    if (ctx.dialect === "postgres") {
      // NOTIFY is transactional: other instances hear it only if this commits.
      for (const event of events) {
        await notifyChannel(trx, EventHub.channel, ctx.events.notifyPayload(event));
      }
    }
    return value;
  });
  for (const event of events) {
    ctx.events.emitLocal(event);
  }
  return result;
}

/**
 * One transaction: SQLite commands share commits through the group committer (one fsync for all the
 * commands that queued meanwhile); PostgreSQL runs each in its own transaction on the pool.
 */
function transaction<T>(ctx: AppContext, work: (trx: Db) => Promise<T>): Promise<T> {
  return ctx.committer ? ctx.committer.run(work) : ctx.db.transaction().execute(work);
}

/** The principal of an authenticated route; the auth hook guarantees it, this makes it typed. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) {
    throw unauthorized();
  }
  return req.principal;
}
