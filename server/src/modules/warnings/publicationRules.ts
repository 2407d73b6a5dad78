/**
 * What a publication starts, as pure rules (000 §3.3.1–§3.3.3): the warning response and its
 * measures checklist, filing (备案), cross-area reports, and which other plan governs a subtype.
 */
import type { Party, PlanProfile, WarningColour } from "../../../../shared/plan/schema.js";
import {
  type PlanData,
  partyLabel,
  partyLabels,
  partyUnits,
  warningAuthority,
  warningResponse,
} from "../plans/index.js";
import { type WarningFacts, warningPartyCase } from "./rules.js";

export interface ResolvedParty {
  label: string;
  unitIds: string[];
}

function resolve(plan: PlanData, parties: readonly Party[], w: WarningFacts): ResolvedParty[] {
  const c = warningPartyCase(w);
  return parties.map((p) => ({ label: partyLabel(plan, p), unitIds: partyUnits(plan, p, c) }));
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
export function responseOnPublish(plan: PlanData, w: WarningFacts): WarningResponse | undefined {
  const r = warningResponse(plan.profile, w.colour);
  if (!r) {
    return undefined;
  }
  return {
    colour: w.colour,
    activatedBy: resolve(plan, r.activatedBy, w),
    coordinates: resolve(plan, r.coordinates, w),
    directedBy: resolve(plan, r.directedBy, w),
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
export function filingDuties(plan: PlanData, w: WarningFacts) {
  const rule = warningAuthority(plan.profile, w.origin, w.colour, "file");
  if (!rule) {
    return [];
  }
  return resolve(plan, rule.to ?? [], w).map((to) => ({
    by: partyLabels(plan, rule.by).join("或"),
    to,
    source: rule.source,
  }));
}

/**
 * Orange/red own warnings that may affect areas outside the district: report to the city and
 * notify those areas (000 §3.3.1 第3项). Empty when it does not apply.
 */
export function crossAreaDuties(
  plan: PlanData,
  w: WarningFacts,
  affectsOtherAreas: boolean,
  affectedAreas: readonly string[],
): { label: string; unitIds: string[]; by: string; source: string }[] {
  const rule = plan.profile.warnings.crossArea;
  if (!rule || !affectsOtherAreas || rule.origin !== w.origin || !rule.colours.includes(w.colour)) {
    return [];
  }
  const by = partyLabels(plan, rule.by).join("或");
  return rule.to.flatMap((p) => {
    if (p.scope === "affected_areas") {
      return affectedAreas.map((a) => ({ label: a, unitIds: [], by, source: rule.source }));
    }
    const [resolved] = resolve(plan, [p], w);
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
