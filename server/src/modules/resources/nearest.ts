/** The map's points and nearest-K search over the spatial index (rules.ts nearestStep). */
import type { GeoKind } from "../../../../shared/resources.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { distanceMeters, type LatLng } from "../geo/index.js";
import * as repo from "./repository.js";
import { bboxAround, nearestStep } from "./rules.js";

// ---------------------------------------------------------------------------------------------
// map and nearest-K
// ---------------------------------------------------------------------------------------------

export function presentPoint(g: repo.GeoRow) {
  return {
    kind: g.kind as GeoKind,
    id: g.ref_id,
    name: g.name,
    lat: Number(g.lat),
    lng: Number(g.lng),
    category: g.category,
    status: g.status,
    tags: g.tags.split("|").filter((t) => t !== ""),
    ownerUnitId: g.owner_unit_id,
    ownerUnitName: g.owner_unit_name,
  };
}

/** Small first box: in a dense district the 10 nearest are usually within a few hundred metres. */
const FIRST_RADIUS_M = 250;
const MAX_RADIUS_M = 200_000;

/**
 * Nearest K resources from a point through the spatial index: expanding boxes until the K-th
 * candidate is inside the searched radius (rules.ts nearestStep), so the answer is exact.
 */
export async function nearest(
  db: Db,
  ctx: Pick<AppContext, "dialect">,
  from: LatLng,
  k: number,
  filter: repo.GeoFilter,
) {
  let radius = FIRST_RADIUS_M;
  for (;;) {
    const exhaustive = radius >= MAX_RADIUS_M;
    // Candidates without the owner join; names are looked up for the K answers only.
    const box = exhaustive ? null : bboxAround(from, radius);
    const candidates = await repo.geoInBox(db, ctx.dialect, box, filter, undefined, false);
    const points = candidates.map((c) => ({ ...c, lat: Number(c.lat), lng: Number(c.lng) }));
    const step = nearestStep(from, points, k, radius, exhaustive);
    if (step.done) {
      const owners = [
        ...new Set(step.result.map((r) => r.item.owner_unit_id).filter((id): id is string => id !== null)),
      ];
      const names = await repo.unitShortNames(db, owners);
      return step.result.map((r) => {
        const owner = r.item.owner_unit_id;
        const item = { ...r.item, owner_unit_name: owner ? (names.get(owner) ?? null) : null };
        return { ...presentPoint(item), distanceM: Math.round(r.distanceM) };
      });
    }
    radius = Math.min(step.nextRadiusM, MAX_RADIUS_M);
  }
}

/** Nearest K by reading every matching row (no index): the benchmark's baseline. */
export async function nearestLinear(db: Db, from: LatLng, k: number, filter: repo.GeoFilter) {
  const rows = await repo.geoAll(db, filter);
  return rows
    .map((r) => ({ r, d: distanceMeters(from, { lat: Number(r.lat), lng: Number(r.lng) }) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map(({ r, d }) => ({ ...presentPoint(r), distanceM: Math.round(d) }));
}
