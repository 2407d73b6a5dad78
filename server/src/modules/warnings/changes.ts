/**
 * Changes to a published warning (000 §3.3.1 第5项): adjustment (waits for the new colour's approval
 * where the plan asks for it), lifting (CAP Cancel; a relayed warning with the same authority that
 * relayed it), and expiry at its end time.
 */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { warningAuthority } from "../plans/index.js";
import { usersFilling, usersInUnits } from "../users/index.js";
import { emitMessage } from "./capMessages.js";
import { disseminate } from "./dissemination.js";
import {
  type Actor,
  channelsOf,
  factsOf,
  type PendingAdjust,
  pendingLiftOf,
  recordChange,
  recordTransition,
  SYSTEM_ACTOR,
} from "./model.js";
import { stepRequirement } from "./policy.js";
import { applyAdjustment } from "./publication.js";
import { claimLiftReminder, pendingAdjustColumn, pendingLiftColumn, type WarningRow } from "./repository.js";
import { addHistory, applyChange, assertState, checkDraftInput } from "./service.js";

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
    ? await checkDraftInput(ctx, { area: body.changes.area as never }, actor)
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
    pending_content: pendingAdjustColumn.encode(pending),
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
      pending_content: pendingLiftColumn.encode({ reason }),
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
  const liftReason = row.pending_kind === "lift" ? (pendingLiftOf(row)?.reason ?? reason) : reason;
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

/**
 * 000 §3.3.1 第5项 “当确定突发事件不可能发生或危险已经解除时，相关部门应按照权限立即宣布解除预警”: as
 * the expected end nears and the warning is still up, the users who may lift it (the profile's lift
 * parties, through the users door) are reminded once per version, in-app, to decide whether to lift
 * it now. The claim is a conditional UPDATE, so with several instances one of them reminds.
 */
export async function remindLift(ctx: AppContext, scope: CommandScope, row: WarningRow): Promise<boolean> {
  if (!(await claimLiftReminder(scope.trx, row.id, row.version))) {
    return false;
  }
  const requirement = stepRequirement({ plan: ctx.plan, facts: factsOf(row) }, "lift");
  const users = await usersFilling(scope.trx, ctx.plan, requirement.parties, requirement.case);
  const userIds = users.map((u) => u.id);
  await notifyUsers(scope, userIds, {
    title: `预警即将到期，请确认是否解除：${row.title}`,
    body: `预计结束时间 ${row.expires_at ?? ""}。危险已经解除的，应按照权限立即宣布解除预警（${ctx.plan.profile.warnings.liftRule?.source ?? "000 §3.3.1 第5项"}）。`,
    link: `/warnings/${row.id}`,
    sourceType: "warning",
    sourceId: row.id,
  });
  await addHistory(scope, row, "lift_reminder", SYSTEM_ACTOR, {
    expiresAt: row.expires_at,
    users: userIds.length,
  });
  await scope.audit({
    action: "warning.lift_reminder",
    entityType: "warning",
    entityId: row.id,
    after: { version: row.version, expiresAt: row.expires_at, notified: userIds },
  });
  return true;
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
  await notifyUsers(scope, await usersInUnits(scope.trx, [row.issuing_unit_id]), {
    title: `预警已到期：${row.title}`,
    body: "预警期已满，自动失效。",
    link: `/warnings/${row.id}`,
    sourceType: "warning",
    sourceId: row.id,
  });
  await recordTransition(scope, row, "warning.expire", "expired");
}
