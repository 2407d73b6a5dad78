/**
 * Warning commands up to approval (000 §3.3.1): draft, edit, propose, approve, reject, authorise,
 * and task progress. Each runs inside `runCommand` (one transaction), writes the warning's history
 * and an audit row, and publishes a live event. Authority is checked by the routes (policy.ts)
 * before a command runs; commands check state with conditional UPDATEs.
 */
import { randomUUID } from "node:crypto";
import type { WarningColour, WarningOrigin } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict, type FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { districtOutline, parseShapes, validateShapes } from "../geo/index.js";
import { notifyUsers } from "../notify/index.js";
import { actsFor, findSubtype } from "../plans/index.js";
import { usersFilling } from "../users/index.js";
import type { Actor, RelaySource, WarningArea } from "./model.js";
import {
  areaOf,
  authorisedUnitsOf,
  contentOf,
  factsOf,
  recordChange,
  recordTransition,
  sourceOf,
} from "./model.js";
import { stepRequirement } from "./policy.js";
import {
  affectedAreasColumn,
  areaColumn,
  authorisedUnitsColumn,
  channelsColumn,
  contentColumn,
  historyDetailColumn,
  insertHistory,
  insertWarning,
  sourceColumn,
  updateTask,
  updateWarningIf,
  type WarningRow,
} from "./repository.js";
import {
  missingContent,
  needsSubmission,
  stateProblem,
  type WarningAction,
  type WarningDraft,
  type WarningStep,
} from "./rules.js";
import type { WarningAreaInput, WarningContent } from "./schema.js";

export const HISTORY_NAMES: Record<string, string> = {
  create: "起草",
  import: "导入上级预警",
  edit: "修改草稿",
  propose: "提出预警建议",
  submit: "报请批准",
  approve: "批准",
  sign_off: "签发（报主要领导后转发）",
  reject: "退回",
  publish: "发布",
  relay: "转发",
  release: "向社会发布",
  request_release: "申请向社会发布",
  authorise: "授权发布和解除",
  adjust_request: "提出调整",
  adjust: "调整（发布更新）",
  lift_request: "提出解除",
  lift: "解除",
  expire: "到期失效",
  lift_reminder: "提醒解除",
  file: "备案",
  cross_area: "跨区域报告与通报",
  response: "启动预警响应",
  task: "任务进展",
  upstream_update: "上级预警有更新",
  upstream_cancel: "上级预警已取消",
  withdraw: "上级取消，撤回转发草稿",
};

export async function addHistory(
  scope: CommandScope,
  row: { id: string; version: number },
  action: string,
  actor: Actor,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await insertHistory(scope.trx, {
    id: randomUUID(),
    warning_id: row.id,
    at: scope.now.toISOString(),
    action,
    actor_id: actor.id,
    actor_name: actor.name,
    version: row.version,
    detail: historyDetailColumn.encode(detail),
  });
}

/** Applies a state change only if nobody changed the warning meanwhile (409 otherwise). */
export async function applyChange(
  scope: CommandScope,
  row: WarningRow,
  set: Partial<WarningRow>,
): Promise<WarningRow> {
  const next = { ...set, updated_at: laterThan(row.updated_at, scope.now) };
  const ok = await updateWarningIf(
    scope.trx,
    row.id,
    { status: row.status, updatedAt: row.updated_at },
    next,
  );
  if (!ok) {
    throw conflict("预警已被他人更新，请刷新后重试");
  }
  return { ...row, ...next };
}

/** A strictly later timestamp than `previous` (two steps in the same millisecond stay ordered). */
function laterThan(previous: string, now: Date): string {
  const iso = now.toISOString();
  return iso > previous ? iso : new Date(new Date(previous).getTime() + 1).toISOString();
}

export function assertState(ctx: AppContext, step: WarningStep, row: WarningRow): void {
  const problem = stateProblem(ctx.plan.profile, step, factsOf(row));
  if (problem) {
    throw conflict(problem, { status: row.status });
  }
}

export function officeId(ctx: AppContext): string {
  return ctx.plan.org.units.find((u) => u.type === "office")?.id ?? "office";
}

const toUtc = (v: string | null | undefined): string | null | undefined =>
  v === undefined || v === null ? v : new Date(v).toISOString();

interface DraftInput {
  colour?: WarningColour | undefined;
  subtypeId?: string | undefined;
  title?: string | undefined;
  issuingUnitId?: string | undefined;
  onsetAt?: string | null | undefined;
  expiresAt?: string | null | undefined;
  content?: WarningContent | undefined;
  area?: WarningAreaInput | undefined;
  affectsOtherAreas?: boolean | undefined;
  affectedAreas?: string[] | undefined;
}

/** Checks what the schema cannot: subtype in the plan, units exist, area geometry (400 naming each field). */
export async function checkDraftInput(
  ctx: AppContext,
  input: DraftInput,
  actor: Actor,
): Promise<WarningArea | undefined> {
  const errors: FieldError[] = [];
  if (input.subtypeId !== undefined && !findSubtype(ctx.plan.profile, input.subtypeId)) {
    errors.push({ path: "subtypeId", message: `预案中没有事件子类“${input.subtypeId}”` });
  }
  if (input.issuingUnitId !== undefined && input.issuingUnitId !== actor.unitId) {
    const [unit] = await ctx.units.many([input.issuingUnitId]);
    if (!unit) {
      errors.push({ path: "issuingUnitId", message: `组织单元 ${input.issuingUnitId} 不存在` });
    } else if (
      !actsFor(ctx.plan.org, actor.unitId, officeId(ctx)) &&
      !actsFor(ctx.plan.org, actor.unitId, input.issuingUnitId)
    ) {
      errors.push({ path: "issuingUnitId", message: "只有区应急办可以代其他单位起草预警" });
    }
  }
  for (const key of ["onsetAt", "expiresAt"] as const) {
    const v = input[key];
    if (typeof v === "string" && Number.isNaN(new Date(v).getTime())) {
      errors.push({ path: key, message: "时间格式不正确" });
    }
  }
  let area: WarningArea | undefined;
  if (input.area) {
    const codes = input.area.divisionCodes;
    const found = await ctx.units.many(codes);
    const divisionTypes = new Set(["street", "township", "community", "village"]);
    codes.forEach((code, i) => {
      const unit = found.find((u) => u.id === code);
      if (!unit || !divisionTypes.has(unit.type)) {
        errors.push({ path: `area.divisionCodes.${i}`, message: `${code} 不是本区的街道（乡）或社区（村）` });
      }
    });
    const { shapes, errors: shapeErrors } = parseShapes(input.area.features);
    errors.push(...shapeErrors);
    if (shapeErrors.length === 0) {
      errors.push(...validateShapes(shapes, districtOutline(ctx.plan.profile.meta.district.code)));
    }
    area = {
      divisionCodes: codes,
      features: shapes,
      ...(input.area.description ? { description: input.area.description } : {}),
    };
  }
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
  return area;
}

/** The draft as the content rules see it. */
export function draftOf(row: WarningRow): WarningDraft {
  const area = areaOf(row);
  return {
    title: row.title,
    colour: row.colour as WarningColour,
    subtypeId: row.subtype_id,
    issuingUnitId: row.issuing_unit_id,
    onsetAt: row.onset_at,
    expiresAt: row.expires_at,
    content: contentOf(row),
    area: { divisionCodes: area.divisionCodes, features: area.features },
  };
}

/** 400 naming every required field (000 §3.3.1 第4项) the warning still lacks. */
export function assertComplete(ctx: AppContext, row: WarningRow): void {
  const errors = missingContent(ctx.plan.profile, draftOf(row));
  const source = sourceOf(row);
  if (source?.colourUndetermined) {
    errors.push({ path: "colour", message: "上级预警未给出严重程度，请确认预警颜色后保存" });
  }
  if (errors.length > 0) {
    throw badRequest(`预警内容不完整：${errors.map((e) => e.path).join("、")}`, errors);
  }
}

export interface NewWarning extends DraftInput {
  colour: WarningColour;
  title: string;
  origin?: WarningOrigin | undefined;
}

/** Drafts a warning (or a relay draft); nothing reaches anyone until it is approved and published. */
export async function createWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  input: NewWarning,
  options: { source?: RelaySource; area?: WarningArea } = {},
): Promise<string> {
  const area = options.area ?? (await checkDraftInput(ctx, input, actor));
  const id = randomUUID();
  const now = scope.now.toISOString();
  const row: WarningRow = {
    id,
    origin: input.origin ?? (options.source ? "relayed" : "local"),
    status: "draft",
    colour: input.colour,
    subtype_id: input.subtypeId ?? null,
    issuing_unit_id: input.issuingUnitId ?? actor.unitId,
    drafter_id: actor.id,
    drafter_name: actor.name,
    title: input.title,
    content: contentColumn.encode(input.content ?? {}),
    area: areaColumn.encode(area ?? { divisionCodes: [], features: [] }),
    onset_at: toUtc(input.onsetAt) ?? null,
    expires_at: toUtc(input.expiresAt) ?? null,
    affects_other_areas: input.affectsOtherAreas ? 1 : 0,
    affected_areas: affectedAreasColumn.encode(input.affectedAreas ?? []),
    version: 0,
    public_state: "none",
    channels: channelsColumn.encode([]),
    authorised_unit_ids: authorisedUnitsColumn.encode([]),
    approved_by_id: null,
    approved_by_name: null,
    approved_at: null,
    published_at: null,
    released_at: null,
    ended_at: null,
    pending_kind: null,
    pending_state: null,
    pending_content: null,
    pending_by_id: null,
    pending_by_name: null,
    pending_at: null,
    pending_approved_by_id: null,
    pending_approved_by_name: null,
    rejected_reason: null,
    response: null,
    source: options.source ? sourceColumn.encode(options.source) : null,
    lift_reminded_version: null,
    created_at: now,
    updated_at: now,
  };
  await insertWarning(scope.trx, row);
  await addHistory(scope, row, options.source ? "import" : "create", actor, {
    colour: row.colour,
    title: row.title,
    ...(options.source ? { from: options.source.sender, identifier: options.source.identifier } : {}),
  });
  await recordChange(
    scope,
    id,
    options.source ? "warning.import" : "warning.create",
    { after: { ...row, content: input.content ?? {}, area: area ?? null } },
    { status: "draft" },
  );
  return id;
}

/** Edits a draft (400 for bad fields, 409 once it has left the draft state). */
export async function updateDraft(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  patch: DraftInput,
): Promise<void> {
  assertState(ctx, "edit", row);
  const area = await checkDraftInput(ctx, patch, actor);
  const source = sourceOf(row);
  const set: Partial<WarningRow> = {
    ...(patch.colour !== undefined ? { colour: patch.colour } : {}),
    ...(patch.subtypeId !== undefined ? { subtype_id: patch.subtypeId } : {}),
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.issuingUnitId !== undefined ? { issuing_unit_id: patch.issuingUnitId } : {}),
    ...(patch.onsetAt !== undefined ? { onset_at: toUtc(patch.onsetAt) ?? null } : {}),
    ...(patch.expiresAt !== undefined ? { expires_at: toUtc(patch.expiresAt) ?? null } : {}),
    ...(patch.content !== undefined ? { content: contentColumn.encode(patch.content) } : {}),
    ...(area !== undefined ? { area: areaColumn.encode(area) } : {}),
    ...(patch.affectsOtherAreas !== undefined
      ? { affects_other_areas: patch.affectsOtherAreas ? 1 : 0 }
      : {}),
    ...(patch.affectedAreas !== undefined
      ? { affected_areas: affectedAreasColumn.encode(patch.affectedAreas) }
      : {}),
    ...(patch.colour !== undefined && source?.colourUndetermined
      ? { source: sourceColumn.encode({ ...source, colourUndetermined: false }) }
      : {}),
  };
  const next = await applyChange(scope, row, set);
  await addHistory(scope, next, "edit", actor, { fields: Object.keys(patch) });
  await recordChange(scope, row.id, "warning.edit", { before: row, after: set }, { status: next.status });
}

/** 提出预警建议 (000 §3.3.1 第2项: orange/red to the emergency office; blue/yellow 报主管区领导). */
export async function proposeWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  note: string | undefined,
): Promise<void> {
  assertState(ctx, "propose", row);
  assertComplete(ctx, row);
  const next = await applyChange(scope, row, { status: "proposed", rejected_reason: null });
  await addHistory(scope, next, "propose", actor, note ? { note } : {});
  await recordTransition(scope, row, "warning.propose", "proposed");
  const step = needsSubmission(ctx.plan.profile, factsOf(next)) ? "submit" : "approve";
  await notifyFilling(ctx, scope, next, step, `收到预警建议：${row.title}`, `${actor.name} 提出预警建议。`);
}

/**
 * 报请 (000 §3.3.1 第2项: 由区应急办…报请区应急委主管或主要领导批准): the party the approval passes
 * through (`via`) submits the proposal — or the pending adjustment or lift — to the approving leaders;
 * only then may they approve it. Who submitted is the history's `submit` entry.
 */
export async function submitWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  note: string | undefined,
): Promise<void> {
  assertState(ctx, "submit", row);
  if (row.status === "published") {
    const next = await applyChange(scope, row, { pending_state: "submitted" });
    await addHistory(scope, next, "submit", actor, { of: row.pending_kind, ...(note ? { note } : {}) });
    await recordChange(
      scope,
      row.id,
      `warning.${row.pending_kind}.submit`,
      { before: { pending: row.pending_kind, state: row.pending_state }, after: { state: "submitted" } },
      { status: row.status },
    );
    await notifyFilling(ctx, scope, next, "approve", `报请批准：${row.title}`, `${actor.name} 报请批准。`);
    return;
  }
  assertComplete(ctx, row);
  const next = await applyChange(scope, row, { status: "submitted", rejected_reason: null });
  await addHistory(scope, next, "submit", actor, note ? { note } : {});
  await recordTransition(scope, row, "warning.submit", "submitted", { submittedBy: actor.name });
  await notifyFilling(ctx, scope, next, "approve", `报请批准：${row.title}`, `${actor.name} 报请批准。`);
}

/** Tells the users who fill the warning's next step (the office on a proposal, the leaders on 报请). */
async function notifyFilling(
  ctx: AppContext,
  scope: CommandScope,
  row: WarningRow,
  step: WarningAction,
  title: string,
  body: string,
): Promise<void> {
  const requirement = stepRequirement({ plan: ctx.plan, facts: factsOf(row) }, step);
  const users = await usersFilling(scope.trx, ctx.plan, requirement.parties, requirement.case);
  await notifyUsers(
    scope,
    users.map((u) => u.id),
    { title, body, link: `/warnings/${row.id}`, sourceType: "warning", sourceId: row.id },
  );
}

/**
 * 批准 / 签发: approves the warning (or the pending adjustment or lift). The drafter or requester can
 * never approve their own (checked by the policy); for relayed warnings the plan's mode is a sign-off.
 */
export async function approveWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  note: string | undefined,
  signOff: boolean,
): Promise<void> {
  assertState(ctx, "approve", row);
  const at = scope.now.toISOString();
  if (row.status === "published") {
    const next = await applyChange(scope, row, {
      pending_state: "approved",
      pending_approved_by_id: actor.id,
      pending_approved_by_name: actor.name,
    });
    await addHistory(scope, next, signOff ? "sign_off" : "approve", actor, {
      of: row.pending_kind,
      ...(note ? { note } : {}),
    });
    await recordChange(
      scope,
      row.id,
      `warning.${row.pending_kind}.approve`,
      { after: { pending: row.pending_kind, state: "approved" } },
      { status: row.status },
    );
    return;
  }
  assertComplete(ctx, row);
  const next = await applyChange(scope, row, {
    status: "approved",
    approved_by_id: actor.id,
    approved_by_name: actor.name,
    approved_at: at,
    rejected_reason: null,
  });
  await addHistory(scope, next, signOff ? "sign_off" : "approve", actor, note ? { note } : {});
  await recordTransition(scope, row, "warning.approve", "approved", { approvedBy: actor.name });
  await notifyDrafter(scope, next, `预警已批准：${row.title}`, `${actor.name} 已批准，可以发布。`);
}

/** 退回: a proposal goes back to draft with the reason; a pending adjustment or lift is dropped. */
export async function rejectWarning(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  reason: string,
): Promise<void> {
  assertState(ctx, "reject", row);
  if (row.status === "published") {
    const next = await applyChange(scope, row, {
      pending_kind: null,
      pending_state: null,
      pending_content: null,
      pending_by_id: null,
      pending_by_name: null,
      pending_at: null,
      pending_approved_by_id: null,
      pending_approved_by_name: null,
    });
    await addHistory(scope, next, "reject", actor, { of: row.pending_kind, reason });
    await recordChange(
      scope,
      row.id,
      `warning.${row.pending_kind}.reject`,
      { after: { reason } },
      { status: row.status },
    );
    return;
  }
  const next = await applyChange(scope, row, { status: "draft", rejected_reason: reason });
  await addHistory(scope, next, "reject", actor, { reason });
  await recordTransition(scope, row, "warning.reject", "draft", { reason });
  await notifyDrafter(scope, next, `预警被退回：${row.title}`, `${actor.name}：${reason}`);
}

/** 授权 (000 §3.3.1 第2项): the office authorises HQ offices or departments to publish and lift. */
export async function authoriseUnits(
  ctx: AppContext,
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  unitIds: string[],
): Promise<void> {
  assertState(ctx, "authorise", row);
  const found = await ctx.units.many(unitIds);
  const errors = unitIds
    .map((u, i) =>
      found.some((f) => f.id === u) ? undefined : { path: `unitIds.${i}`, message: `组织单元 ${u} 不存在` },
    )
    .filter((e): e is FieldError => e !== undefined);
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => e.message).join("; "), errors);
  }
  const next = await applyChange(scope, row, { authorised_unit_ids: authorisedUnitsColumn.encode(unitIds) });
  await addHistory(scope, next, "authorise", actor, { units: found.map((u) => u.short_name ?? u.name) });
  await recordChange(
    scope,
    row.id,
    "warning.authorise",
    { before: { units: authorisedUnitsOf(row) }, after: { units: unitIds } },
    { status: row.status },
  );
}

/** Progress on a measure or door-to-door task (by the unit it is assigned to, or the office). */
export async function updateWarningTask(
  scope: CommandScope,
  actor: Actor,
  row: WarningRow,
  task: { id: string; unit_id: string | null; state: string; title: string },
  change: { state: string; note?: string | undefined },
): Promise<void> {
  const warningId = row.id;
  await updateTask(scope.trx, task.id, {
    state: change.state,
    note: change.note ?? null,
    updated_at: scope.now.toISOString(),
    updated_by_name: actor.name,
  });
  await addHistory(scope, row, "task", actor, {
    task: task.title,
    state: change.state,
    ...(change.note ? { note: change.note } : {}),
  });
  await scope.audit({
    action: "warning.task",
    entityType: "warning_task",
    entityId: task.id,
    before: { state: task.state },
    after: change,
  });
  scope.publish({
    type: "warning.changed",
    entityType: "warning",
    entityId: warningId,
    data: { status: row.status },
  });
}

async function notifyDrafter(scope: CommandScope, row: WarningRow, title: string, body: string) {
  if (row.drafter_id) {
    await notifyUsers(scope, [row.drafter_id], {
      title,
      body,
      link: `/warnings/${row.id}`,
      sourceType: "warning",
      sourceId: row.id,
    });
  }
}
