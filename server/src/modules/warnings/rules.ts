/**
 * Pure warning rules (000 §3.3): who may take which step on a warning, which state allows it, what
 * content it must carry, how it maps to CAP. Functions of (profile, org, facts[, now]); no SQL, no
 * HTTP. Authority comes from `warningAuthority` and friends in modules/plans/rules.ts; the small
 * helpers here only resolve a profile `Party` against a signed-in user, which the plan rules leave
 * to the modules (requested for plans/rules.ts: a shared `partyMatchesUser`).
 */

import { beijingIso } from "../../../../shared/beijingTime.js";
import type {
  Party,
  PlanProfile,
  WarningActionRule,
  WarningColour,
  WarningOrigin,
} from "../../../../shared/plan/schema.js";
import type { Role } from "../../../../shared/roles.js";
import type { PendingKind, WarningStatus } from "../../../../shared/warnings.js";
import type { SessionUser } from "../../authz/principal.js";
import type { FieldError } from "../../errors.js";
import type { OrgFile } from "../org/index.js";
import { findSubtype, partyUnitsLegacy, warningAuthority, warningResponse } from "../plans/index.js";

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
  pendingState: "proposed" | "approved" | null;
  /** The colour an adjustment asks for (the current colour when it does not change it). */
  pendingColour: WarningColour | null;
  pendingById: string | null;
}

/**
 * A party without a role is a unit acting through its staff: these roles act for their unit.
 * Leaders act only where the profile names their role; the system administrator and the on-site
 * commander hold no warning authority through their unit.
 */
export const UNIT_STAFF_ROLES: readonly Role[] = [
  "duty_officer",
  "office_staff",
  "office_director",
  "dept_staff",
  "dept_head",
  "hq_office_head",
  "street_staff",
];

/** Street/township code of a division code (GB/T 2260: 9 digits for streets, 12 for communities). */
export function streetOf(code: string): string {
  return code.length > 9 ? code.slice(0, 9) : code;
}

/**
 * Whether a user in `userUnitId` acts for `unitId`: the same unit; the department hosting a special
 * HQ's office acts as that HQ office (000 §2.1.5); the duty room acts for the emergency office it
 * belongs to (000 §2.1.3: 以区委区政府总值班室名义).
 */
export function actsFor(org: OrgFile, userUnitId: string, unitId: string): boolean {
  if (userUnitId === unitId) {
    return true;
  }
  const target = org.units.find((u) => u.id === unitId);
  if (target?.type === "special_hq" && target.officeIn === userUnitId) {
    return true;
  }
  const mine = org.units.find((u) => u.id === userUnitId);
  return mine?.type === "duty_room" && mine.parent === unitId;
}

function categoryNameOf(profile: PlanProfile, subtypeId: string | null): string | undefined {
  if (subtypeId === null) {
    return undefined;
  }
  const found = findSubtype(profile, subtypeId);
  return profile.taxonomy.categories.find((c) => c.id === found?.categoryId)?.name;
}

/** The org units a party points at for this warning (street scope: every street of the area). */
export function unitsOfParty(profile: PlanProfile, org: OrgFile, party: Party, w: WarningFacts): string[] {
  const streets = [...new Set(w.divisionCodes.map(streetOf))];
  const base = {
    ...(w.subtypeId !== null ? { subtypeId: w.subtypeId } : {}),
    ownUnitId: w.issuingUnitId,
  };
  if (party.scope === "street_in_area") {
    return [
      ...new Set(streets.flatMap((s) => partyUnitsLegacy(profile, org, party, { ...base, streetCode: s }))),
    ];
  }
  return partyUnitsLegacy(profile, org, party, base);
}

/** Does this user fill this party of the profile for this warning? */
export function partyMatchesUser(
  profile: PlanProfile,
  org: OrgFile,
  party: Party,
  user: SessionUser,
  w: WarningFacts,
): boolean {
  if (party.role !== undefined && !user.roles.includes(party.role)) {
    return false;
  }
  if (party.role === undefined && !user.roles.some((r) => UNIT_STAFF_ROLES.includes(r))) {
    return false;
  }
  const scope = party.scope;
  if (scope === "in_charge_of_category") {
    // 主管／分管领导: the leader whose portfolio covers the warning's category.
    const category = categoryNameOf(profile, w.subtypeId);
    if (category === undefined || !user.categories.includes(category)) {
      return false;
    }
    return party.unit === undefined || actsFor(org, user.unitId, party.unit);
  }
  let units: string[];
  if (scope === undefined || scope === "any") {
    units = party.unit === undefined ? [] : [party.unit];
    if (party.unit === undefined) {
      // A role with no unit restriction: any holder of the role.
      return party.authorisedBy === undefined;
    }
  } else {
    units = unitsOfParty(profile, org, party, w);
  }
  const mine = units.filter((u) => actsFor(org, user.unitId, u));
  if (mine.length === 0) {
    return false;
  }
  if (party.authorisedBy !== undefined) {
    // 000 §3.3.1 第2项 “授权区专项应急指挥部办公室、区相关部门发布和解除”: only units the office authorised.
    return mine.some((u) => w.authorisedUnitIds.includes(u) || w.authorisedUnitIds.includes(user.unitId));
  }
  return true;
}

/** Chinese labels of parties, for 403 responses and the UI ("主管区领导"). */
export function partyLabels(parties: readonly Party[]): string[] {
  return [
    ...new Set(
      parties.map((p) => p.label ?? [p.role, p.scope, p.unit].filter((x) => x !== undefined).join("·")),
    ),
  ];
}

/** The steps of the lifecycle, as policy actions. `file` is automatic on publication. */
export type WarningStep =
  | "create"
  | "edit"
  | "propose"
  | "approve"
  | "reject"
  | "publish"
  | "release"
  | "authorise"
  | "adjust"
  | "lift";

export interface StepAuthority {
  /** Any one of these may take the step; empty = nobody in this plan may. */
  parties: Party[];
  /** Why nobody may (the plan has no such rule). */
  missing?: string;
  /** The drafter / requester may not take this step on their own work. */
  notBy?: string | null;
  source?: string;
}

const OFFICE_PARTY: Party = { unit: "office", label: "区应急办" };

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
 * Who may take a step on this warning, straight from the profile (000 §3.3.1):
 * propose/approve/publish/lift by origin × colour; an adjustment by the `adjust` rule of the colour
 * it adjusts to, approved by that rule's `approvedBy`; lifting a relayed warning needs the sign-off
 * of the same authority (同等权限); publication to society only by `publicPublisher` (第8项).
 */
export function stepAuthority(
  profile: PlanProfile,
  org: OrgFile,
  step: WarningStep,
  w: WarningFacts,
  adjustTo?: WarningColour,
): StepAuthority {
  const rule = (action: "propose" | "approve" | "publish" | "adjust" | "lift", colour = w.colour) =>
    warningAuthority(profile, w.origin, colour, action);
  const name = colourName(profile, w.colour);
  switch (step) {
    case "create":
    case "edit": {
      // Drafting is not an authority of the plan: the issuing unit's staff or the emergency office
      // (区应急办负责全区预警工作的监督和综合管理, 000 §3.3).
      const issuer: Party = { scope: "own_unit", label: "起草单位工作人员" };
      return { parties: [issuer, OFFICE_PARTY], source: "000 §3.3" };
    }
    case "propose":
      return ruleOrMissing(
        rule("propose"),
        (r) => r.by,
        `预案未规定${name}${originName(w.origin)}预警的提出建议环节`,
      );
    case "approve":
    case "reject": {
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
      const by = profile.warnings.publicPublisher?.by ?? [OFFICE_PARTY];
      return { parties: by, source: profile.warnings.publicPublisher?.source ?? "000 §3.3.1 第8项" };
    }
    case "authorise": {
      const publish = rule("publish");
      const lift = rule("lift");
      const authorisers = [...(publish?.by ?? []), ...(lift?.by ?? [])]
        .map((p) => p.authorisedBy)
        .filter((u): u is string => u !== undefined);
      if (authorisers.length === 0) {
        return { parties: [], missing: `预案未规定${name}预警可授权发布` };
      }
      return {
        parties: [...new Set(authorisers)].map((u) => ({ unit: u, label: unitLabel(org, u) })),
        source: publish?.source ?? lift?.source,
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

function unitLabel(org: OrgFile, id: string): string {
  const u = org.units.find((x) => x.id === id);
  return u?.short ?? u?.name ?? id;
}

export function colourName(profile: PlanProfile, colour: WarningColour): string {
  return profile.warnings.colours.find((c) => c.id === colour)?.name ?? colour;
}

function originName(origin: WarningOrigin): string {
  return origin === "relayed" ? "转发" : "本区";
}

/** Whether the user may take the step, and if not, what it needs (for the 403). */
export function checkStep(
  profile: PlanProfile,
  org: OrgFile,
  step: WarningStep,
  user: SessionUser,
  w: WarningFacts,
  adjustTo?: WarningColour,
): { allowed: true } | { allowed: false; needed: string[]; detail: string } {
  const authority = stepAuthority(profile, org, step, w, adjustTo);
  if (authority.parties.length === 0) {
    return { allowed: false, needed: [], detail: authority.missing ?? "预案未规定此项权限" };
  }
  const labels = partyLabels(authority.parties);
  if (authority.notBy && authority.notBy === user.id) {
    return {
      allowed: false,
      needed: labels,
      detail: `不能审批本人起草或提出的预警事项，须由：${labels.join("；或 ")}`,
    };
  }
  if (authority.parties.some((p) => partyMatchesUser(profile, org, p, user, w))) {
    return { allowed: true };
  }
  const source = authority.source ? `（${authority.source}）` : "";
  return { allowed: false, needed: labels, detail: `此操作需要：${labels.join("；或 ")}${source}` };
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
    case "approve":
    case "reject": {
      if (w.status === "published") {
        return w.pendingState === "proposed" ? undefined : "没有待审批的调整或解除";
      }
      if (w.status === "proposed") {
        return undefined;
      }
      if (w.status === "draft") {
        return needsProposal(profile, w.origin, w.colour) ? "请先提出预警建议，再报批" : undefined;
      }
      return `预警${status}，不能${step === "approve" ? "批准" : "退回"}`;
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

// ---------------------------------------------------------------------------------------------
// response, measures, filing, cross-area
// ---------------------------------------------------------------------------------------------

export interface ResolvedParty {
  label: string;
  unitIds: string[];
}

function resolve(
  profile: PlanProfile,
  org: OrgFile,
  parties: readonly Party[],
  w: WarningFacts,
): ResolvedParty[] {
  return parties.map((p) => ({
    label: partyLabels([p])[0] ?? "",
    unitIds: p.unit !== undefined && p.scope === undefined ? [p.unit] : unitsOfParty(profile, org, p, w),
  }));
}

export interface WarningResponse {
  colour: WarningColour;
  activatedBy: ResolvedParty[];
  coordinates: ResolvedParty[];
  directedBy: ResolvedParty[];
  task: string;
  source: string;
}

/** The warning response a publication starts (000 §3.3.2: blue/yellow → HQ office or lead dept …). */
export function responseOnPublish(
  profile: PlanProfile,
  org: OrgFile,
  w: WarningFacts,
): WarningResponse | undefined {
  const r = warningResponse(profile, w.colour);
  if (!r) {
    return undefined;
  }
  return {
    colour: w.colour,
    activatedBy: resolve(profile, org, r.activatedBy, w),
    coordinates: resolve(profile, org, r.coordinates, w),
    directedBy: resolve(profile, org, r.directedBy, w),
    task: r.task,
    source: r.source,
  };
}

export interface MeasureItem {
  no: number;
  text: string;
  unitIds: string[];
  unitLabel: string;
}

/**
 * The warning-measure checklist (000 §3.3.3), each measure assigned to the units that activate the
 * warning response for the colour (§3.3.2) — the plan names no unit per measure.
 */
export function measureChecklist(profile: PlanProfile, response: WarningResponse | undefined): MeasureItem[] {
  const m = profile.warnings.measures;
  const activators = response?.activatedBy ?? [];
  const unitIds = [...new Set(activators.flatMap((a) => a.unitIds))];
  const unitLabel = activators.map((a) => a.label).join("、") || "区应急办";
  const items = m.items.map((i) => ({ no: i.no, text: i.text, unitIds, unitLabel }));
  if (m.other) {
    items.push({ no: items.length + 1, text: m.other, unitIds, unitLabel });
  }
  return items;
}

/** Filing duties on publication (000 §3.3.1 第1、2项 备案): who files, with whom. */
export function filingDuties(profile: PlanProfile, org: OrgFile, w: WarningFacts) {
  const rule = warningAuthority(profile, w.origin, w.colour, "file");
  if (!rule) {
    return [];
  }
  return resolve(profile, org, rule.to ?? [], w).map((to) => ({
    by: partyLabels(rule.by).join("或"),
    to,
    source: rule.source,
  }));
}

/**
 * Orange/red own warnings that may affect areas outside the district: report to the city and
 * notify those areas (000 §3.3.1 第3项). Empty when it does not apply.
 */
export function crossAreaDuties(
  profile: PlanProfile,
  org: OrgFile,
  w: WarningFacts,
  affectsOtherAreas: boolean,
  affectedAreas: readonly string[],
): { label: string; unitIds: string[]; by: string; source: string }[] {
  const rule = profile.warnings.crossArea;
  if (!rule || !affectsOtherAreas || rule.origin !== w.origin || !rule.colours.includes(w.colour)) {
    return [];
  }
  const by = partyLabels(rule.by).join("或");
  return rule.to.flatMap((p) => {
    if (p.scope === "affected_areas") {
      return affectedAreas.map((a) => ({ label: a, unitIds: [], by, source: rule.source }));
    }
    const [resolved] = resolve(profile, org, [p], w);
    return resolved ? [{ ...resolved, by, source: rule.source }] : [];
  });
}

/** The other plan that governs this subtype's warnings, if any (000 §3.3.1: 区防汛预警…). */
export function governedBy(profile: PlanProfile, subtypeId: string | null): string | undefined {
  if (subtypeId === null) {
    return undefined;
  }
  return profile.warnings.exclusions.find((e) => e.subtypes.includes(subtypeId))?.plan;
}

// ---------------------------------------------------------------------------------------------
// CAP mapping
// ---------------------------------------------------------------------------------------------

/** Colour → CAP severity from the profile (default red Extreme, orange Severe, yellow Moderate, blue Minor). */
export function capSeverity(profile: PlanProfile, colour: WarningColour): string {
  return profile.warnings.colours.find((c) => c.id === colour)?.cap.severity ?? DEFAULT_SEVERITY[colour];
}

const DEFAULT_SEVERITY: Record<WarningColour, string> = {
  red: "Extreme",
  orange: "Severe",
  yellow: "Moderate",
  blue: "Minor",
};

/** CAP severity → colour (import of upper-level alerts); Unknown → undefined (a person decides). */
export function colourForSeverity(profile: PlanProfile, severity: string): WarningColour | undefined {
  const fromProfile = profile.warnings.colours.find((c) => c.cap.severity === severity)?.id;
  if (fromProfile) {
    return fromProfile;
  }
  return (Object.entries(DEFAULT_SEVERITY) as [WarningColour, string][]).find(([, s]) => s === severity)?.[0];
}

export function capUrgencyCertainty(profile: PlanProfile, colour: WarningColour) {
  const c = profile.warnings.colours.find((x) => x.id === colour)?.cap;
  return { urgency: c?.urgency ?? "Expected", certainty: c?.certainty ?? "Likely" };
}

/** CAP <category> for a taxonomy category (CAP 1.2 §3.2.2 category list). */
export function capCategory(profile: PlanProfile, subtypeId: string | null): string {
  if (subtypeId === null) {
    return "Other";
  }
  const found = findSubtype(profile, subtypeId);
  const byCategory: Record<string, string> = {
    natural_disaster: "Met",
    accident_disaster: "Safety",
    public_health: "Health",
    social_security: "Security",
  };
  const bySubtype: Record<string, string> = {
    earthquake: "Geo",
    fire: "Fire",
    forest_fire: "Fire",
    forest_fire_prevention: "Fire",
    heavy_air_pollution: "Env",
    waterborne_traffic: "Transport",
    railway_traffic: "Transport",
    urban_rail_transit: "Transport",
    civil_aviation: "Transport",
    road_traffic: "Transport",
    gas: "Infra",
    heating: "Infra",
    power_supply: "Infra",
    municipal_pipeline: "Infra",
  };
  return bySubtype[subtypeId] ?? byCategory[found?.categoryId ?? ""] ?? "Other";
}

/**
 * GB/T 35965.1 identifier `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N` (31 characters): division code,
 * 3-digit organisation code, 3-digit internal code, 2-digit extension, Beijing time of entry, one
 * sequence digit for messages entered in the same second.
 */
export function capIdentifier(parts: {
  divisionCode: string;
  orgCode: string;
  internalCode?: string;
  extension?: string;
  at: Date;
  sequence: number;
}): string {
  const stamp = beijingIso(parts.at).slice(0, 19).replace(/[-T:]/g, "");
  const code = `${parts.divisionCode}${parts.orgCode}${parts.internalCode ?? "001"}${parts.extension ?? "00"}`;
  if (!/^[0-9]{14}$/.test(code) || parts.sequence < 0 || parts.sequence > 9) {
    throw new Error(`invalid CAP identifier parts ${code}/${parts.sequence}`);
  }
  return `${code}_${stamp}_${parts.sequence}`;
}

/** A stable 3-digit organisation code: the unit's position in the plan's org file (gap: no code list). */
export function orgCode(org: OrgFile, unitId: string): string {
  const i = org.units.findIndex((u) => u.id === unitId);
  return String(i >= 0 ? i + 1 : 999).padStart(3, "0");
}
