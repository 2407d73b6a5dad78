/**
 * Deadline rows of an incident as commands keep them in line with the plan (issue 4 §3): which rows
 * registration, a level change or verification creates or cancels, and the rows themselves.
 */
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { newId } from "../../ids.js";
import { EMERGENCY_OFFICE, isEmergencyOffice, partyUnits } from "../plans/index.js";
import { incidentPartyCase } from "./policy.js";
import {
  addDeadlines,
  cancelDeadlines,
  type Incident,
  type IncidentDeadline,
  readDeadlines,
  reportCount,
} from "./repository.js";
import {
  type IncidentState,
  lateMinutes,
  type PlannedDeadline,
  type ReconcileTrigger,
  reconcileDeadlines,
  resolveRecipients,
} from "./rules.js";
import type { Timeline } from "./timeline.js";

export function stateOf(row: Incident, lastReportAt?: string | null): IncidentState {
  return {
    subtypeId: row.subtype_id,
    level: row.level,
    occurredAt: new Date(row.occurred_at),
    receivedAt: new Date(row.received_at),
    verifiedAt: row.verified_at ? new Date(row.verified_at) : undefined,
    lastReportAt: lastReportAt ? new Date(lastReportAt) : undefined,
    handlingEndedAt: row.handling_ended_at ? new Date(row.handling_ended_at) : undefined,
    flags: row.flags,
  };
}

export function deadlineRow(
  incidentId: string,
  d: PlannedDeadline,
  now: Date,
  instructionId?: string,
): IncidentDeadline {
  return {
    id: newId(),
    incident_id: incidentId,
    rule_id: d.ruleId,
    kind: d.kind,
    name: d.name,
    round: d.round,
    instruction_id: instructionId ?? null,
    due_at: d.dueAt.toISOString(),
    state: "pending",
    recipients: d.recipients,
    source: d.source,
    met_at: null,
    met_by: null,
    late_minutes: null,
    overdue_at: null,
    escalated_at: null,
    approval_report_id: null,
    approval_requested_at: null,
    approved_by: null,
    approved_by_name: null,
    approved_at: null,
    created_at: now.toISOString(),
  };
}

export function publishDeadline(scope: CommandScope, row: IncidentDeadline, state: string): void {
  scope.publish({
    type: "deadline.state",
    entityType: "incident",
    entityId: row.incident_id,
    data: { deadlineId: row.id, kind: row.kind, name: row.name, state, dueAt: row.due_at },
  });
}

/** Why a deadline was met without a report (met_by): the office itself knew (000 §2.1.3, §4.1). */
export const MET_BY_OFFICE = "office_knowledge";

const OFFICE_KNEW: Record<ReconcileTrigger, string> = {
  registration: "区应急办（总值班室）自行接报登记",
  level: "区应急办自行研判调整等级",
  verification: "区应急办自行核实",
};

/**
 * 000 §4.1 "…要立即报告区应急办" and §2.1.3 (区应急办…统一接收、研判、处理各类突发事件信息): when the
 * emergency office (or its duty room) itself registers the incident, verifies it or changes its level,
 * the office has the information at that moment, so an immediate report whose only recipient is the
 * office, newly owed because of the office's own act, is met then (its lateness counts as usual).
 * Whether the actor is the office and whether a recipient is the office both come from the resolver.
 */
function metByOfficeKnowledge(
  ctx: AppContext,
  actor: SessionUser | undefined,
  rows: IncidentDeadline[],
  now: Date,
): IncidentDeadline[] {
  if (!actor || !isEmergencyOffice(ctx.plan, actor)) {
    return [];
  }
  const officeUnits = new Set(partyUnits(ctx.plan, EMERGENCY_OFFICE, {}));
  const met: IncidentDeadline[] = [];
  for (const d of rows) {
    const toOfficeOnly =
      d.recipients.length > 0 &&
      d.recipients.every((r) => r.units.length > 0 && r.units.every((u) => officeUnits.has(u)));
    if (d.kind === "immediate" && toOfficeOnly) {
      d.state = "met";
      d.met_at = now.toISOString();
      d.met_by = MET_BY_OFFICE;
      d.late_minutes = lateMinutes(new Date(d.due_at), now);
      met.push(d);
    }
  }
  return met;
}

/**
 * Applies the profile's deadlines to an incident's current state: creates rows for rules that now
 * apply, cancels pending rows whose rule no longer does; the timeline says what changed. Returns the
 * rows it created.
 */
export async function applyDeadlines(
  ctx: AppContext,
  scope: CommandScope,
  row: Incident,
  trigger: ReconcileTrigger,
  timeline: Timeline,
  actor: SessionUser | undefined = scope.principal?.user,
): Promise<IncidentDeadline[]> {
  // A new incident has no rows and no reports yet: skip the two reads on the hot intake path.
  const fresh = trigger === "registration";
  const existing = fresh ? [] : await readDeadlines(scope.trx, [row.id]);
  const { lastAt } = fresh ? { lastAt: null } : await reportCount(scope.trx, row.id);
  const partyCase = incidentPartyCase(row);
  const plan = reconcileDeadlines(
    ctx.plan.profile,
    stateOf(row, lastAt),
    existing.map((e) => ({ id: e.id, ruleId: e.rule_id, state: e.state, round: e.round })),
    scope.now,
    trigger,
    (d) => resolveRecipients(ctx.plan, d.recipients, partyCase),
  );
  const rows = plan.create.map((d) => deadlineRow(row.id, d, scope.now));
  const knownToOffice = metByOfficeKnowledge(ctx, actor, rows, scope.now);
  await addDeadlines(scope.trx, rows);
  for (const r of rows) {
    publishDeadline(scope, r, r.state);
  }
  if (trigger !== "registration" && rows.length > 0) {
    timeline.add(row.id, "deadline.created", `新增报送时限：${rows.map((r) => r.name).join("、")}`, {
      deadlines: rows.map((r) => ({ id: r.id, name: r.name, dueAt: r.due_at })),
    });
  }
  const reason = OFFICE_KNEW[trigger];
  for (const d of knownToOffice) {
    timeline.add(row.id, "deadline.met", `${d.name}：${reason}，区应急办已掌握该信息，视为已报`, {
      deadlineId: d.id,
      metBy: MET_BY_OFFICE,
      reason,
      lateMinutes: d.late_minutes ?? 0,
    });
  }
  // Registration audits these in the creation's own row (the hot intake path: one audit row).
  if (knownToOffice.length > 0 && trigger !== "registration") {
    await scope.audit({
      action: "incident.deadlines_known_to_office",
      entityType: "incident",
      entityId: row.id,
      after: { trigger, reason, deadlines: knownToOffice.map((d) => d.id), actor: actor?.id ?? null },
    });
  }
  const cancelled = await cancelDeadlines(scope.trx, plan.cancel);
  const cancelledRows = existing.filter((e) => cancelled.includes(e.id));
  for (const r of cancelledRows) {
    publishDeadline(scope, r, "cancelled");
  }
  if (cancelledRows.length > 0) {
    timeline.add(
      row.id,
      "deadline.cancelled",
      `不再适用的报送时限：${cancelledRows.map((r) => r.name).join("、")}`,
      {
        deadlines: cancelledRows.map((r) => r.id),
      },
    );
  }
  return rows;
}
