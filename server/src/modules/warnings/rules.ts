/**
 * Pure warning rules (000 §3.3): who may take which step on a warning, which state allows it, what
 * content it must carry. Functions of (plan, facts[, now]); no SQL, no HTTP. Authority comes from
 * `warningAuthority` of modules/plans/rules.ts and is resolved by the plans module's one party
 * resolver: this module only builds the warning's `PartyCase` (`warningPartyCase`).
 */

import type {
  Party,
  PlanProfile,
  WarningActionRule,
  WarningColour,
  WarningOrigin,
} from "../../../../shared/plan/schema.js";
import type { PendingKind, PendingState, WarningStatus } from "../../../../shared/warnings.js";
import type { FieldError } from "../../errors.js";
import {
  EMERGENCY_OFFICE,
  type PartyCase,
  type PlanData,
  unitLabel,
  warningAuthority,
} from "../plans/index.js";

/** The facts about a warning that authority and state rules read. */
export interface WarningFacts {
  id?: string;
  origin: WarningOrigin;
  status: WarningStatus;
  colour: WarningColour;
  subtypeId: string | null;
  issuingUnitId: string;
  drafterId: string | null;
  /** Division codes of the area (streets, communities, villages). */
  divisionCodes: readonly string[];
  authorisedUnitIds: readonly string[];
  publicState: "none" | "requested" | "released";
  pendingKind: PendingKind | null;
  pendingState: PendingState | null;
  /** The colour an adjustment asks for (the current colour when it does not change it). */
  pendingColour: WarningColour | null;
  pendingById: string | null;
}

/** Street/township code of a division code (GB/T 2260: 9 digits for streets, 12 for communities). */
export function streetOf(code: string): string {
  return code.length > 9 ? code.slice(0, 9) : code;
}

/**
 * What the party resolver needs to know about a warning: its subtype, the issuing (or relaying)
 * unit as `own_unit`, the streets of its area (`street_in_area`: a community's street counts), and
 * the units the emergency office authorised to publish and lift it (000 §3.3.1 第2项 授权).
 */
export function warningPartyCase(w: WarningFacts): PartyCase {
  return {
    subtypeId: w.subtypeId,
    ownUnitId: w.issuingUnitId,
    streetCodes: [...new Set(w.divisionCodes.map(streetOf))],
    authorisedUnitIds: w.authorisedUnitIds,
  };
}

/** The steps a warning already stored can take; `file` is automatic on publication. */
export type WarningAction =
  | "edit"
  | "propose"
  | "submit"
  | "approve"
  | "reject"
  | "publish"
  | "release"
  | "authorise"
  | "adjust"
  | "lift";

/** The steps of the lifecycle: drafting a new warning, then the actions on it. */
export type WarningStep = "create" | WarningAction;

export interface StepAuthority {
  /** Any one of these may take the step; empty = nobody in this plan may. */
  parties: Party[];
  /** Why nobody may (the plan has no such rule). */
  missing?: string;
  /** The drafter / requester may not take this step on their own work. */
  notBy?: string | null;
  source?: string;
}

function ruleOrMissing(
  rule: WarningActionRule | undefined,
  pick: (r: WarningActionRule) => Party[] | undefined,
  missing: string,
): StepAuthority {
  const parties = rule ? pick(rule) : undefined;
  if (!rule || !parties || parties.length === 0) {
    return { parties: [], missing };
  }
  return { parties, source: rule.source };
}

/**
 * The rule whose approval the warning waits for now: the pending adjustment's (the colour it adjusts
 * to), the pending lift's, or the warning's own approval; with the parties who approve it and those it
 * passes through first (`via`: 000 §3.3.1 第2项 由区应急办…报请区应急委主管或主要领导批准).
 */
export function pendingApproval(
  profile: PlanProfile,
  w: WarningFacts,
): { rule: WarningActionRule | undefined; approvers: Party[]; via: Party[] } {
  const rule =
    w.pendingKind === "adjust"
      ? warningAuthority(profile, w.origin, w.pendingColour ?? w.colour, "adjust")
      : w.pendingKind === "lift"
        ? warningAuthority(profile, w.origin, w.colour, "lift")
        : warningAuthority(profile, w.origin, w.colour, "approve");
  const approvers = (w.pendingKind === null ? rule?.by : rule?.approvedBy) ?? [];
  return { rule, approvers, via: rule?.via ?? [] };
}

/** Whether the approval the warning waits for passes through a `via` party first (报请). */
export function needsSubmission(profile: PlanProfile, w: WarningFacts): boolean {
  return pendingApproval(profile, w).via.length > 0;
}

/**
 * Whether the warning (or its pending change) waits for the `via` party to submit it: asked for, not
 * yet submitted. Only then is a reject the via party's (it returns the proposal, 退回).
 */
function awaitsSubmission(profile: PlanProfile, w: WarningFacts): boolean {
  if (!needsSubmission(profile, w)) {
    return false;
  }
  return w.status === "published" ? w.pendingState === "proposed" : w.status === "proposed";
}

/**
 * Who may take a step on this warning, straight from the profile (000 §3.3.1):
 * propose/approve/publish/lift by origin × colour; an adjustment by the `adjust` rule of the colour
 * it adjusts to, approved by that rule's `approvedBy`; lifting a relayed warning needs the sign-off
 * of the same authority (同等权限); publication to society only by `publicPublisher` (第8项).
 */
export function stepAuthority(
  plan: PlanData,
  step: WarningStep,
  w: WarningFacts,
  adjustTo?: WarningColour,
): StepAuthority {
  const { profile, org } = plan;
  const rule = (action: "propose" | "approve" | "publish" | "adjust" | "lift", colour = w.colour) =>
    warningAuthority(profile, w.origin, colour, action);
  const name = colourName(profile, w.colour);
  switch (step) {
    case "create":
    case "edit": {
      // Drafting is not an authority of the plan: the issuing unit's staff or the emergency office
      // (区应急办负责全区预警工作的监督和综合管理, 000 §3.3).
      const issuer: Party = { scope: "own_unit", label: "起草单位工作人员" };
      return { parties: [issuer, EMERGENCY_OFFICE], source: "000 §3.3" };
    }
    case "propose":
      return ruleOrMissing(
        rule("propose"),
        (r) => r.by,
        `预案未规定${name}${originName(w.origin)}预警的提出建议环节`,
      );
    case "submit": {
      const { rule: r, via } = pendingApproval(profile, w);
      if (via.length === 0) {
        return { parties: [], missing: `预案未规定${name}预警须经报请` };
      }
      return { parties: via, ...(r ? { source: r.source } : {}) };
    }
    case "approve":
    case "reject": {
      if (step === "reject" && awaitsSubmission(profile, w)) {
        // The office that would submit it may return it instead (退回), before any leader sees it.
        return stepAuthority(plan, "submit", w);
      }
      if (w.pendingKind === "adjust") {
        const a = ruleOrMissing(
          rule("adjust", w.pendingColour ?? w.colour),
          (r) => r.approvedBy,
          "预案未规定此项调整需要批准",
        );
        return { ...a, notBy: w.pendingById };
      }
      if (w.pendingKind === "lift") {
        const a = ruleOrMissing(rule("lift"), (r) => r.approvedBy, "预案未规定解除需要批准");
        return { ...a, notBy: w.pendingById };
      }
      const a = ruleOrMissing(rule("approve"), (r) => r.by, `预案未规定${name}预警的批准人`);
      return { ...a, notBy: w.drafterId };
    }
    case "publish":
      if (w.pendingKind === "adjust") {
        return ruleOrMissing(
          rule("adjust", w.pendingColour ?? w.colour),
          (r) => r.by,
          "预案未规定调整发布单位",
        );
      }
      return ruleOrMissing(rule("publish"), (r) => r.by, `预案未规定${name}预警的发布单位`);
    case "release": {
      const by = profile.warnings.publicPublisher?.by ?? [EMERGENCY_OFFICE];
      return { parties: by, source: profile.warnings.publicPublisher?.source ?? "000 §3.3.1 第8项" };
    }
    case "authorise": {
      const publish = rule("publish");
      const lift = rule("lift");
      const publishers = [...(publish?.by ?? []), ...(lift?.by ?? [])];
      const authorisers = publishers.map((p) => p.authorisedBy).filter((u): u is string => u !== undefined);
      if (authorisers.length === 0) {
        return { parties: [], missing: `预案未规定${name}预警可授权发布` };
      }
      const source = publish?.source ?? lift?.source;
      // Authorising hands on the authoriser's own publication: whoever may not publish for it (its duty
      // room, where the profile excludes it) may not hand that on either.
      const excluded = (u: string) => publishers.some((p) => p.unit === u && p.excludesDutyRoom === true);
      return {
        parties: [...new Set(authorisers)].map((u) => ({
          unit: u,
          label: unitLabel(org, u),
          ...(excluded(u) ? { excludesDutyRoom: true } : {}),
        })),
        ...(source ? { source } : {}),
      };
    }
    case "adjust":
      return ruleOrMissing(
        rule("adjust", adjustTo ?? w.colour),
        (r) => r.by,
        `预案未规定${originName(w.origin)}预警的调整`,
      );
    case "lift":
      return ruleOrMissing(rule("lift"), (r) => r.by, `预案未规定${name}预警的解除单位`);
  }
}

export function colourName(profile: PlanProfile, colour: WarningColour): string {
  return profile.warnings.colours.find((c) => c.id === colour)?.name ?? colour;
}

function originName(origin: WarningOrigin): string {
  return origin === "relayed" ? "转发" : "本区";
}

// ---------------------------------------------------------------------------------------------
// states
// ---------------------------------------------------------------------------------------------

/** True where the plan has a proposal step for this origin × colour (orange/red to the office). */
export function needsProposal(profile: PlanProfile, origin: WarningOrigin, colour: WarningColour): boolean {
  return warningAuthority(profile, origin, colour, "propose") !== undefined;
}

/** Why the warning's state does not allow the step (409), or undefined. */
export function stateProblem(profile: PlanProfile, step: WarningStep, w: WarningFacts): string | undefined {
  const status = STATUS_NAMES[w.status];
  switch (step) {
    case "create":
      return undefined;
    case "edit":
      return w.status === "draft" ? undefined : `预警${status}，不能再修改；请使用“调整”`;
    case "propose":
      if (w.status !== "draft") {
        return `预警${status}，只有草稿可以提出`;
      }
      return needsProposal(profile, w.origin, w.colour) ? undefined : "该预警无需提出建议，可直接报批";
    case "submit": {
      const via = pendingApproval(profile, w).via;
      if (via.length === 0) {
        return "该预警无需报请，可直接批准";
      }
      if (w.status === "published") {
        if (w.pendingState === "proposed") {
          return undefined;
        }
        return w.pendingState === "submitted" ? "已报请，等待批准" : "没有待报请的调整或解除";
      }
      if (w.status === "proposed") {
        return undefined;
      }
      if (w.status === "draft") {
        return needsProposal(profile, w.origin, w.colour) ? "请先提出预警建议，再报请" : undefined;
      }
      return w.status === "submitted" ? "已报请，等待批准" : `预警${status}，不能报请`;
    }
    case "approve":
    case "reject": {
      const verb = step === "approve" ? "批准" : "退回";
      const via = pendingApproval(profile, w).via;
      const notSubmitted = `须先由${via.map((p) => p.label ?? "区应急办").join("或")}报请，才能批准`;
      if (w.status === "published") {
        if (w.pendingState === "submitted" || (w.pendingState === "proposed" && via.length === 0)) {
          return undefined;
        }
        if (w.pendingState === "proposed") {
          return step === "reject" ? undefined : notSubmitted;
        }
        return "没有待审批的调整或解除";
      }
      if (w.status === "submitted") {
        return undefined;
      }
      if (w.status === "proposed") {
        return via.length === 0 || step === "reject" ? undefined : notSubmitted;
      }
      if (w.status === "draft") {
        if (needsProposal(profile, w.origin, w.colour)) {
          return "请先提出预警建议，再报批";
        }
        return via.length === 0 ? undefined : notSubmitted;
      }
      return `预警${status}，不能${verb}`;
    }
    case "publish":
      if (w.status === "approved") {
        return undefined;
      }
      if (w.status === "published" && w.pendingKind === "adjust") {
        return w.pendingState === "approved" ? undefined : "调整尚未批准，不能发布";
      }
      return w.status === "published" ? "预警已发布" : `预警${status}，未经批准不能发布`;
    case "release":
      if (w.status !== "published") {
        return `预警${status}，只有已发布的预警可以向社会发布`;
      }
      return w.publicState === "released" ? "预警已向社会发布" : undefined;
    case "authorise":
      return w.status === "lifted" || w.status === "expired" ? `预警${status}` : undefined;
    case "adjust":
      if (w.status !== "published") {
        return `预警${status}，只有已发布的预警可以调整`;
      }
      return w.pendingKind ? `已有待处理的${w.pendingKind === "adjust" ? "调整" : "解除"}` : undefined;
    case "lift":
      if (w.status === "lifted") {
        return "预警已解除";
      }
      if (w.status !== "published") {
        return `预警${status}，只有已发布的预警可以解除`;
      }
      if (w.pendingKind === "adjust") {
        return "有待处理的调整，请先批准或退回";
      }
      if (w.pendingKind === "lift" && w.pendingState !== "approved") {
        return "解除尚待批准";
      }
      return undefined;
  }
}

export const STATUS_NAMES: Record<WarningStatus, string> = {
  draft: "草稿",
  proposed: "已提出待批准",
  submitted: "已报请待批准",
  approved: "已批准待发布",
  published: "已发布",
  lifted: "已解除",
  expired: "已过期",
};

// ---------------------------------------------------------------------------------------------
// content
// ---------------------------------------------------------------------------------------------

export interface WarningDraft {
  title: string;
  colour: WarningColour;
  subtypeId: string | null;
  issuingUnitId: string;
  onsetAt: string | null;
  expiresAt: string | null;
  content: {
    precautions?: string;
    situation?: string;
    governmentMeasures?: string;
    publicAdvice?: string;
    hotline?: string;
  };
  area: { divisionCodes: string[]; features: unknown[]; description?: string };
}

/**
 * Where each required-content field id of a profile lives in the API (000 §3.3.1 第4项; 002
 * §4.2.2). `issued_at` is stamped on publication, so it is never missing.
 */
const CONTENT_FIELDS: Record<string, { path: string; present: (d: WarningDraft) => boolean }> = {
  issuer: { path: "issuingUnitId", present: (d) => d.issuingUnitId !== "" },
  issued_at: { path: "publishedAt", present: () => true },
  expected_duration: { path: "expiresAt", present: (d) => d.expiresAt !== null },
  period_start: { path: "onsetAt", present: (d) => d.onsetAt !== null },
  period_end: { path: "expiresAt", present: (d) => d.expiresAt !== null },
  category: { path: "subtypeId", present: (d) => d.subtypeId !== null },
  event_name: { path: "title", present: (d) => d.title.trim() !== "" },
  area: { path: "area", present: (d) => d.area.divisionCodes.length + d.area.features.length > 0 },
  level: { path: "colour", present: (d) => d.colour !== undefined },
  precautions: { path: "content.precautions", present: (d) => !!d.content.precautions?.trim() },
  situation: { path: "content.situation", present: (d) => !!d.content.situation?.trim() },
  government_measures: {
    path: "content.governmentMeasures",
    present: (d) => !!d.content.governmentMeasures?.trim(),
  },
  measures: { path: "content.governmentMeasures", present: (d) => !!d.content.governmentMeasures?.trim() },
  public_advice: { path: "content.publicAdvice", present: (d) => !!d.content.publicAdvice?.trim() },
  hotline: { path: "content.hotline", present: (d) => !!d.content.hotline?.trim() },
};

/** Every required content field the draft lacks, by field (000 §3.3.1 第4项: 预警信息包括…). */
export function missingContent(profile: PlanProfile, d: WarningDraft): FieldError[] {
  const out: FieldError[] = [];
  for (const field of profile.warnings.requiredContent.fields) {
    const where = CONTENT_FIELDS[field.id];
    if (where && !where.present(d)) {
      out.push({
        path: where.path,
        message: `必填：${field.name}（${profile.warnings.requiredContent.source}）`,
      });
    }
  }
  if (d.onsetAt !== null && d.expiresAt !== null && d.expiresAt <= d.onsetAt) {
    out.push({ path: "expiresAt", message: "预计结束时间应晚于开始时间" });
  }
  return out;
}
