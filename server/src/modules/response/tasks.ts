/** Tasks of a response (000 §4.6): assigned to a group or a unit, from the checklist, updated on the board. */
import { randomUUID } from "node:crypto";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { usersInUnits } from "../users/index.js";
import {
  expandUnits,
  fail,
  type Loaded,
  link,
  loadCase,
  MINUTE,
  responseResource,
  taskUnits,
  timelineFor,
  unitNamer,
} from "./case.js";
import { responsePolicy } from "./policy.js";
import { findTask, insertTasks, nextTaskSeq, type ResponseTask, tasksOf, updateTask } from "./repository.js";
import { checklistFor, measureTitle } from "./rules.js";
import type { ChecklistBody, TaskBody, TaskPatchBody } from "./schema.js";

export function taskRow(
  incidentId: string,
  postId: string | null,
  scope: CommandScope,
  seq: number,
  t: {
    title: string;
    detail: string | null;
    groupId?: string | null;
    unitId?: string | null;
    assignee: string;
    dueAt: string | null;
    measureRef: string | null;
  },
): ResponseTask {
  const now = scope.now.toISOString();
  const user = scope.principal?.user;
  return {
    id: randomUUID(),
    incident_id: incidentId,
    post_id: postId,
    seq,
    title: t.title,
    detail: t.detail,
    group_id: t.groupId ?? null,
    unit_id: t.unitId ?? null,
    assignee_label: t.assignee,
    due_at: t.dueAt,
    status: "pending",
    measure_ref: t.measureRef,
    notes: [],
    overdue_at: null,
    completed_at: null,
    created_by: user?.id ?? null,
    created_by_name: user?.displayName ?? null,
    created_at: now,
    updated_at: now,
  };
}

interface Assignee {
  groupId: string | null;
  unitId: string | null;
  label: string;
}

/**
 * A group key or unit id as an assignee, undefined when neither is given; field errors name what does
 * not exist, or that both were given.
 */
async function resolveAssignee(
  ctx: AppContext,
  l: Loaded,
  input: { groupKey?: string | undefined; unitId?: string | undefined },
  errors: FieldError[],
): Promise<Assignee | undefined> {
  if (input.groupKey !== undefined && input.unitId !== undefined) {
    errors.push({ path: "unitId", message: "任务只能分派给一个工作组或一个单位，不能同时指定" });
    return undefined;
  }
  if (input.groupKey !== undefined) {
    const group = l.groups.find((g) => g.group_key === input.groupKey);
    if (!group) {
      errors.push({
        path: "groupKey",
        message: l.post
          ? `现场指挥部没有工作组“${input.groupKey}”`
          : `尚未设立现场指挥部，不能分派给工作组“${input.groupKey}”；请改为指定承办单位`,
      });
      return undefined;
    }
    return { groupId: group.id, unitId: null, label: group.name };
  }
  if (input.unitId !== undefined) {
    const unit = await ctx.units.get(input.unitId);
    if (!unit) {
      errors.push({
        path: "unitId",
        message: `承办单位 ${input.unitId} 不存在（任务须分派给存在的工作组或单位）`,
      });
      return undefined;
    }
    return { groupId: null, unitId: unit.id, label: unit.short_name ?? unit.name };
  }
  return undefined;
}

function checkDue(dueAt: string | null | undefined, now: Date, errors: FieldError[]): string | null {
  if (dueAt === undefined || dueAt === null) {
    return null;
  }
  const due = new Date(dueAt);
  if (due.getTime() < now.getTime() - 5 * MINUTE) {
    errors.push({ path: "dueAt", message: "完成时限不能早于当前时间" });
  }
  return due.toISOString();
}

export async function createTask(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: TaskBody,
  user: SessionUser,
): Promise<string> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  if (body.groupKey === undefined && body.unitId === undefined) {
    errors.push({ path: "groupKey", message: "任务须分派给一个工作组（groupKey）或一个单位（unitId）" });
  }
  const assignee = await resolveAssignee(ctx, l, body, errors);
  const dueAt = checkDue(body.dueAt, scope.now, errors);
  if (errors.length > 0 || !assignee) {
    fail(errors);
  }
  authorize(responsePolicy, user, "operate", await responseResource(ctx, l));
  const row = taskRow(l.incident.id, l.post?.id ?? null, scope, await nextTaskSeq(scope.trx, l.incident.id), {
    title: body.title,
    detail: body.detail ?? null,
    groupId: assignee.groupId,
    unitId: assignee.unitId,
    assignee: assignee.label,
    dueAt,
    measureRef: null,
  });
  await insertTasks(scope.trx, [row]);
  await afterTasksCreated(ctx, scope, l, [row]);
  return row.id;
}

/** Turns the §4.6 measures of the incident's category into tasks (items not yet made); returns their ids. */
export async function tasksFromChecklist(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: ChecklistBody,
  user: SessionUser,
): Promise<string[]> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  const explicit = await resolveAssignee(ctx, l, body, errors);
  const dueAt = checkDue(body.dueAt, scope.now, errors);
  const items = checklistFor(profile, l.incident.category_id);
  if (items.length === 0) {
    errors.push({
      path: "categoryId",
      message: `预案没有“${l.incident.category_id}”类事件的处置措施清单（000 §4.6）`,
    });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(responsePolicy, user, "operate", await responseResource(ctx, l));
  let assignee = explicit;
  if (!assignee) {
    // Default: the lead department (主责部门) carries the measures until the post hands them out.
    const lead = l.facts.leadDepartments[0];
    const name = await unitNamer(ctx, [lead]);
    assignee = lead
      ? { groupId: null, unitId: lead, label: name(lead) }
      : { groupId: null, unitId: null, label: "现场指挥部" };
  }
  const made = new Set((await tasksOf(scope.trx, l.incident.id)).map((t) => t.measure_ref));
  const first = await nextTaskSeq(scope.trx, l.incident.id);
  const rows = items
    .filter((item) => !made.has(item.ref))
    .map((item, n) =>
      taskRow(l.incident.id, l.post?.id ?? null, scope, first + n, {
        title: `${item.no}. ${measureTitle(item.text)}`,
        detail: `${item.text}（${item.source}）`,
        groupId: assignee.groupId,
        unitId: assignee.unitId,
        assignee: assignee.label,
        dueAt,
        measureRef: item.ref,
      }),
    );
  if (rows.length === 0) {
    throw conflict(`处置措施清单的 ${items.length} 项已全部生成任务`);
  }
  await insertTasks(scope.trx, rows);
  await afterTasksCreated(ctx, scope, l, rows);
  return rows.map((r) => r.id);
}

async function afterTasksCreated(ctx: AppContext, scope: CommandScope, l: Loaded, rows: ResponseTask[]) {
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "task.created",
    rows.length === 1
      ? `分派任务“${rows[0]?.title ?? ""}”给${rows[0]?.assignee_label ?? ""}`
      : `按处置措施清单生成 ${rows.length} 项任务`,
    { tasks: rows.map((r) => r.id) },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "task.create",
    entityType: "incident",
    entityId: l.incident.id,
    after: {
      tasks: rows.map((r) => ({
        id: r.id,
        title: r.title,
        assignee: r.assignee_label,
        unitId: r.unit_id,
        groupId: r.group_id,
        dueAt: r.due_at,
        measureRef: r.measure_ref,
      })),
    },
  });
  const units = new Set<string>();
  for (const r of rows) {
    if (r.unit_id) {
      units.add(r.unit_id);
    }
    const group = l.groups.find((g) => g.id === r.group_id);
    for (const lead of group?.lead_units ?? []) {
      for (const u of lead.units) {
        units.add(u);
      }
    }
  }
  await notifyUsers(scope, await usersInUnits(scope.trx, expandUnits(ctx, [...units])), {
    title:
      rows.length === 1
        ? `新任务：${rows[0]?.title ?? ""}`
        : `新任务 ${rows.length} 项：${l.incident.number}`,
    body: `${l.incident.title}${rows[0]?.due_at ? `，请于时限前完成` : ""}`,
    link: link(l.incident.id),
    sourceType: "incident",
    sourceId: l.incident.id,
  });
  scope.publish({
    type: "task.created",
    entityType: "incident",
    entityId: l.incident.id,
    data: { count: rows.length },
  });
}

export async function updateTaskCommand(
  ctx: AppContext,
  scope: CommandScope,
  taskId: string,
  body: TaskPatchBody,
  user: SessionUser,
): Promise<string> {
  const task = await findTask(scope.trx, taskId);
  if (!task) {
    throw notFound(`任务 ${taskId}`);
  }
  const l = await loadCase(ctx, scope.trx, task.incident_id);
  const errors: FieldError[] = [];
  const reassign = await resolveAssignee(ctx, l, body, errors);
  const dueAt = body.dueAt === undefined ? undefined : checkDue(body.dueAt, scope.now, errors);
  if (errors.length > 0) {
    fail(errors);
  }
  const changesState = body.status !== undefined || reassign !== undefined || dueAt !== undefined;
  authorize(
    responsePolicy,
    user,
    "updateTask",
    await responseResource(ctx, l, { task: { row: task, unitIds: taskUnits(l, task), changesState } }),
  );
  const now = scope.now.toISOString();
  const notes = body.note ? [...task.notes, { at: now, by: user.displayName, text: body.note }] : task.notes;
  const set: Partial<ResponseTask> = { notes, updated_at: now };
  if (body.status !== undefined) {
    set.status = body.status;
    set.completed_at = body.status === "done" ? now : null;
  }
  if (reassign) {
    set.group_id = reassign.groupId;
    set.unit_id = reassign.unitId;
    set.assignee_label = reassign.label;
  }
  if (dueAt !== undefined) {
    set.due_at = dueAt;
    // A new time limit in the future clears the overdue flag; the sweep flags it again if missed.
    if (dueAt === null || new Date(dueAt).getTime() > scope.now.getTime()) {
      set.overdue_at = null;
    }
  }
  await updateTask(scope.trx, task.id, set);
  const changes = [
    body.status !== undefined && body.status !== task.status ? `状态：${statusLabel(body.status)}` : "",
    reassign ? `改派给${reassign.label}` : "",
    dueAt !== undefined ? `时限：${dueAt ?? "无"}` : "",
    body.note ? `备注：${body.note}` : "",
  ].filter((x) => x !== "");
  const timeline = timelineFor(scope);
  timeline.add(l.incident.id, "task.updated", `任务“${task.title}”${changes.join("，")}`, {
    taskId: task.id,
  });
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "task.update",
    entityType: "response_task",
    entityId: task.id,
    before: { status: task.status, assignee: task.assignee_label, dueAt: task.due_at },
    after: { ...body },
  });
  scope.publish({ type: "task.updated", entityType: "incident", entityId: l.incident.id, data: { taskId } });
  return task.id;
}

export function statusLabel(status: string): string {
  return { pending: "待办", in_progress: "进行中", done: "已完成", cancelled: "已取消" }[status] ?? status;
}
