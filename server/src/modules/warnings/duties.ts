/**
 * What publishing a warning obliges (000 §3.3.1–§3.3.3), done in the transaction that publishes:
 * filing (第1、2项 备案), cross-area reports (第3项), door-to-door tasks for community offices (第6项),
 * the warning response (§3.3.2) and its measures checklist (§3.3.3).
 */
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { enqueue, notifyUsers } from "../notify/index.js";
import { usersInUnits } from "../users/index.js";
import { type Actor, affectedAreasOf, areaOf, factsOf } from "./model.js";
import { crossAreaDuties, filingDuties, measureChecklist, responseOnPublish } from "./publicationRules.js";
import { insertTasks, listTasks, responseColumn, type WarningRow } from "./repository.js";
import { streetOf } from "./rules.js";
import { addHistory } from "./service.js";
import type { WarningMessageTable, WarningTaskTable } from "./tables.js";

function task(
  row: WarningRow,
  now: string,
  kind: string,
  no: number,
  title: string,
  unit: { id: string | null; name: string },
  state = "pending",
  note: string | null = null,
): WarningTaskTable {
  return {
    id: randomUUID(),
    warning_id: row.id,
    kind,
    no,
    title,
    unit_id: unit.id,
    unit_name: unit.name,
    state,
    note,
    version: row.version,
    created_at: now,
    updated_at: now,
    updated_by_name: null,
  };
}

/** Door-to-door notification tasks for the community offices of the area (000 §3.3.1 第6项). */
export async function doorToDoorTasks(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
): Promise<number> {
  const area = areaOf(row);
  const existing = new Set(
    (await listTasks(scope.trx, row.id)).filter((t) => t.kind === "door_to_door").map((t) => t.unit_id),
  );
  const streets = [...new Set(area.divisionCodes.filter((c) => c.length <= 9))];
  const named = area.divisionCodes.filter((c) => c.length > 9);
  const communities = [
    ...(await ctx.units.childrenOf(streets, ["community", "village"])),
    ...(await ctx.units.many(named)).filter((u) => !streets.includes(streetOf(u.id))),
  ];
  const groups = ctx.plan.profile.warnings.dissemination?.specialGroups ?? ["老", "幼", "病", "残", "孕"];
  const title = `组织人员逐户逐人告知：${groups.join("、")}等特殊人群（000 §3.3.1 第6项）`;
  const now = scope.now.toISOString();
  const rows: WarningTaskTable[] = [];
  let no = existing.size;
  for (const c of communities) {
    if (!existing.has(c.id)) {
      rows.push(task(row, now, "door_to_door", ++no, title, { id: c.id, name: c.name }));
    }
  }
  if (communities.length === 0 && existing.size === 0 && area.features.length > 0) {
    // A drawn area without divisions: the issuing unit identifies the communities inside it.
    rows.push(
      task(row, now, "door_to_door", 1, `核实绘制区域内的社区（村），${title}`, {
        id: row.issuing_unit_id,
        name: "发布单位",
      }),
    );
  }
  await insertTasks(scope.trx, rows);
  return rows.length;
}

/**
 * Filing (备案) and cross-area reports on publication: internal recipients get an in-app notice
 * (done at once); the city gets the CAP message through FENGHUO_WARNING_UPSTREAM_URL when
 * configured, otherwise the task stays pending for the duty officer to report by phone or fax.
 */
export async function fileAndReport(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  message: WarningMessageTable,
): Promise<void> {
  const facts = factsOf(row);
  const now = scope.now.toISOString();
  const upstream = ctx.config.warnings.upstreamUrl;
  const tasks: WarningTaskTable[] = [];
  const notify = async (unitIds: string[], title: string) => {
    await notifyUsers(scope, await usersInUnits(scope.trx, unitIds), {
      title,
      body: row.title,
      link: `/warnings/${row.id}`,
      sourceType: "warning",
      sourceId: row.id,
    });
  };
  const external = (unitIds: string[]) =>
    unitIds.length === 0 ||
    unitIds.every((u) => ctx.plan.org.units.find((x) => x.id === u)?.type === "external");
  const send = async (kind: string, label: string) => {
    if (!upstream) {
      return false;
    }
    await enqueue(scope.trx, scope.now, [
      {
        channel: "webhook",
        recipient: upstream,
        dedupeKey: `w:${row.id}:${message.seq}:${kind}:${label}`,
        subject: `${kind === "file" ? "预警备案" : "跨区域预警报告"}：${row.title}`,
        body: row.title,
        payload: { kind, to: label, identifier: message.identifier, cap: message.xml },
        sourceType: "warning",
        sourceId: row.id,
      },
    ]);
    return true;
  };
  let no = 0;
  for (const duty of filingDuties(ctx.plan, facts)) {
    const title = `向${duty.to.label}备案（${duty.source}）`;
    if (!external(duty.to.unitIds)) {
      await notify(duty.to.unitIds, `预警备案：${row.title}`);
      tasks.push(
        task(
          row,
          now,
          "filing",
          ++no,
          title,
          { id: duty.to.unitIds[0] ?? null, name: duty.to.label },
          "done",
          "站内备案已送达",
        ),
      );
    } else {
      const sent = await send("file", duty.to.label);
      tasks.push(
        task(
          row,
          now,
          "filing",
          ++no,
          title,
          { id: duty.to.unitIds[0] ?? null, name: duty.to.label },
          sent ? "in_progress" : "pending",
          sent ? "已通过上报接口发送" : "请电话或传真报送",
        ),
      );
    }
  }
  const cross = crossAreaDuties(ctx.plan, facts, row.affects_other_areas === 1, affectedAreasOf(row));
  no = 0;
  for (const duty of cross) {
    const title =
      duty.unitIds.length > 0
        ? `上报${duty.label}（${duty.source}）`
        : `向可能受到危害的${duty.label}通报（${duty.source}）`;
    const sent =
      duty.unitIds.length > 0 && external(duty.unitIds) ? await send("cross_area", duty.label) : false;
    tasks.push(
      task(
        row,
        now,
        "cross_area",
        ++no,
        title,
        { id: duty.unitIds[0] ?? null, name: duty.label },
        sent ? "in_progress" : "pending",
        `由${duty.by}办理`,
      ),
    );
  }
  await insertTasks(scope.trx, tasks);
  if (tasks.some((t) => t.kind === "filing")) {
    await addHistory(scope, row, "file", actor, {
      to: tasks.filter((t) => t.kind === "filing").map((t) => t.unit_name),
    });
  }
  if (cross.length > 0) {
    await addHistory(scope, row, "cross_area", actor, { to: cross.map((c) => c.label) });
  }
}

/** The warning response (§3.3.2) and its measures checklist (§3.3.3), on first publication. */
export async function startResponse(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
): Promise<string | null> {
  const response = responseOnPublish(ctx.plan, factsOf(row));
  if (!response) {
    return null;
  }
  const now = scope.now.toISOString();
  const ids = response.activatedBy.flatMap((a) => a.unitIds);
  const found = await ctx.units.many(ids);
  const units = ids.map((id) => found.find((u) => u.id === id)).filter((u) => u !== undefined);
  const items = measureChecklist(ctx.plan.profile, response);
  await insertTasks(
    scope.trx,
    items.map((m) =>
      task(row, now, "measure", m.no, m.text, {
        id: m.unitIds[0] ?? null,
        name: units.length > 0 ? units.map((u) => u.short_name ?? u.name).join("、") : m.unitLabel,
      }),
    ),
  );
  await addHistory(scope, row, "response", actor, {
    activatedBy: response.activatedBy.map((a) => a.label),
    task: response.task,
    source: response.source,
  });
  return responseColumn.encode(response);
}
