/** Merging a duplicate registration into the incident it repeats (both keep their sources and reports). */
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { actorOf, fail } from "./guards.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import {
  cancelDeadlines,
  readDeadlines,
  readIncident,
  requireIncident,
  updateIncident,
} from "./repository.js";
import { publishDeadline } from "./scheduling.js";
import type { MergeBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

/**
 * Merges a duplicate into another incident: the duplicate keeps its source, reports and timeline and
 * points at the target; its pending deadlines stop (the target's deadlines govern).
 */
export async function mergeIncident(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: MergeBody,
): Promise<void> {
  const source = await requireIncident(scope.trx, id);
  const target = await readIncident(scope.trx, body.into);
  if (!target) {
    fail([{ path: "into", message: `事件 ${body.into} 不存在` }]);
  }
  if (target.id === source.id) {
    fail([{ path: "into", message: "不能合并到自身" }]);
  }
  authorize(incidentPolicy, actorOf(scope), "merge", incidentResource(ctx.plan, source));
  if (target.status === "merged") {
    throw conflict(`目标事件 ${target.number} 已合并到其他事件`, { status: target.status });
  }
  const nowIso = scope.now.toISOString();
  await updateIncident(scope.trx, source.id, {
    status: "merged",
    merged_into: target.id,
    updated_at: nowIso,
  });
  const pending = (await readDeadlines(scope.trx, [source.id])).filter((r) => r.state === "pending");
  const cancelled = await cancelDeadlines(
    scope.trx,
    pending.map((r) => r.id),
  );
  for (const r of pending.filter((x) => cancelled.includes(x.id))) {
    publishDeadline(scope, r, "cancelled");
  }
  const timeline = timelineFor(scope);
  timeline.add(
    source.id,
    "incident.merged",
    `合并到 ${target.number}${body.reason ? `（${body.reason}）` : ""}`,
    {
      into: target.id,
    },
  );
  timeline.add(
    target.id,
    "incident.merged_in",
    `并入 ${source.number}：${source.title}（保留其来源与报告）`,
    {
      from: source.id,
    },
  );
  await timeline.flush(scope.trx);
  await updateIncident(scope.trx, target.id, { updated_at: nowIso });
  await scope.audit({
    action: "incident.merge",
    entityType: "incident",
    entityId: source.id,
    before: { status: source.status },
    after: { status: "merged", mergedInto: target.id, reason: body.reason ?? null },
  });
  scope.publish({
    type: "incident.updated",
    entityType: "incident",
    entityId: source.id,
    data: { merged: target.id },
  });
  scope.publish({
    type: "incident.updated",
    entityType: "incident",
    entityId: target.id,
    data: { mergedFrom: source.id },
  });
}
