/**
 * Deadline rows of an incident as commands keep them in line with the plan (issue 4 §3): which rows
 * registration, a level change or verification creates or cancels, and the rows themselves.
 */
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { newId } from "../../ids.js";
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

/**
 * 000 §4.1 "…要立即报告区应急办": when the emergency office (or its duty room) itself registers the
 * incident, the office has the information at registration, so an immediate report whose only
 * recipient is the office is met then (its lateness counts from receipt).
 */
function metByOfficeRegistration(ctx: AppContext, row: Incident, rows: IncidentDeadline[], now: Date): void {
  const officeUnits = new Set(
    ctx.plan.org.units.filter((u) => u.type === "office" || u.type === "duty_room").map((u) => u.id),
  );
  if (!row.reporter_unit_id || !officeUnits.has(row.reporter_unit_id)) {
    return;
  }
  for (const d of rows) {
    const toOfficeOnly =
      d.recipients.length > 0 &&
      d.recipients.every((r) => r.units.length > 0 && r.units.every((u) => officeUnits.has(u)));
    if (d.kind === "immediate" && toOfficeOnly) {
      d.state = "met";
      d.met_at = now.toISOString();
      d.met_by = "registration";
      d.late_minutes = lateMinutes(new Date(d.due_at), now);
    }
  }
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
  if (trigger === "registration") {
    metByOfficeRegistration(ctx, row, rows, scope.now);
  }
  await addDeadlines(scope.trx, rows);
  for (const r of rows) {
    publishDeadline(scope, r, r.state);
  }
  if (trigger !== "registration" && rows.length > 0) {
    timeline.add(row.id, "deadline.created", `新增报送时限：${rows.map((r) => r.name).join("、")}`, {
      deadlines: rows.map((r) => ({ id: r.id, name: r.name, dueAt: r.due_at })),
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
