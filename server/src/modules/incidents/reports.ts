/**
 * Reports (初报、续报、终报, 000 §4.1): what a report would do, and filing it — the deadlines it meets,
 * the next continuing round, and the end of reporting with the final report.
 */
import { randomUUID } from "node:crypto";
import { REPORT_KIND_LABELS, type ReportKind } from "../../../../shared/incidents.js";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import type { FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { whenHolds } from "../plans/index.js";
import { usersFilling } from "../users/index.js";
import { actorOf, fail } from "./guards.js";
import {
  type IncidentResource,
  incidentPartyCase,
  incidentPolicy,
  incidentResource,
  reportConflict,
} from "./policy.js";
import {
  addDeadlines,
  awaitApproval,
  cancelDeadlines,
  hasReportOfKind,
  type Incident,
  type IncidentDeadline,
  insertReport,
  markDeadlineMet,
  readDeadlines,
  reportCount,
  requireIncident,
  updateIncident,
} from "./repository.js";
import {
  awaitsApproval,
  factsOf,
  kindsMetBy,
  lateMinutes,
  missingReportFields,
  needsUpwardApproval,
  nextContinuingDue,
  type Recipient,
  unknownReportFields,
} from "./rules.js";
import { deadlineRow, publishDeadline, stateOf } from "./scheduling.js";
import type { ReportBody } from "./schema.js";
import { type Timeline, timelineFor } from "./timeline.js";

/** Field problems of a report body (unknown ids, missing required fields), checked before policy. */
export function reportFieldErrors(ctx: AppContext, fields: Record<string, string>): FieldError[] {
  return [...unknownReportFields(ctx.plan.profile, fields), ...missingReportFields(ctx.plan.profile, fields)];
}

export interface ReportPreview {
  missing: FieldError[];
  addressees: string[];
  meets: { id: string; name: string; dueAt: string; lateMinutes: number }[];
  conflict: string | null;
}

function addresseeLabels(recipients: Recipient[][]): string[] {
  return [...new Set(recipients.flat().map((r) => r.label))];
}

/** Which open deadline rows a report of this kind would meet now. */
function deadlinesMet(rows: IncidentDeadline[], kind: ReportKind): IncidentDeadline[] {
  const kinds = kindsMetBy(kind);
  return rows.filter(
    (r) => (r.state === "pending" || r.state === "overdue") && kinds.has(r.kind) && !r.instruction_id,
  );
}

/** The policy's view of a report of this kind on the incident (whether it has its initial report). */
async function reportResource(
  ctx: AppContext,
  db: Db,
  row: Incident,
  kind: ReportKind,
): Promise<IncidentResource> {
  const hasInitial = await hasReportOfKind(db, row.id, "initial");
  return { ...incidentResource(ctx.plan, row), report: { kind, hasInitial } };
}

/** What a report would do, without writing: missing fields, addressees, deadlines it meets. */
export async function previewReport(
  ctx: AppContext,
  row: Incident,
  kind: ReportKind,
  fields: Record<string, string>,
  now: Date,
): Promise<ReportPreview> {
  const rows = await readDeadlines(ctx.db, [row.id]);
  const met = deadlinesMet(rows, kind);
  const source = met.length > 0 ? met : rows.filter((r) => kindsMetBy(kind).has(r.kind));
  return {
    missing: reportFieldErrors(ctx, fields),
    addressees: addresseeLabels(source.map((r) => r.recipients)),
    meets: met.map((r) => ({
      id: r.id,
      name: r.name,
      dueAt: r.due_at,
      lateMinutes: lateMinutes(new Date(r.due_at), now),
    })),
    conflict: reportConflict(await reportResource(ctx, ctx.db, row, kind)) ?? null,
  };
}

/**
 * 000 §4.1 每30分钟续报一次: after a continuing round is met (by a report, or by the approval that sent
 * it), the next round is due 30 min later while the 重大/特别重大 incident is still being handled.
 */
export async function scheduleNextContinuing(
  ctx: AppContext,
  scope: CommandScope,
  row: Incident,
  m: IncidentDeadline,
  timeline: Timeline,
): Promise<void> {
  const profile = ctx.plan.profile;
  const now = scope.now;
  const rule = profile.reporting.deadlines.find((d) => d.id === m.rule_id);
  const nextAt = nextContinuingDue(profile, m.rule_id, now);
  if (!rule || !nextAt || row.status === "closed") {
    return;
  }
  const facts = factsOf({ ...stateOf(row, now.toISOString()) });
  if (!whenHolds(profile, rule.when, facts)) {
    return;
  }
  const next = deadlineRow(
    row.id,
    {
      ruleId: m.rule_id,
      kind: m.kind,
      name: m.name,
      dueAt: nextAt,
      recipients: m.recipients,
      source: m.source,
      round: m.round + 1,
    },
    now,
  );
  await addDeadlines(scope.trx, [next]);
  publishDeadline(scope, next, "pending");
  timeline.add(row.id, "deadline.created", `下一次续报（第 ${next.round} 次）时限已生成`, {
    deadlineId: next.id,
    dueAt: next.due_at,
  });
}

/** Puts reports to the upper level before the approving leaders: timeline, live event, notices. */
async function requestUpwardApproval(
  ctx: AppContext,
  scope: CommandScope,
  row: Incident,
  awaiting: IncidentDeadline[],
  timeline: Timeline,
): Promise<void> {
  const upward = ctx.plan.profile.reporting.upward;
  if (awaiting.length === 0 || !upward) {
    return;
  }
  const approvers = upward.approvedBy.map((p) => p.label).filter((l): l is string => l !== undefined);
  const names = awaiting.map((a) => a.name).join("、");
  timeline.add(
    row.id,
    "deadline.awaiting_approval",
    `待领导批准上报：${names}（须经${approvers.join("或")}批准）`,
    {
      deadlines: awaiting.map((a) => a.id),
      source: upward.source,
    },
  );
  for (const a of awaiting) {
    publishDeadline(scope, a, a.state);
  }
  const users = await usersFilling(scope.trx, ctx.plan, upward.approvedBy, incidentPartyCase(row));
  await notifyUsers(
    scope,
    users.map((u) => u.id),
    {
      title: `待批准上报：${row.number}`,
      body: `${row.title} — ${names}须经批准后报出`,
      link: `/duty/incidents/${row.id}`,
      sourceType: "incident",
      sourceId: row.id,
    },
  );
}

/**
 * Files a 初报/续报/终报: meets the deadlines it answers (marking 迟报 minutes), schedules the next
 * continuing round for 重大/特别重大 still being handled, and a 终报 ends handling.
 */
export async function fileReport(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: ReportBody,
  actor?: SessionUser,
): Promise<string> {
  const errors = reportFieldErrors(ctx, body.fields);
  if (errors.length > 0) {
    fail(errors);
  }
  const user = actorOf(scope, actor);
  const row = await requireIncident(scope.trx, id);
  authorize(incidentPolicy, user, "fileReport", await reportResource(ctx, scope.trx, row, body.kind));
  const profile = ctx.plan.profile;
  const now = scope.now;
  const nowIso = now.toISOString();
  const reportId = randomUUID();
  const rows = await readDeadlines(scope.trx, [id]);
  const toMeet = deadlinesMet(rows, body.kind);
  const met: IncidentDeadline[] = [];
  // 000 §4.1: a report to the city counts as sent only once a leader approved it (upward.ts).
  const awaiting: IncidentDeadline[] = [];
  for (const d of toMeet) {
    if (needsUpwardApproval(profile, d.rule_id)) {
      if (await awaitApproval(scope.trx, d.id, reportId, nowIso)) {
        awaiting.push({ ...d, approval_report_id: reportId, approval_requested_at: nowIso });
      }
      continue;
    }
    const late = lateMinutes(new Date(d.due_at), now);
    if (await markDeadlineMet(scope.trx, d.id, nowIso, reportId, late)) {
      met.push({ ...d, state: "met", met_at: nowIso, met_by: reportId, late_minutes: late });
    }
  }
  const answered = [...met, ...awaiting];
  const addressSource =
    answered.length > 0 ? answered : rows.filter((r) => kindsMetBy(body.kind).has(r.kind));
  const addressees = addresseeLabels(addressSource.map((r) => r.recipients));
  const { count } = await reportCount(scope.trx, id);
  const unitName = body.unitName ?? user.unitName ?? "区应急办";
  await insertReport(scope.trx, {
    id: reportId,
    incident_id: id,
    seq: count + 1,
    kind: body.kind,
    fields: body.fields,
    addressees: addressees.length > 0 ? addressees : ["区应急办"],
    met_deadlines: met.map((m) => m.id),
    unit_id: user.unitId,
    unit_name: unitName,
    filed_by: user.id,
    filed_by_name: user.displayName,
    filed_at: nowIso,
  });

  const timeline = timelineFor(scope);
  const label = REPORT_KIND_LABELS[body.kind];
  timeline.add(id, "report.filed", `报送${label}（第 ${count + 1} 报）`, { reportId, kind: body.kind });
  for (const m of met) {
    const late = m.late_minutes ?? 0;
    timeline.add(id, "deadline.met", late > 0 ? `${m.name}：迟报 ${late} 分钟` : `${m.name}：按时报送`, {
      deadlineId: m.id,
      lateMinutes: late,
    });
    publishDeadline(scope, m, "met");
  }
  await requestUpwardApproval(ctx, scope, row, awaiting, timeline);
  let status = row.status;
  if (body.kind === "final") {
    const set = { status: "closed", handling_ended_at: nowIso, updated_at: nowIso };
    await updateIncident(scope.trx, id, set);
    status = set.status;
    // A report waiting for its approval stays open: the approval still sends it (upward.ts).
    const open = rows
      .filter(
        (r) =>
          r.state === "pending" &&
          !met.some((m) => m.id === r.id) &&
          !awaiting.some((a) => a.id === r.id) &&
          !awaitsApproval(r),
      )
      .map((r) => r.id);
    const cancelled = await cancelDeadlines(scope.trx, open);
    for (const r of rows.filter((x) => cancelled.includes(x.id))) {
      publishDeadline(scope, r, "cancelled");
    }
    timeline.add(id, "incident.closed", "报送终报，事件处置结束，续报停止");
  } else {
    await updateIncident(scope.trx, id, { updated_at: nowIso });
    for (const m of met.filter((x) => x.kind === "continuing")) {
      await scheduleNextContinuing(ctx, scope, row, m, timeline);
    }
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.report",
    entityType: "incident",
    entityId: id,
    after: {
      reportId,
      kind: body.kind,
      seq: count + 1,
      metDeadlines: met.map((m) => m.id),
      awaitingApproval: awaiting.map((a) => a.id),
      status,
    },
  });
  scope.publish({
    type: "report.filed",
    entityType: "incident",
    entityId: id,
    data: { reportId, kind: body.kind, number: row.number },
  });
  return reportId;
}
