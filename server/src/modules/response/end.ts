/**
 * The end of a response (000 §4.9; 002 §5.6: request, approval, declaration) and the assessment
 * report it starts: who may is the policy's; the end closes the post, stops continuing reports,
 * starts the assessment deadlines and tells every unit that took part.
 */
import { randomUUID } from "node:crypto";
import { beijingChinese } from "../../../../shared/beijingTime.js";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { endReporting } from "../incidents/index.js";
import { enqueue, notifyUsers } from "../notify/index.js";
import { findSubtype, partyLabels } from "../plans/index.js";
import { usersFilling, usersInUnits } from "../users/index.js";
import {
  clip,
  expandUnits,
  fail,
  type Loaded,
  link,
  loadCase,
  MINUTE,
  planOf,
  responseResource,
  timelineFor,
  unitNamer,
} from "./case.js";
import { responsePolicy } from "./policy.js";
import {
  assessmentsOf,
  checkinsOf,
  insertAssessments,
  submitAssessments,
  tasksOf,
  updatePost,
  updateResponse,
} from "./repository.js";
import {
  assessmentsAfterEnd,
  endAnnouncementErrors,
  endRule,
  participatingUnits,
  responsePartyCase,
} from "./rules.js";
import type { AssessmentBody, EndBody } from "./schema.js";
import { responseSettings } from "./settings.js";

export type EndOutcome = "ended" | "end_requested";

/**
 * Ends the response by the authority the profile names for the grade. Where the plan wants the end
 * approved first (002 §5.6: 现场指挥部请示, 区应急委批准), the first call by a declarer records the
 * request and a second call by an approver ends it.
 */
export async function endResponse(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: EndBody,
  user: SessionUser,
): Promise<EndOutcome> {
  const profile = ctx.plan.profile;
  const plan = planOf(ctx);
  const l = await loadCase(ctx, scope.trx, incidentId);
  const rule = endRule(profile, l.incident.level, l.level);
  const announcement = body.announcement;
  const invalid = endAnnouncementErrors(
    plan,
    rule,
    announcement,
    l.response ? new Date(l.response.activated_at) : undefined,
    scope.now,
  );
  if (invalid.length > 0) {
    fail(invalid);
  }
  const awaitingApproval = l.response?.state === "end_requested" && rule?.approvedBy !== undefined;
  // One endpoint, three steps of the plan: which one this call is follows from the row.
  const action = awaitingApproval ? "approveEnd" : rule?.approvedBy ? "requestEnd" : "end";
  const resource = await responseResource(ctx, l);
  authorize(responsePolicy, user, action, resource);
  const response = l.response;
  if (!rule || !response) {
    throw new Error("end authorized without a rule or a response");
  }
  const name = resource.unitName;
  const now = scope.now.toISOString();
  const timeline = timelineFor(scope);
  if (rule.approvedBy && !awaitingApproval) {
    if (
      !(await updateResponse(scope.trx, response.id, "active", {
        state: "end_requested",
        end_requested_at: now,
        end_requested_by: user.id,
        end_requested_by_name: user.displayName,
        end_request_note: body.summary ?? null,
        updated_at: now,
      }))
    ) {
      throw conflict("应急响应状态已变化，请刷新后再试");
    }
    timeline.add(
      l.incident.id,
      "response.end_requested",
      `${user.displayName}请示结束应急响应${body.summary ? `：${body.summary}` : ""}，待${partyLabels(plan, rule.approvedBy).join("或")}批准`,
      { responseId: response.id },
    );
    await timeline.flush(scope.trx);
    await scope.audit({
      action: "response.end_request",
      entityType: "response",
      entityId: response.id,
      before: { state: "active" },
      after: { state: "end_requested", summary: body.summary ?? null },
    });
    const approvers = await usersFilling(scope.trx, plan, rule.approvedBy, responsePartyCase(l.case));
    await notifyUsers(
      scope,
      approvers.map((u) => u.id),
      {
        title: `请示结束应急响应：${l.incident.number}`,
        body: `${l.incident.title}。${clip(body.summary ?? "")}`,
        link: link(l.incident.id),
        sourceType: "incident",
        sourceId: l.incident.id,
      },
    );
    scope.publish({
      type: "response.end_requested",
      entityType: "incident",
      entityId: l.incident.id,
      data: { responseId: response.id },
    });
    return "end_requested";
  }

  // 000 §4.9 较大以上: the city department declared the end; the office enters it.
  const announcer = announcement ? name(announcement.unitId) : undefined;
  const declarer = announcer ?? (awaitingApproval ? response.end_requested_by_name : user.displayName);
  const endedAt = announcement ? new Date(announcement.announcedAt).toISOString() : now;
  const summary = body.summary ?? response.end_request_note ?? null;
  if (
    !(await updateResponse(scope.trx, response.id, ["active", "end_requested"], {
      state: "ended",
      ended_at: endedAt,
      ended_by: awaitingApproval ? response.end_requested_by : user.id,
      ended_by_name: declarer,
      end_approved_by_name: awaitingApproval ? user.displayName : null,
      end_summary: summary,
      end_announced_by_unit_id: announcement?.unitId ?? null,
      end_announced_at: announcement ? endedAt : null,
      end_doc_no: announcement?.docNo ?? null,
      updated_at: now,
    }))
  ) {
    throw conflict("应急响应状态已变化，请刷新后再试");
  }
  if (l.post && l.post.state === "active") {
    // 000 §4.9: 现场应急指挥机构予以撤销.
    await updatePost(scope.trx, l.post.id, { state: "closed", closed_at: now, updated_at: now });
  }
  // Handling has ended: continuing reports stop (the incidents module owns its deadlines).
  const cancelled = await endReporting(scope, l.incident.id);

  const assessments = assessmentsAfterEnd(profile, l.incident.level, l.level, new Date(endedAt));
  await insertAssessments(
    scope.trx,
    assessments.map((a) => ({
      id: randomUUID(),
      incident_id: l.incident.id,
      response_id: response.id,
      rule_id: a.id,
      name: a.name,
      mandatory: a.mandatory ? 1 : 0,
      target_at: a.targetAt.toISOString(),
      hard_cap_at: a.hardCapAt ? a.hardCapAt.toISOString() : null,
      state: "pending",
      overdue_at: null,
      cap_overdue_at: null,
      submitted_at: null,
      submitted_by_name: null,
      lead: partyLabels(plan, a.lead, responsePartyCase(l.case), name),
      recipients: partyLabels(plan, a.to),
      source: a.source,
      gap: a.gap ?? null,
      created_at: now,
    })),
  );

  const units = await participatingOf(ctx, scope.trx, l);
  const unitNames = await unitNamer(ctx, units);
  timeline.add(
    l.incident.id,
    "response.ended",
    `${declarer ?? ""}宣布应急结束${announcement ? `（${announcement.docNo}，${user.displayName}录入）` : ""}${awaitingApproval ? `（${user.displayName}批准）` : ""}${summary ? `：${summary}` : ""}；已通知参与处置的 ${units.length} 个单位${
      assessments.length > 0
        ? `；${assessments.map((a) => `${a.name}应于 ${beijingChinese(a.targetAt)} 前完成`).join("；")}`
        : ""
    }`,
    { responseId: response.id, units, cancelledDeadlines: cancelled },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.end",
    entityType: "response",
    entityId: response.id,
    before: { state: response.state, level: response.level },
    after: {
      state: "ended",
      endedBy: declarer,
      endedAt,
      announcement: announcement ?? null,
      enteredBy: announcement ? user.displayName : null,
      approvedBy: awaitingApproval ? user.displayName : null,
      summary,
      participatingUnits: units,
      cancelledDeadlines: cancelled,
      assessments: assessments.map((a) => ({ id: a.id, targetAt: a.targetAt.toISOString() })),
    },
  });
  const levelName = l.level?.name ?? response.level;
  const notice = {
    title: `应急结束：${l.incident.number}`,
    body: `${l.incident.title}的${levelName}已结束（${declarer ?? ""}宣布${awaitingApproval ? `，${user.displayName}批准` : ""}）。${clip(summary ?? "")}`,
    link: link(l.incident.id),
    sourceType: "incident",
    sourceId: l.incident.id,
  };
  await notifyUsers(scope, await usersInUnits(scope.trx, expandUnits(ctx, units)), notice);
  const url = responseSettings(ctx).notifyWebhookUrl;
  if (url) {
    await enqueue(
      scope.trx,
      scope.now,
      units.map((u) => ({
        channel: "webhook",
        recipient: url,
        dedupeKey: `response:${response.id}:end:${u}`,
        subject: notice.title,
        body: notice.body,
        payload: {
          incidentId: l.incident.id,
          incidentNumber: l.incident.number,
          responseId: response.id,
          unitId: u,
          unitName: unitNames(u),
          endedAt: now,
          announcePublicly: body.announcePublicly === true,
        },
        sourceType: "response",
        sourceId: response.id,
      })),
    );
  }
  scope.publish({
    type: "response.ended",
    entityType: "incident",
    entityId: l.incident.id,
    data: { responseId: response.id },
  });
  return "ended";
}

/** Every unit that took part in handling (000 §4.9), from the response, post, tasks and check-ins. */
export async function participatingOf(ctx: AppContext, db: Db, l: Loaded): Promise<string[]> {
  const tasks = await tasksOf(db, l.incident.id);
  const checkins = l.post ? await checkinsOf(db, l.post.id) : [];
  const groupUnits = l.groups.flatMap((g) => [
    ...g.lead_units.flatMap((x) => x.units),
    ...g.members.map((m) => m.unitId).filter((u): u is string => u !== null),
  ]);
  const hq = findSubtype(ctx.plan.profile, l.incident.subtype_id)?.subtype.hq;
  return participatingUnits({
    activatingUnitId: l.response?.activating_unit_id ?? null,
    leadDepartments: [...l.facts.leadDepartments, ...(hq ? [hq] : [])],
    streetCode: l.incident.street_code,
    groupUnits,
    taskUnits: tasks.map((t) => t.unit_id).filter((u): u is string => u !== null),
    checkinUnits: checkins.map((c) => c.unit_id).filter((u): u is string => u !== null),
  });
}

// ---------------------------------------------------------------------------------------------
// assessment (000 §4.9)
// ---------------------------------------------------------------------------------------------

export async function saveAssessment(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: AssessmentBody,
  user: SessionUser,
): Promise<void> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  authorize(responsePolicy, user, "editAssessment", await responseResource(ctx, l));
  if (!l.response) {
    throw new Error("editAssessment authorized without a response");
  }
  const set = {
    ...(body.causes !== undefined ? { causes: body.causes } : {}),
    ...(body.lessons !== undefined ? { lessons: body.lessons } : {}),
    ...(body.improvements !== undefined ? { improvements: body.improvements } : {}),
    updated_at: scope.now.toISOString(),
  };
  await updateResponse(scope.trx, l.response.id, ["active", "end_requested", "ended"], set);
  await scope.audit({
    action: "response.assessment_edit",
    entityType: "response",
    entityId: l.response.id,
    before: { causes: l.response.causes, lessons: l.response.lessons, improvements: l.response.improvements },
    after: body,
  });
}

/** Submits the assessment report: meets the assessment deadlines (marking lateness). */
export async function submitAssessment(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  user: SessionUser,
): Promise<number> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  const all = await assessmentsOf(scope.trx, l.incident.id);
  const pending = all.filter((a) => a.state !== "submitted").length;
  authorize(
    responsePolicy,
    user,
    "submitAssessment",
    await responseResource(ctx, l, { assessments: { pending, total: all.length } }),
  );
  const response = l.response;
  if (!response) {
    throw new Error("submitAssessment authorized without a response");
  }
  const rows = await submitAssessments(scope.trx, l.incident.id, scope.now.toISOString(), user.displayName);
  if (rows.length === 0) {
    throw conflict("总结评估报告已报送");
  }
  const timeline = timelineFor(scope);
  for (const r of rows) {
    const late = Math.max(0, Math.ceil((scope.now.getTime() - new Date(r.target_at).getTime()) / MINUTE));
    timeline.add(
      l.incident.id,
      "assessment.submitted",
      late > 0 ? `报送${r.name}（超过原则期限 ${late} 分钟）` : `按时报送${r.name}`,
      { assessmentId: r.id, lateMinutes: late },
    );
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.assessment_submit",
    entityType: "response",
    entityId: response.id,
    after: { assessments: rows.map((r) => r.id) },
  });
  return rows.length;
}
