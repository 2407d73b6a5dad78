/** Committee decisions (000 §4.3.2; 002 §5.1.2): what was decided, who proposed it, who approved it. */
import { randomUUID } from "node:crypto";
import type { Party } from "../../../../shared/plan/schema.js";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { type Actor, filledParty, fills, type PlanData, partyLabels } from "../plans/index.js";
import { fail, loadCase, MINUTE, planOf, responseResource, timelineFor } from "./case.js";
import { responsePolicy } from "./policy.js";
import { insertDecision } from "./repository.js";
import { decisionParties, decisionProposers, type ResponseCase, responsePartyCase } from "./rules.js";
import type { DecisionBody } from "./schema.js";

export async function recordDecision(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: DecisionBody,
  user: SessionUser,
): Promise<string> {
  const profile = ctx.plan.profile;
  const rule = profile.response.committeeDecision;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  const type = rule?.decisions.find((d) => d.id === body.decisionType);
  if (!rule) {
    errors.push({ path: "decisionType", message: "预案没有规定区应急委决策机制" });
  } else if (!type) {
    errors.push({
      path: "decisionType",
      message: `预案中没有决策事项“${body.decisionType}”（可选：${rule.decisions.map((d) => `${d.id} ${d.text}`).join("；")}）`,
    });
  }
  const proposers = decisionProposers(profile);
  const plan = planOf(ctx);
  let proposedLabel: string | null = null;
  if (body.trigger === "proposal") {
    if (body.proposedByUnitId === undefined) {
      errors.push({
        path: "proposedByUnitId",
        message: `经建议启动决策机制时须写明提出建议的单位（${partyLabels(plan, proposers).join("或")}，${rule?.source ?? ""}）`,
      });
    } else {
      const unit = await ctx.units.get(body.proposedByUnitId);
      const ok = unit && proposers.some((p) => unitFills(plan, body.proposedByUnitId ?? "", p, l.case));
      if (!unit) {
        errors.push({ path: "proposedByUnitId", message: `组织单元 ${body.proposedByUnitId} 不存在` });
      } else if (!ok) {
        errors.push({
          path: "proposedByUnitId",
          message: `${unit.short_name ?? unit.name}不是预案规定的建议单位（${partyLabels(plan, proposers).join("或")}，${rule?.source ?? ""}）`,
        });
      } else {
        proposedLabel = unit.short_name ?? unit.name;
      }
    }
  }
  const decidedAt = body.decidedAt ? new Date(body.decidedAt) : scope.now;
  if (decidedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    errors.push({ path: "decidedAt", message: "决策时间不能晚于当前时间" });
  }
  if (errors.length > 0 || !rule || !type) {
    fail(errors);
  }
  authorize(responsePolicy, user, "decide", await responseResource(ctx, l, { trigger: body.trigger }));
  // What the approver acted as, from the trigger's own parties (empty when the plan names none).
  const approvedAs = filledParty(
    plan,
    user,
    decisionParties(profile, body.trigger),
    responsePartyCase(l.case),
  );
  const id = randomUUID();
  await insertDecision(scope.trx, {
    id,
    incident_id: l.incident.id,
    decision_type: type.id,
    content: body.content,
    trigger: body.trigger,
    proposed_by_unit_id: body.proposedByUnitId ?? null,
    proposed_by_label: proposedLabel,
    meeting: body.meeting ?? null,
    approved_by_id: user.id,
    approved_by_name: user.displayName,
    approved_as: approvedAs ? (partyLabels(plan, [approvedAs])[0] ?? "") : "",
    decided_at: decidedAt.toISOString(),
    created_at: scope.now.toISOString(),
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "response.decision",
    `区应急委决策（${type.no}. ${type.text.replace(/。$/, "")}）：${body.content}${proposedLabel ? `（${proposedLabel}建议）` : ""}，${user.displayName}同意`,
    { decisionId: id, type: type.id },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.decision",
    entityType: "response_decision",
    entityId: id,
    after: { incidentId: l.incident.id, ...body, approvedBy: user.displayName },
  });
  scope.publish({
    type: "response.decision",
    entityType: "incident",
    entityId: l.incident.id,
    data: { decisionId: id, type: type.id },
  });
  return id;
}

/**
 * Whether a unit (not a user) is one the party names, for "who proposed": a member of the unit with
 * no particular role stands in for it.
 */
function unitFills(plan: PlanData, unitId: string, party: Party, c: ResponseCase): boolean {
  const probe: Actor = { id: "", unitId, roles: ["dept_staff"], categories: [] };
  return fills(plan, probe, { ...party, role: undefined }, responsePartyCase(c));
}
