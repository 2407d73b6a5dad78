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
import { whenHolds } from "../plans/index.js";
import { actorOf, fail } from "./guards.js";
import { type IncidentResource, incidentPolicy, incidentResource, reportConflict } from "./policy.js";
import {
  addDeadlines,
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
  factsOf,
  kindsMetBy,
  lateMinutes,
  missingReportFields,
  nextContinuingDue,
  type Recipient,
  unknownReportFields,
} from "./rules.js";
import { deadlineRow, publishDeadline, stateOf } from "./scheduling.js";
import type { ReportBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

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
  for (const d of toMeet) {
    const late = lateMinutes(new Date(d.due_at), now);
    if (await markDeadlineMet(scope.trx, d.id, nowIso, reportId, late)) {
      met.push({ ...d, state: "met", met_at: nowIso, met_by: reportId, late_minutes: late });
    }
  }
  const addressSource = met.length > 0 ? met : rows.filter((r) => kindsMetBy(body.kind).has(r.kind));
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

  let status = row.status;
  if (body.kind === "final") {
    const set = { status: "closed", handling_ended_at: nowIso, updated_at: nowIso };
    await updateIncident(scope.trx, id, set);
    status = set.status;
    const open = rows
      .filter((r) => r.state === "pending" && !met.some((m) => m.id === r.id))
      .map((r) => r.id);
    const cancelled = await cancelDeadlines(scope.trx, open);
    for (const r of rows.filter((x) => cancelled.includes(x.id))) {
      publishDeadline(scope, r, "cancelled");
    }
    timeline.add(id, "incident.closed", "报送终报，事件处置结束，续报停止");
  } else {
    await updateIncident(scope.trx, id, { updated_at: nowIso });
    // 000 §4.1: 重大、特别重大 still being handled → the next continuing report 30 min after this one.
    for (const m of met.filter((x) => x.kind === "continuing")) {
      const rule = profile.reporting.deadlines.find((d) => d.id === m.rule_id);
      const nextAt = nextContinuingDue(profile, m.rule_id, now);
      if (!rule || !nextAt) {
        continue;
      }
      const facts = factsOf({ ...stateOf(row, nowIso) });
      if (!whenHolds(profile, rule.when, facts)) {
        continue;
      }
      const next = deadlineRow(
        id,
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
      timeline.add(id, "deadline.created", `下一次续报（第 ${next.round} 次）时限已生成`, {
        deadlineId: next.id,
        dueAt: next.due_at,
      });
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
