/**
 * Sweeps of the response module (deadlines are rows, not timers): tasks past their due time are
 * flagged overdue on the board and their units and the post are told; assessment reports past their
 * target (原则上) or hard cap (最迟, 000 §4.9) are marked and the lead department and office are told.
 * Each claims its rows with a conditional UPDATE, so with several instances one acts on each row.
 */
import type { AppContext } from "../../context.js";
import { runCommand } from "../../http/command.js";
import { findIncident, Timeline } from "../incidents/index.js";
import { notifyUsers } from "../notify/index.js";
import { EMERGENCY_OFFICE } from "../plans/index.js";
import { usersFilling, usersInUnits } from "../users/index.js";
import {
  claimCappedAssessments,
  claimDueAssessments,
  claimOverdueTasks,
  findPostOfIncident,
  groupsOf,
  incidentFacts,
} from "./repository.js";
import type { ResponseAssessmentTable } from "./tables.js";

const BATCH = 1_000;

/** The first `max` items and how many more: notices and events stay short however many fall due. */
function summarise(items: string[], max = 5): string {
  const head = items.slice(0, max).join("；");
  return items.length > max ? `${head} 等 ${items.length} 项` : head;
}

function byIncident<T extends { incident_id: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), r]);
  }
  return out;
}

/** Flags overdue tasks; returns how many it flagged. */
export async function sweepOverdueTasks(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await runCommand(ctx, { id: "sweep:response-tasks" }, async (scope) => {
      const nowIso = scope.now.toISOString();
      const claimed = await claimOverdueTasks(scope.trx, ctx.dialect, nowIso, BATCH);
      if (claimed.length === 0) {
        return 0;
      }
      const timeline = new Timeline(scope.now, undefined);
      for (const [incidentId, tasks] of byIncident(claimed)) {
        timeline.add(
          incidentId,
          "task.overdue",
          `任务超时未完成：${summarise(
            tasks.map((t) => `“${t.title}”（${t.assignee_label}）`),
            20,
          )}`,
          { tasks: tasks.map((t) => t.id) },
        );
        const post = await findPostOfIncident(scope.trx, incidentId);
        const groups = post ? await groupsOf(scope.trx, post.id) : [];
        const units = new Set<string>();
        for (const t of tasks) {
          if (t.unit_id) {
            units.add(t.unit_id);
          }
          const g = groups.find((x) => x.id === t.group_id);
          for (const lead of g?.lead_units ?? []) {
            for (const u of lead.units) {
              units.add(u);
            }
          }
        }
        const postUsers = post ? post.roles.map((r) => r.userId).filter((u): u is string => u !== null) : [];
        await notifyUsers(scope, [...(await usersInUnits(scope.trx, [...units])), ...postUsers], {
          title: `任务超时：${tasks.length} 项`,
          body: summarise(tasks.map((t) => t.title)),
          link: `/response/${incidentId}`,
          sourceType: "incident",
          sourceId: incidentId,
        });
        scope.publish({
          type: "task.overdue",
          entityType: "incident",
          entityId: incidentId,
          // NOTIFY payloads are capped at 8 kB on PostgreSQL: ids only for a handful of tasks.
          data: { count: tasks.length, ...(tasks.length <= 20 ? { tasks: tasks.map((t) => t.id) } : {}) },
        });
      }
      await timeline.flush(scope.trx);
      await scope.audit({
        action: "task.overdue",
        entityType: "response_tasks",
        entityId: nowIso,
        after: { tasks: claimed.map((t) => ({ id: t.id, incidentId: t.incident_id, dueAt: t.due_at })) },
      });
      return claimed.length;
    });
    total += handled;
    if (handled < BATCH) {
      return total;
    }
  }
}

/** Marks assessment reports past their target or cap; returns how many rows it marked. */
export async function sweepAssessments(ctx: AppContext): Promise<number> {
  return runCommand(ctx, { id: "sweep:response-assessments" }, async (scope) => {
    const nowIso = scope.now.toISOString();
    const due = await claimDueAssessments(scope.trx, ctx.dialect, nowIso, BATCH);
    const capped = await claimCappedAssessments(scope.trx, ctx.dialect, nowIso, BATCH);
    const all: (ResponseAssessmentTable & { capped: boolean })[] = [
      ...due.map((r) => ({ ...r, capped: false })),
      ...capped.map((r) => ({ ...r, capped: true })),
    ];
    if (all.length === 0) {
      return 0;
    }
    const timeline = new Timeline(scope.now, undefined);
    const office = (await usersFilling(scope.trx, ctx.plan, [EMERGENCY_OFFICE], {})).map((u) => u.id);
    for (const [incidentId, rows] of byIncident(all)) {
      const text = rows
        .map((r) => (r.capped ? `${r.name}已超过最迟期限` : `${r.name}已超过原则期限（${r.source}）`))
        .join("；");
      timeline.add(incidentId, "assessment.overdue", text, { assessments: rows.map((r) => r.id) });
      const lead = await findIncident(scope.trx, incidentId);
      const leadUsers = await usersInUnits(scope.trx, lead ? incidentFacts(lead).leadDepartments : []);
      await notifyUsers(scope, [...office, ...leadUsers], {
        title: "总结评估报告超期",
        body: text,
        link: `/response/${incidentId}`,
        sourceType: "incident",
        sourceId: incidentId,
      });
    }
    await timeline.flush(scope.trx);
    await scope.audit({
      action: "assessment.overdue",
      entityType: "response_assessments",
      entityId: nowIso,
      after: { assessments: all.map((r) => ({ id: r.id, capped: r.capped })) },
    });
    return all.length;
  });
}
