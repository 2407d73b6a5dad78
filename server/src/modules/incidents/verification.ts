/** Verification (核实): the information is confirmed; clocks that run from verification start (002). */
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import type { FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { actorOf, fail, MINUTE } from "./guards.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import { requireIncident, updateIncident } from "./repository.js";
import { applyDeadlines } from "./scheduling.js";
import type { VerifyBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

/** Records that the information was verified (核实); starts clocks that run from verification (002). */
export async function verifyIncident(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: VerifyBody,
): Promise<void> {
  const before = await requireIncident(scope.trx, id);
  const verifiedAt = body.verifiedAt ? new Date(body.verifiedAt) : scope.now;
  const errors: FieldError[] = [];
  if (verifiedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    errors.push({ path: "verifiedAt", message: "核实时间不能晚于当前时间" });
  }
  if (verifiedAt.getTime() < new Date(before.received_at).getTime()) {
    errors.push({ path: "verifiedAt", message: "核实时间不能早于接报时间" });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(incidentPolicy, actorOf(scope), "verify", incidentResource(ctx.plan, before));
  const set = { verified_at: verifiedAt.toISOString(), updated_at: scope.now.toISOString() };
  await updateIncident(scope.trx, id, set);
  const timeline = timelineFor(scope);
  timeline.add(id, "incident.verified", `信息已核实${body.note ? `：${body.note}` : ""}`, {
    verifiedAt: set.verified_at,
  });
  await applyDeadlines(ctx, scope, { ...before, ...set }, "verification", timeline);
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.verify",
    entityType: "incident",
    entityId: id,
    after: { verifiedAt: set.verified_at, note: body.note ?? null },
  });
  scope.publish({ type: "incident.updated", entityType: "incident", entityId: id, data: { verified: true } });
}
