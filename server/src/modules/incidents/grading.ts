/** Grading (研判定级): the office confirms or changes an incident's level; its deadlines follow. */
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { actorOf, fail } from "./guards.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import { requireIncident, updateIncident } from "./repository.js";
import { isKnownLevel, levelName } from "./rules.js";
import { applyDeadlines } from "./scheduling.js";
import type { LevelBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

export function checkLevel(ctx: AppContext, level: string): void {
  if (!isKnownLevel(ctx.plan.profile, level)) {
    fail([{ path: "level", message: `预案中没有等级“${level}”` }]);
  }
}

/** Confirms or changes the level, keeping the reason; deadlines follow the new level. */
export async function setIncidentLevel(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: LevelBody,
): Promise<void> {
  checkLevel(ctx, body.level);
  const before = await requireIncident(scope.trx, id);
  authorize(incidentPolicy, actorOf(scope), "setLevel", incidentResource(ctx.plan, before));
  const profile = ctx.plan.profile;
  const set = {
    level: body.level,
    level_confirmed: 1,
    level_reason: body.reason,
    updated_at: scope.now.toISOString(),
  };
  await updateIncident(scope.trx, id, set);
  const after = { ...before, ...set };
  const timeline = timelineFor(scope);
  const verb = before.level === body.level ? "确认等级" : "调整等级";
  timeline.add(
    id,
    "incident.level",
    before.level === body.level
      ? `${verb}：${levelName(profile, body.level)}（${body.reason}）`
      : `${verb}：${levelName(profile, before.level)} → ${levelName(profile, body.level)}（${body.reason}）`,
    { from: before.level, to: body.level, reason: body.reason },
  );
  await applyDeadlines(ctx, scope, after, "level", timeline);
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.level",
    entityType: "incident",
    entityId: id,
    before: { level: before.level, levelConfirmed: before.level_confirmed === 1 },
    after: { level: body.level, levelConfirmed: true, reason: body.reason },
  });
  scope.publish({
    type: "incident.level_changed",
    entityType: "incident",
    entityId: id,
    data: { number: before.number, from: before.level, to: body.level },
  });
}
