/**
 * Activation, upgrade and downgrade of a response (000 §4.3.1, §4.3, §4.5): the level follows the
 * grade unless a reason is recorded; who may is the policy's (the level's activators).
 */
import { randomUUID } from "node:crypto";
import type { Party } from "../../../../shared/plan/schema.js";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import {
  actingUnit,
  filledParty,
  type PartyCase,
  type PlanData,
  partyLabels,
  partyUnits,
} from "../plans/index.js";
import { usersFilling } from "../users/index.js";
import { fail, link, loadCase, planOf, responseResource, timelineFor } from "./case.js";
import { responsePolicy } from "./policy.js";
import { insertLevelChange, insertResponse, insertTasks, nextTaskSeq, updateResponse } from "./repository.js";
import {
  activators,
  checkActivation,
  checkLevelChange,
  levelChangeAuthority,
  responsePartyCase,
  specialCaseOf,
  upperLevelRequest,
} from "./rules.js";
import type { ActivateBody, LevelChangeBody } from "./schema.js";
import type { ResponseTable } from "./tables.js";
import { taskRow } from "./tasks.js";

/** Activates the response at a level of the profile; returns the response id. */
export async function activateResponse(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: ActivateBody,
  user: SessionUser,
): Promise<string> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const check = checkActivation(profile, l.incident.level, body.level, body.reason);
  if (check.errors.length > 0 || !check.level) {
    fail(check.errors);
  }
  const level = check.level;
  const resource = await responseResource(ctx, l, { target: level });
  authorize(responsePolicy, user, "activate", resource);
  const name = resource.unitName;
  const parties = activators(profile, level, l.case);
  const now = scope.now.toISOString();
  const activatingUnit = activatingUnitOf(planOf(ctx), user, parties, responsePartyCase(l.case));
  const special = specialCaseOf(profile, l.case);
  const id = randomUUID();
  const row: ResponseTable = {
    id,
    incident_id: l.incident.id,
    level: level.id,
    state: "active",
    activated_at: now,
    activated_by: user.id,
    activated_by_name: user.displayName,
    activating_unit_id: activatingUnit,
    special_case: special?.id ?? null,
    mechanism: level.mechanism ?? null,
    end_requested_at: null,
    end_requested_by: null,
    end_requested_by_name: null,
    end_request_note: null,
    ended_at: null,
    ended_by: null,
    ended_by_name: null,
    end_approved_by_name: null,
    end_summary: null,
    end_announced_by_unit_id: null,
    end_announced_at: null,
    end_doc_no: null,
    causes: "",
    lessons: "",
    improvements: "",
    created_at: now,
    updated_at: now,
  };
  await insertResponse(scope.trx, row);
  await insertLevelChange(scope.trx, {
    id: randomUUID(),
    response_id: id,
    incident_id: l.incident.id,
    kind: "activate",
    from_level: null,
    to_level: level.id,
    grade: l.incident.level,
    justified: check.justified ? 1 : 0,
    reason: body.reason ?? null,
    by_id: user.id,
    by_name: user.displayName,
    by_unit_id: activatingUnit,
    at: now,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "response.activated",
    `${name(activatingUnit)}启动${level.name}${body.reason ? `（理由：${body.reason}）` : ""}`,
    { responseId: id, level: level.id, justified: check.justified },
  );
  const upper = upperLevelRequest(level);
  if (upper) {
    timeline.add(l.incident.id, "response.upper_request", `按预案报请上级：${upper}`, { level: level.id });
    await insertTasks(scope.trx, [
      taskRow(l.incident.id, null, scope, await nextTaskSeq(scope.trx, l.incident.id), {
        title: "报请市政府启动市级应急预案",
        detail: `${upper}（${level.source}）`,
        unitId: activatingUnit,
        assignee: name(activatingUnit),
        dueAt: null,
        measureRef: `upper:${level.id}`,
      }),
    ]);
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.activate",
    entityType: "response",
    entityId: id,
    after: {
      incidentId: l.incident.id,
      level: level.id,
      grade: l.incident.level,
      justified: check.justified,
      reason: body.reason ?? null,
      activatingUnitId: activatingUnit,
    },
  });
  const caseNow = responsePartyCase({ ...l.case, activatingUnitId: activatingUnit });
  const onScene = await usersFilling(scope.trx, planOf(ctx), level.onScene, caseNow);
  await notifyUsers(
    scope,
    onScene.map((u) => u.id),
    {
      title: `${level.name}已启动：${l.incident.number}`,
      body: `${l.incident.title}。按预案（${level.source}）请${partyLabels(planOf(ctx), level.onScene).join("或")}根据事件需要赶赴现场指挥。`,
      link: link(l.incident.id),
      sourceType: "incident",
      sourceId: l.incident.id,
    },
  );
  scope.publish({
    type: "response.activated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { responseId: id, level: level.id, levelName: level.name },
  });
  return id;
}

/** Upgrades or downgrades the running response with a reason (000 §4.3, §4.5). */
export async function changeResponseLevel(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  kind: "upgrade" | "downgrade",
  body: LevelChangeBody,
  user: SessionUser,
): Promise<void> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const current = l.level;
  const errors = l.response ? checkLevelChange(profile, kind, l.response.level, body.level) : [];
  const check = checkActivation(profile, l.incident.level, body.level, body.reason);
  if (errors.length > 0 || check.errors.length > 0) {
    fail([...errors, ...check.errors]);
  }
  const target = check.level;
  authorize(responsePolicy, user, kind, await responseResource(ctx, l, { target }));
  const response = l.response;
  if (!current || !target || !response) {
    throw conflict(`当前响应级别“${l.response?.level}”不在预案中`);
  }
  const parties = levelChangeAuthority(profile, kind, current, target, l.case);
  const verb = kind === "upgrade" ? "升级" : "降级";
  const now = scope.now.toISOString();
  if (!(await updateResponse(scope.trx, response.id, "active", { level: target.id, updated_at: now }))) {
    throw conflict("应急响应状态已变化（可能已请示或宣布结束），请刷新后再试", { state: response.state });
  }
  await insertLevelChange(scope.trx, {
    id: randomUUID(),
    response_id: response.id,
    incident_id: l.incident.id,
    kind,
    from_level: current.id,
    to_level: target.id,
    grade: l.incident.level,
    justified: check.justified ? 1 : 0,
    reason: body.reason,
    by_id: user.id,
    by_name: user.displayName,
    by_unit_id: actingUnit(planOf(ctx), user, parties, responsePartyCase(l.case)),
    at: now,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    `response.${kind}`,
    `响应${verb}：${current.name} → ${target.name}（理由：${body.reason}）`,
    { from: current.id, to: target.id },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: `response.${kind}`,
    entityType: "response",
    entityId: response.id,
    before: { level: current.id },
    after: { level: target.id, reason: body.reason, justified: check.justified },
  });
  if (kind === "upgrade") {
    const onScene = await usersFilling(scope.trx, planOf(ctx), target.onScene, responsePartyCase(l.case));
    await notifyUsers(
      scope,
      onScene.map((u) => u.id),
      {
        title: `响应升级为${target.name}：${l.incident.number}`,
        body: `${l.incident.title}。理由：${body.reason}`,
        link: link(l.incident.id),
        sourceType: "incident",
        sourceId: l.incident.id,
      },
    );
  }
  scope.publish({
    type: "response.level_changed",
    entityType: "incident",
    entityId: l.incident.id,
    data: { kind, from: current.id, to: target.id },
  });
}

/**
 * The unit a response is activated for. A leader in charge (分管区领导) activates as the HQ's 总指挥
 * (000 §2.1.4, §4.3.1 Ⅱ级: 由区相关专项应急指挥部（或临时应急指挥部）启动), so the response is the HQ's
 * (the temporary HQ's: its lead unit) and the HQ's office declares its end (000 §4.9); anyone else
 * activates for the unit they acted for.
 */
function activatingUnitOf(
  plan: PlanData,
  user: SessionUser,
  parties: readonly Party[],
  c: PartyCase,
): string {
  const party = filledParty(plan, user, parties, c);
  if (party?.role === "district_leader" && party.scope === "in_charge_of_category") {
    const hq = partyUnits(plan, { scope: "hq" }, c)[0];
    if (hq !== undefined) {
      return hq;
    }
  }
  return actingUnit(plan, user, parties, c);
}
