/** Views of a warning for staff (with allowed actions and who acts next) and for the public portal. */
import type { WarningColour } from "../../../../shared/plan/schema.js";
import type { WarningStatus } from "../../../../shared/warnings.js";
import { smsSegments } from "../../../../shared/warnings.js";
import { allowedActions, can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { deliverySummary } from "../notify/index.js";
import { findSubtype, partyLabels } from "../plans/index.js";
import { capSeverity } from "./cap/mapping.js";
import { smsTextFor } from "./dissemination.js";
import {
  affectedAreasOf,
  areaOf,
  authorisedUnitsOf,
  channelsOf,
  contentOf,
  factsOf,
  pendingAdjustOf,
  pendingLiftOf,
  responseOf,
  sourceOf,
} from "./model.js";
import { type WarningResource, warningPolicy } from "./policy.js";
import { governedBy } from "./publicationRules.js";
import {
  historyDetailColumn,
  latestPublicMessages,
  listHistory,
  listMessages,
  listTasks,
  type WarningRow,
} from "./repository.js";
import {
  colourName,
  needsProposal,
  needsSubmission,
  STATUS_NAMES,
  stepAuthority,
  type WarningAction,
} from "./rules.js";
import type { PublicWarning, WarningSummary, WarningView } from "./schema.js";
import { HISTORY_NAMES } from "./service.js";

/** The step that moves this warning forward next. */
export function nextStep(ctx: AppContext, row: WarningRow): WarningAction | undefined {
  const f = factsOf(row);
  switch (f.status) {
    case "draft":
      if (needsProposal(ctx.plan.profile, f.origin, f.colour)) {
        return "propose";
      }
      return needsSubmission(ctx.plan.profile, f) ? "submit" : "approve";
    case "proposed":
      return needsSubmission(ctx.plan.profile, f) ? "submit" : "approve";
    case "submitted":
      return "approve";
    case "approved":
      return "publish";
    case "published":
      if (f.pendingState === "proposed") {
        return needsSubmission(ctx.plan.profile, f) ? "submit" : "approve";
      }
      if (f.pendingState === "submitted") {
        return "approve";
      }
      if (f.pendingKind === "adjust") {
        return "publish";
      }
      if (f.pendingKind === "lift") {
        return "lift";
      }
      return f.publicState === "requested" ? "release" : undefined;
    default:
      return undefined;
  }
}

/** Who the plan says acts next (“主管区领导”), for the status board and the inbox. */
export function awaiting(ctx: AppContext, row: WarningRow): string[] {
  const step = nextStep(ctx, row);
  if (!step) {
    return [];
  }
  return partyLabels(ctx.plan, stepAuthority(ctx.plan, step, factsOf(row)).parties);
}

const resourceOf = (ctx: AppContext, row: WarningRow): WarningResource => ({
  plan: ctx.plan,
  facts: factsOf(row),
});

/** True when the user can move the warning forward now (their approval inbox). */
export function inInbox(ctx: AppContext, user: SessionUser, row: WarningRow): boolean {
  const step = nextStep(ctx, row);
  return step !== undefined && can(warningPolicy, user, step, resourceOf(ctx, row));
}

function subtypeNames(ctx: AppContext, subtypeId: string | null) {
  if (subtypeId === null) {
    return { subtypeName: null, categoryName: null };
  }
  const found = findSubtype(ctx.plan.profile, subtypeId);
  const category = ctx.plan.profile.taxonomy.categories.find((c) => c.id === found?.categoryId);
  return { subtypeName: found?.subtype.name ?? null, categoryName: category?.name ?? null };
}

function pendingView(row: WarningRow) {
  if (!row.pending_kind) {
    return null;
  }
  return {
    kind: row.pending_kind,
    state: row.pending_state,
    content: (pendingAdjustOf(row) ?? pendingLiftOf(row)) as Record<string, unknown> | null,
    byName: row.pending_by_name,
    at: row.pending_at,
    approvedByName: row.pending_approved_by_name,
  };
}

export async function presentSummaries(
  ctx: AppContext,
  user: SessionUser,
  rows: WarningRow[],
): Promise<WarningSummary[]> {
  const units = await ctx.units.many([...new Set(rows.map((r) => r.issuing_unit_id))]);
  return rows.map((row) => {
    const unit = units.find((u) => u.id === row.issuing_unit_id);
    return {
      id: row.id,
      origin: row.origin,
      status: row.status,
      statusName: STATUS_NAMES[row.status as WarningStatus] ?? row.status,
      colour: row.colour,
      colourName: colourName(ctx.plan.profile, row.colour as WarningColour),
      title: row.title,
      subtypeId: row.subtype_id,
      subtypeName: subtypeNames(ctx, row.subtype_id).subtypeName,
      issuingUnitId: row.issuing_unit_id,
      issuingUnitName: unit?.short_name ?? unit?.name ?? row.issuing_unit_id,
      drafterName: row.drafter_name,
      version: row.version,
      publicState: row.public_state,
      pending: pendingView(row),
      awaiting: awaiting(ctx, row),
      onsetAt: row.onset_at,
      expiresAt: row.expires_at,
      publishedAt: row.published_at,
      endedAt: row.ended_at,
      updatedAt: row.updated_at,
      // `adjust` is offered when the user may adjust at the current colour.
      allowedActions: allowedActions(warningPolicy, user, resourceOf(ctx, row)),
    };
  });
}

export async function presentWarning(
  ctx: AppContext,
  db: Db,
  user: SessionUser,
  row: WarningRow,
): Promise<WarningView> {
  const [summary] = await presentSummaries(ctx, user, [row]);
  const area = areaOf(row);
  const areaUnits = await ctx.units.many(area.divisionCodes);
  const [history, messages, tasks, deliveries] = await Promise.all([
    listHistory(db, row.id),
    listMessages(db, row.id),
    listTasks(db, row.id),
    deliverySummary(db, "warning", row.id),
  ]);
  const sms = smsTextFor(ctx, row, "Alert");
  if (!summary) {
    throw new Error("unreachable");
  }
  return {
    ...summary,
    categoryName: subtypeNames(ctx, row.subtype_id).categoryName,
    drafter: { id: row.drafter_id, name: row.drafter_name },
    content: contentOf(row),
    area: area as unknown as Record<string, unknown>,
    areaNames: area.divisionCodes.map((c) => areaUnits.find((u) => u.id === c)?.name ?? c),
    affectsOtherAreas: row.affects_other_areas === 1,
    affectedAreas: affectedAreasOf(row),
    channels: channelsOf(row),
    authorisedUnitIds: authorisedUnitsOf(row),
    ...submissionOf(history),
    approvedBy: row.approved_by_name ? { id: row.approved_by_id, name: row.approved_by_name } : null,
    approvedAt: row.approved_at,
    releasedAt: row.released_at,
    rejectedReason: row.rejected_reason,
    needsProposal: needsProposal(
      ctx.plan.profile,
      row.origin as "local" | "relayed",
      row.colour as WarningColour,
    ),
    governedBy: governedBy(ctx.plan.profile, row.subtype_id) ?? null,
    response: responseOf(row) as Record<string, unknown> | null,
    source: sourceOf(row) as Record<string, unknown> | null,
    capSeverity: capSeverity(ctx.plan.profile, row.colour as WarningColour),
    smsText: sms,
    smsSegments: smsSegments(sms).length,
    history: history.map((h) => ({
      at: h.at,
      action: h.action,
      actionName: HISTORY_NAMES[h.action] ?? h.action,
      actorName: h.actor_name,
      version: h.version,
      detail: historyDetailColumn.decode(h.detail),
    })),
    messages: messages.map((m) => ({
      seq: m.seq,
      identifier: m.identifier,
      msgType: m.msg_type,
      scope: m.scope,
      version: m.version,
      colour: m.colour,
      sentAt: m.sent_at,
    })),
    tasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      no: t.no,
      title: t.title,
      unitId: t.unit_id,
      unitName: t.unit_name,
      state: t.state,
      note: t.note,
      updatedAt: t.updated_at,
      updatedByName: t.updated_by_name,
    })),
    deliveries,
    createdAt: row.created_at,
  };
}

/** Steps that start a new round of approval: a submission before the latest of them is stale. */
const ROUND_STARTS = new Set(["create", "import", "propose", "reject", "adjust_request", "lift_request"]);

/** The current round's submission (报请): its `submit` history entry, if the round had one. */
function submissionOf(
  history: { action: string; at: string; actor_id: string | null; actor_name: string }[],
) {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h === undefined || ROUND_STARTS.has(h.action)) {
      break;
    }
    if (h.action === "submit") {
      return { submittedBy: { id: h.actor_id, name: h.actor_name }, submittedAt: h.at };
    }
  }
  return { submittedBy: null, submittedAt: null };
}

export async function presentPublic(ctx: AppContext, db: Db, rows: WarningRow[]): Promise<PublicWarning[]> {
  const codes = [...new Set(rows.flatMap((r) => [r.issuing_unit_id, ...areaOf(r).divisionCodes]))];
  const units = await ctx.units.many(codes);
  const name = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  const latest = await latestPublicMessages(
    db,
    rows.map((r) => r.id),
  );
  return Promise.all(
    rows.map(async (row) => {
      const area = areaOf(row);
      const content = contentOf(row);
      const message = latest.get(row.id);
      return {
        id: row.id,
        status: row.status,
        colour: row.colour,
        colourName: colourName(ctx.plan.profile, row.colour as WarningColour),
        title: row.title,
        ...subtypeNames(ctx, row.subtype_id),
        issuer: name(row.issuing_unit_id),
        version: row.version,
        publishedAt: row.released_at ?? row.published_at,
        onsetAt: row.onset_at,
        expiresAt: row.expires_at,
        endedAt: row.ended_at,
        content: {
          precautions: content.precautions ?? "",
          situation: content.situation ?? "",
          governmentMeasures: content.governmentMeasures ?? "",
          publicAdvice: content.publicAdvice ?? "",
          hotline: content.hotline ?? "",
        },
        area: area as unknown as Record<string, unknown>,
        areaNames: area.divisionCodes.map(name),
        capIdentifier: message?.identifier ?? null,
      };
    }),
  );
}
