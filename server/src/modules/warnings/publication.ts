/**
 * Publication (000 §3.3.1): publish / relay (CAP Alert), an approved adjustment (CAP Update, 第5项),
 * and public release by the emergency office (第8项). Publishing also starts the duties of duties.ts
 * in the same transaction.
 */
import type { WarningChannel } from "../../../../shared/warnings.js";
import { can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import type { PlanData } from "../plans/index.js";
import { usersFilling } from "../users/index.js";
import { emitMessage } from "./capMessages.js";
import { disseminate } from "./dissemination.js";
import { doorToDoorTasks, fileAndReport, startResponse } from "./duties.js";
import {
  type Actor,
  areaOf,
  channelsOf,
  contentOf,
  factsOf,
  pendingAdjustOf,
  recordChange,
  recordTransition,
  type WarningArea,
} from "./model.js";
import { stepRequirement, warningPolicy } from "./policy.js";
import { responseOnPublish } from "./publicationRules.js";
import { encodeArea, encodeChannels, encodeContent, responseColumn, type WarningRow } from "./repository.js";
import type { WarningFacts } from "./rules.js";
import { addHistory, applyChange, assertComplete, assertState } from "./service.js";

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
    channels: encodeChannels(channels),
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
    await notifyReleasers(ctx, scope, next, `请求向社会发布：${row.title}`);
  }
  await recordTransition(scope, row, relayed ? "warning.relay" : "warning.publish", "published", {
    version: 1,
    identifier: message.identifier,
    channels,
    publicState,
    ...sent,
  });
}

/** Asks whoever may release the warning to society (第8项: the emergency office) to do so. */
async function notifyReleasers(ctx: AppContext, scope: CommandScope, row: WarningRow, title: string) {
  const requirement = stepRequirement({ plan: ctx.plan, facts: factsOf(row) }, "release");
  const users = await usersFilling(scope.trx, ctx.plan, requirement.parties, requirement.case);
  await notifyUsers(
    scope,
    users.map((u) => u.id),
    { title, body: row.title, link: `/warnings/${row.id}`, sourceType: "warning", sourceId: row.id },
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
    channels: encodeChannels([...new Set<WarningChannel>([...channelsOf(row), ...chosen, "public"])]),
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

/** Publishes an approved adjustment as a new version (CAP Update referencing the earlier messages). */
export async function applyAdjustment(
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
    ...(c.content ? { content: encodeContent({ ...contentOf(row), ...c.content }) } : {}),
    ...(c.area ? { area: encodeArea(c.area) } : {}),
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
    const response = responseOnPublish(ctx.plan, factsOf(next));
    next = await applyChange(scope, next, { response: response ? responseColumn.encode(response) : null });
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
 * Whether the acting user may also publish to society once the warning is published (decides
 * `public` at publication): the release rule, asked of the warning as it will be.
 */
export function mayRelease(plan: PlanData, user: SessionUser, facts: WarningFacts): boolean {
  return can(warningPolicy, user, "release", {
    plan,
    facts: { ...facts, status: "published", publicState: "none" },
  });
}
