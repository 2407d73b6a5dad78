import type { Party } from "../../../../shared/plan/schema.js";
import { ROLE_LABELS, type Role } from "../../../../shared/roles.js";
import type { UnitRef } from "./planTypes.js";

/** Short Chinese names of profile scopes, for people reading the plan (the profile's labels win). */
const SCOPE_LABELS: Record<string, string> = {
  any: "",
  own_unit: "本单位",
  lead_department: "主责部门",
  cooperating_department: "协作部门",
  hq: "专项应急指挥部",
  hq_office: "专项指挥部办公室",
  responsible_unit: "专项指挥部办公室或主责部门",
  related_department: "相关部门",
  emergency_office: "区应急办",
  committee: "区应急委",
  in_charge_of_category: "分管",
  street_in_area: "属地街道（乡）",
  key_area_in_area: "属地重点地区",
  incident_unit: "事发单位",
  activating_unit: "启动响应的单位",
  participating_units: "参与处置单位",
  affected_areas: "可能受影响地区",
};

/** How a party of the profile reads in a table: its own label, else unit/scope + role. */
export function partyLabel(party: Party, units: Record<string, UnitRef>): string {
  if (party.label) {
    return party.label;
  }
  const unit = party.unit ? (units[party.unit]?.short ?? units[party.unit]?.name ?? party.unit) : "";
  const scope = party.scope ? (SCOPE_LABELS[party.scope] ?? party.scope) : "";
  const role = party.role ? ROLE_LABELS[party.role as Role] : "";
  return [unit, scope, role].filter(Boolean).join(" ") || "—";
}

export function partiesLabel(parties: readonly Party[] | undefined, units: Record<string, UnitRef>): string {
  return parties && parties.length > 0 ? parties.map((p) => partyLabel(p, units)).join("；") : "—";
}
