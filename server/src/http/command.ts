import type { FastifyRequest } from "fastify";
import type { Principal } from "../authz/principal.js";
import type { AppContext } from "../context.js";
import type { Trx } from "../db/index.js";
import { unauthorized } from "../errors.js";
import { type AuditEntry, appendAudit } from "../modules/audit/repository.js";

/** What a command sees: the open transaction, one "now" for the whole command, and an audit writer. */
export interface CommandScope {
  trx: Trx;
  now: Date;
  principal: Principal | undefined;
  audit(entry: Omit<AuditEntry, "actorId" | "actorName" | "requestId">): Promise<void>;
}

/**
 * Runs a state change in one transaction together with its audit rows (pipeline: transaction →
 * command → audit). Nothing is written unless everything is.
 */
export async function runCommand<T>(
  ctx: AppContext,
  req: FastifyRequest | { id: string; principal?: Principal | undefined },
  fn: (scope: CommandScope) => Promise<T>,
): Promise<T> {
  const now = ctx.clock.now();
  const principal = req.principal;
  return ctx.db.transaction().execute(async (trx) => {
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
    };
    return fn(scope);
  });
}

/** The principal of an authenticated route; the auth hook guarantees it, this makes it typed. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) {
    throw unauthorized();
  }
  return req.principal;
}
