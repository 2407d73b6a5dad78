/** Mapping between warnings and CAP 1.2 (severity, urgency, category) and GB/T 35965.1 identifiers. */
import { beijingIso } from "../../../../../shared/beijingTime.js";
import type { PlanProfile, WarningColour } from "../../../../../shared/plan/schema.js";
import type { OrgFile } from "../../org/index.js";
import { findSubtype } from "../../plans/index.js";

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
