/**
 * Publication and what follows it (000 §3.3.1–§3.3.3): publish / relay (CAP Alert), public release
 * by the emergency office (第8项), adjustment (CAP Update, 第5项), lifting (CAP Cancel), expiry.
 * Publishing also files the warning (第1、2项 备案), reports cross-area orange/red warnings (第3项),
 * creates door-to-door tasks for community offices (第6项), starts the warning response (§3.3.2)
 * and its measures checklist (§3.3.3) — all in the one transaction that publishes.
 */
import { randomUUID } from "node:crypto";
import { beijingIso } from "../../../../shared/beijingTime.js";
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { WarningChannel } from "../../../../shared/warnings.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { enqueue, notifyUsers } from "../notify/index.js";
import { findSubtype, warningAuthority } from "../plans/index.js";
import { buildCapXml, type CapSnapshot } from "./cap/export.js";
import { disseminate } from "./dissemination.js";
import {
  type Actor,
  areaOf,
  channelsOf,
  contentOf,
  factsOf,
  type PendingAdjust,
  parseJson,
  pendingAdjustOf,
  type RelaySource,
  recordChange,
  recordTransition,
  type WarningArea,
} from "./model.js";
import {
  communitiesOf,
  countIdentifiers,
  insertMessage,
  insertTasks,
  listMessages,
  listTasks,
  unitsByIds,
  usersOfUnits,
  type WarningRow,
} from "./repository.js";
import {
  capIdentifier,
  checkStep,
  crossAreaDuties,
  filingDuties,
  governedBy,
  measureChecklist,
  orgCode,
  responseOnPublish,
  streetOf,
} from "./rules.js";
import { addHistory, applyChange, assertComplete, assertState, checkDraftInput } from "./service.js";
import type { WarningMessageTable, WarningTaskTable } from "./tables.js";

/** Names for a CAP snapshot: subtype, issuing unit, area divisions. */
async function snapshotOf(ctx: AppContext, scope: CommandScope, row: WarningRow): Promise<CapSnapshot> {
  const area = areaOf(row);
  const units = await unitsByIds(scope.trx, [row.issuing_unit_id, ...area.divisionCodes]);
  const name = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const source = parseJson<RelaySource>(row.source);
  const governed = governedBy(ctx.plan.profile, row.subtype_id);
  return {
    title: row.title,
    colour: row.colour as WarningColour,
    subtypeId: row.subtype_id,
    subtypeName: row.subtype_id
      ? (findSubtype(ctx.plan.profile, row.subtype_id)?.subtype.name ?? null)
      : null,
    issuerName: name(row.issuing_unit_id),
    onsetAt: row.onset_at,
    expiresAt: row.expires_at,
    content: contentOf(row),
    area,
    areaNames: area.divisionCodes.map(name),
    ...(governed ? { governedBy: governed } : {}),
    ...(source
      ? { relayOf: { sender: source.sender, identifier: source.identifier, sent: source.sent } }
      : {}),
  };
}

/** Writes one CAP message (Alert / Update / Cancel) with a GB/T 35965.1 identifier. */
async function emitMessage(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
  msgType: "Alert" | "Update" | "Cancel",
  capScope: "Public" | "Restricted",
  note?: string,
): Promise<WarningMessageTable> {
  const previous = await listMessages(scope.trx, row.id);
  const unitCode = orgCode(ctx.plan.org, row.issuing_unit_id);
  const districtCode = ctx.plan.profile.meta.district.code;
  // GB/T 35965.1 has one sequence digit per second of entry: a full second moves on to the next one.
  let identifier: string | undefined;
  for (let shift = 0; identifier === undefined && shift < 600; shift++) {
    const at = new Date(scope.now.getTime() + shift * 1000);
    const prefix = capIdentifier({ divisionCode: districtCode, orgCode: unitCode, at, sequence: 0 }).slice(
      0,
      -1,
    );
    const n = await countIdentifiers(scope.trx, prefix);
    if (n <= 9) {
      identifier = `${prefix}${n}`;
    }
  }
  if (identifier === undefined) {
    throw conflict("该单位短时间内的预警消息过多，请稍后重试");
  }
  const sender = `${districtCode}${unitCode}@fenghuo`;
  // Public consumers only know public messages; internal ones reference the whole chain.
  const references = previous
    .filter((m) => capScope === "Restricted" || m.scope === "Public")
    .map((m) => ({ sender: m.sender, identifier: m.identifier, sent: beijingIso(m.sent_at) }));
  const snapshot = await snapshotOf(ctx, scope, row);
  const xml = buildCapXml(ctx.plan.profile, snapshot, {
    identifier,
    sender,
    sent: scope.now,
    msgType,
    scope: capScope,
    references: msgType === "Alert" ? [] : references,
    ...(note ? { note } : {}),
  });
  const message: WarningMessageTable = {
    id: randomUUID(),
    warning_id: row.id,
    seq: previous.length + 1,
    identifier,
    sender,
    msg_type: msgType,
    scope: capScope,
    version: row.version,
    colour: row.colour,
    sent_at: scope.now.toISOString(),
    snapshot: JSON.stringify(snapshot),
    xml,
  };
  await insertMessage(scope.trx, message);
  return message;
}

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
async function doorToDoorTasks(ctx: AppContext, scope: CommandScope, row: WarningRow): Promise<number> {
  const area = areaOf(row);
  const existing = new Set(
    (await listTasks(scope.trx, row.id)).filter((t) => t.kind === "door_to_door").map((t) => t.unit_id),
  );
  const streets = [...new Set(area.divisionCodes.filter((c) => c.length <= 9))];
  const named = area.divisionCodes.filter((c) => c.length > 9);
  const communities = [
    ...(await communitiesOf(scope.trx, streets)),
    ...(await unitsByIds(scope.trx, named)).filter((u) => !streets.includes(streetOf(u.id))),
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
 * (done at once); the city gets the CAP message through config.warnings.upstreamUrl when
 * configured, otherwise the task stays pending for the duty officer to report by phone or fax.
 */
async function fileAndReport(
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
    const users = await usersOfUnits(scope.trx, unitIds);
    await notifyUsers(
      scope,
      users.map((u) => u.id),
      { title, body: row.title, link: `/warnings/${row.id}`, sourceType: "warning", sourceId: row.id },
    );
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
  for (const duty of filingDuties(ctx.plan.profile, ctx.plan.org, facts)) {
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
  const cross = crossAreaDuties(
    ctx.plan.profile,
    ctx.plan.org,
    facts,
    row.affects_other_areas === 1,
    JSON.parse(row.affected_areas) as string[],
  );
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
async function startResponse(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
): Promise<string | null> {
  const response = responseOnPublish(ctx.plan.profile, ctx.plan.org, factsOf(row));
  if (!response) {
    return null;
  }
  const now = scope.now.toISOString();
  const ids = response.activatedBy.flatMap((a) => a.unitIds);
  const found = await unitsByIds(scope.trx, ids);
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
  return JSON.stringify(response);
}

/**
 * 发布 / 转发: publishes an approved warning (CAP Alert), or an approved adjustment (CAP Update).
 * Choosing the `public` channel publishes to society only for the emergency office (000 §3.3.1
 * 第8项); for anyone else it asks the office to release it.
 */
export async function publishWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  channels: WarningChannel[],
  canRelease: boolean,
): Promise<void> {
  assertState(ctx, "publish", row);
  if (row.status === "published") {
    await applyAdjustment(ctx, scope, actor, row);
    return;
  }
  assertComplete(ctx, row);
  const wantsPublic = channels.includes("public");
  const publicState = wantsPublic ? (canRelease ? "released" : "requested") : "none";
  const at = scope.now.toISOString();
  let next = await applyChange(scope, row, {
    status: "published",
    version: 1,
    published_at: at,
    channels: JSON.stringify(channels),
    public_state: publicState,
    ...(publicState === "released" ? { released_at: at } : {}),
  });
  const response = await startResponse(ctx, scope, actor, next);
  if (response) {
    next = await applyChange(scope, next, { response });
  }
  const message = await emitMessage(
    ctx,
    scope,
    next,
    "Alert",
    publicState === "released" ? "Public" : "Restricted",
  );
  const relayed = row.origin === "relayed";
  await addHistory(scope, next, relayed ? "relay" : "publish", actor, {
    channels,
    identifier: message.identifier,
  });
  await fileAndReport(ctx, scope, actor, next, message);
  await doorToDoorTasks(ctx, scope, next);
  const sent = await disseminate(ctx, scope, next, message, {
    channels,
    internal: true,
    public: publicState === "released",
  });
  if (publicState === "released") {
    await addHistory(scope, next, "release", actor, {});
  } else if (publicState === "requested") {
    await addHistory(scope, next, "request_release", actor, {});
    await notifyOffice(ctx, scope, next, `请求向社会发布：${row.title}`);
  }
  await recordTransition(scope, row, relayed ? "warning.relay" : "warning.publish", "published", {
    version: 1,
    identifier: message.identifier,
    channels,
    publicState,
    ...sent,
  });
}

async function notifyOffice(ctx: AppContext, scope: CommandScope, row: WarningRow, title: string) {
  const office = ctx.plan.org.units.find((u) => u.type === "office")?.id ?? "office";
  const users = await usersOfUnits(scope.trx, [office]);
  await notifyUsers(
    scope,
    users.filter((u) => /office_/.test(u.roles)).map((u) => u.id),
    {
      title,
      body: row.title,
      link: `/warnings/${row.id}`,
      sourceType: "warning",
      sourceId: row.id,
    },
  );
}

/** 向社会发布 (000 §3.3.1 第8项): the emergency office releases a published warning to the public. */
export async function releaseWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  channels: WarningChannel[] | undefined,
): Promise<void> {
  assertState(ctx, "release", row);
  const chosen = channels ?? [...new Set<WarningChannel>([...channelsOf(row), "public", "sms", "email"])];
  const next = await applyChange(scope, row, {
    public_state: "released",
    released_at: scope.now.toISOString(),
    channels: JSON.stringify([...new Set([...channelsOf(row), ...chosen, "public"])]),
  });
  const message = await emitMessage(ctx, scope, next, "Alert", "Public", "向社会发布");
  await disseminate(ctx, scope, next, message, { channels: chosen, internal: false, public: true });
  await addHistory(scope, next, "release", actor, { identifier: message.identifier });
  await recordChange(
    scope,
    row.id,
    "warning.release",
    {
      before: { publicState: row.public_state },
      after: { publicState: "released", identifier: message.identifier },
    },
    { status: row.status },
  );
}

/**
 * 调整 (000 §3.3.1 第5项): where the plan asks for approval of the new colour, the change waits for
 * it; otherwise it is published at once as a CAP Update.
 */
export async function adjustWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  body: { reason: string; changes: PendingAdjust["changes"] & { area?: unknown } },
): Promise<"pending" | "published"> {
  assertState(ctx, "adjust", row);
  const area = body.changes.area
    ? await checkDraftInput(ctx, scope.trx, { area: body.changes.area as never }, actor)
    : undefined;
  if (body.changes.expiresAt && body.changes.expiresAt <= scope.now.toISOString()) {
    throw conflict("新的结束时间已过，请直接解除预警");
  }
  const changes: PendingAdjust["changes"] = {
    ...body.changes,
    ...(area ? { area } : {}),
    ...(body.changes.expiresAt ? { expiresAt: new Date(body.changes.expiresAt).toISOString() } : {}),
  };
  const target = changes.colour ?? (row.colour as WarningColour);
  const rule = warningAuthority(ctx.plan.profile, row.origin as "local" | "relayed", target, "adjust");
  const pending: PendingAdjust = { reason: body.reason, changes };
  const next = await applyChange(scope, row, {
    pending_kind: "adjust",
    pending_state: rule?.approvedBy && rule.approvedBy.length > 0 ? "proposed" : "approved",
    pending_content: JSON.stringify(pending),
    pending_by_id: actor.id,
    pending_by_name: actor.name,
    pending_at: scope.now.toISOString(),
    pending_approved_by_id: null,
    pending_approved_by_name: null,
  });
  await addHistory(scope, next, "adjust_request", actor, {
    reason: body.reason,
    changes: Object.keys(changes),
    colour: target,
  });
  await scope.audit({
    action: "warning.adjust.request",
    entityType: "warning",
    entityId: row.id,
    after: pending,
  });
  if (next.pending_state === "approved") {
    await applyAdjustment(ctx, scope, actor, next);
    return "published";
  }
  scope.publish({
    type: "warning.changed",
    entityType: "warning",
    entityId: row.id,
    data: { status: row.status },
  });
  return "pending";
}

/** Publishes an approved adjustment as a new version (CAP Update referencing the earlier messages). */
async function applyAdjustment(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
): Promise<void> {
  const pending = pendingAdjustOf(row);
  if (!pending) {
    throw conflict("没有待发布的调整");
  }
  const c = pending.changes;
  const previousArea: WarningArea = areaOf(row);
  const colourChanged = c.colour !== undefined && c.colour !== row.colour;
  let next = await applyChange(scope, row, {
    version: row.version + 1,
    ...(c.colour ? { colour: c.colour } : {}),
    ...(c.title ? { title: c.title } : {}),
    ...(c.expiresAt ? { expires_at: c.expiresAt } : {}),
    ...(c.content ? { content: JSON.stringify({ ...contentOf(row), ...c.content }) } : {}),
    ...(c.area ? { area: JSON.stringify(c.area) } : {}),
    pending_kind: null,
    pending_state: null,
    pending_content: null,
    pending_by_id: null,
    pending_by_name: null,
    pending_at: null,
    pending_approved_by_id: null,
    pending_approved_by_name: null,
  });
  if (colourChanged) {
    // A new colour starts the response the plan names for it (§3.3.2).
    const response = responseOnPublish(ctx.plan.profile, ctx.plan.org, factsOf(next));
    next = await applyChange(scope, next, { response: response ? JSON.stringify(response) : null });
    await addHistory(scope, next, "response", actor, {
      activatedBy: response?.activatedBy.map((a) => a.label) ?? [],
      task: response?.task,
    });
  }
  const message = await emitMessage(
    ctx,
    scope,
    next,
    "Update",
    next.public_state === "released" ? "Public" : "Restricted",
    pending.reason,
  );
  await addHistory(scope, next, "adjust", actor, {
    reason: pending.reason,
    identifier: message.identifier,
    version: next.version,
  });
  if (colourChanged) {
    await fileAndReport(ctx, scope, actor, next, message);
  }
  await doorToDoorTasks(ctx, scope, next);
  const channels = channelsOf(next);
  await disseminate(ctx, scope, next, message, {
    channels,
    internal: true,
    public: next.public_state === "released",
    ...(c.area ? { previousArea } : {}),
  });
  await recordChange(
    scope,
    row.id,
    "warning.adjust",
    {
      before: { version: row.version, colour: row.colour },
      after: { version: next.version, colour: next.colour, identifier: message.identifier },
    },
    { status: next.status, version: next.version },
  );
}

/**
 * 解除: lifts the warning (CAP Cancel). A relayed warning is lifted with the same authority that
 * relayed it (转发预警解除按上述同等权限执行): the request waits for that sign-off first.
 */
export async function liftWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  reason: string,
): Promise<"pending" | "lifted"> {
  assertState(ctx, "lift", row);
  const rule = warningAuthority(
    ctx.plan.profile,
    row.origin as "local" | "relayed",
    row.colour as WarningColour,
    "lift",
  );
  const needsSignOff = (rule?.approvedBy?.length ?? 0) > 0;
  if (needsSignOff && row.pending_kind !== "lift") {
    const next = await applyChange(scope, row, {
      pending_kind: "lift",
      pending_state: "proposed",
      pending_content: JSON.stringify({ reason }),
      pending_by_id: actor.id,
      pending_by_name: actor.name,
      pending_at: scope.now.toISOString(),
      pending_approved_by_id: null,
      pending_approved_by_name: null,
    });
    await addHistory(scope, next, "lift_request", actor, { reason });
    await recordChange(scope, row.id, "warning.lift.request", { after: { reason } }, { status: row.status });
    return "pending";
  }
  const liftReason =
    row.pending_kind === "lift"
      ? (parseJson<{ reason: string }>(row.pending_content)?.reason ?? reason)
      : reason;
  const next = await applyChange(scope, row, {
    status: "lifted",
    ended_at: scope.now.toISOString(),
    pending_kind: null,
    pending_state: null,
    pending_content: null,
  });
  const message = await emitMessage(
    ctx,
    scope,
    next,
    "Cancel",
    next.public_state === "released" ? "Public" : "Restricted",
    liftReason,
  );
  await addHistory(scope, next, "lift", actor, { reason: liftReason, identifier: message.identifier });
  await disseminate(ctx, scope, next, message, {
    channels: channelsOf(next),
    internal: true,
    public: next.public_state === "released",
  });
  await recordTransition(scope, row, "warning.lift", "lifted", {
    reason: liftReason,
    identifier: message.identifier,
  });
  return "lifted";
}

/** Expiry at the end time (sweep): the warning ends; CAP consumers already have its `expires`. */
export async function expireWarning(scope: CommandScope, row: WarningRow): Promise<void> {
  const next = await applyChange(scope, row, { status: "expired", ended_at: scope.now.toISOString() });
  await addHistory(
    scope,
    next,
    "expire",
    { id: null, name: "系统", unitId: row.issuing_unit_id },
    { expiresAt: row.expires_at },
  );
  const users = await usersOfUnits(scope.trx, [row.issuing_unit_id]);
  await notifyUsers(
    scope,
    users.map((u) => u.id),
    {
      title: `预警已到期：${row.title}`,
      body: "预警期已满，自动失效。",
      link: `/warnings/${row.id}`,
      sourceType: "warning",
      sourceId: row.id,
    },
  );
  await recordTransition(scope, row, "warning.expire", "expired");
}

/** Whether the acting user may also publish to society (decides `public` at publication). */
export function mayRelease(ctx: AppContext, user: Parameters<typeof checkStep>[3], row: WarningRow): boolean {
  return checkStep(ctx.plan.profile, ctx.plan.org, "release", user, factsOf(row)).allowed;
}
