/**
 * Reports to the upper level (000 §4.1): "区应急办对于接报的各类突发事件信息，在报请区应急委相关领导批准后，
 * 按规定及时向市应急办（市应急指挥中心）报告". A report answering one of the profile's upward deadlines
 * waits (待领导批准上报) until one of `reporting.upward.approvedBy` approves it; the approval sends it,
 * and the deadline is met at that moment (迟报 counted from its due time).
 */
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { actorOf } from "./guards.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import { scheduleNextContinuing } from "./reports.js";
import { approveAndMeet, readDeadlines, requireIncident } from "./repository.js";
import { awaitsApproval, lateMinutes } from "./rules.js";
import { publishDeadline } from "./scheduling.js";
import type { UpwardApprovalBody } from "./schema.js";
import { timelineFor } from "./timeline.js";

/** A leader approves the report waiting on one deadline; the report is sent and the deadline met. */
export async function approveUpwardReport(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  deadlineId: string,
  body: UpwardApprovalBody,
): Promise<void> {
  const user = actorOf(scope);
  const row = await requireIncident(scope.trx, id);
  const deadlines = await readDeadlines(scope.trx, [id]);
  const target = deadlines.find((d) => d.id === deadlineId);
  if (!target) {
    throw notFound(`报送时限 ${deadlineId}`);
  }
  // The state check is the deadline's own: this one must be waiting for approval.
  authorize(
    incidentPolicy,
    user,
    "approveUpward",
    incidentResource(ctx.plan, row, [], awaitsApproval(target) ? 1 : 0),
  );
  const nowIso = scope.now.toISOString();
  const late = lateMinutes(new Date(target.due_at), scope.now);
  if (
    !(await approveAndMeet(scope.trx, deadlineId, {
      at: nowIso,
      by: user.id,
      byName: user.displayName,
      lateMinutes: late,
    }))
  ) {
    // Another approval won the race inside its own transaction.
    authorize(incidentPolicy, user, "approveUpward", incidentResource(ctx.plan, row, [], 0));
  }
  const met = {
    ...target,
    state: "met",
    met_at: nowIso,
    met_by: target.approval_report_id,
    late_minutes: late,
    approved_at: nowIso,
    approved_by: user.id,
    approved_by_name: user.displayName,
  };
  const timeline = timelineFor(scope);
  timeline.add(
    id,
    "deadline.approved",
    `${user.displayName} 批准上报：${target.name}，已报出${late > 0 ? `（迟报 ${late} 分钟）` : "（按时）"}${
      body.note ? `；${body.note}` : ""
    }`,
    { deadlineId, reportId: target.approval_report_id, lateMinutes: late, note: body.note ?? null },
  );
  publishDeadline(scope, met, "met");
  if (met.kind === "continuing") {
    await scheduleNextContinuing(ctx, scope, row, met, timeline);
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.upward_approved",
    entityType: "incident",
    entityId: id,
    before: { deadlineId, state: target.state, approvalReportId: target.approval_report_id },
    after: {
      deadlineId,
      state: "met",
      reportId: target.approval_report_id,
      approvedBy: user.id,
      lateMinutes: late,
      note: body.note ?? null,
    },
  });
}
