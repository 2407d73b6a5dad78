/** SQL of the spatial index: res_geo + R*Tree (SQLite) / GiST over point(lng, lat) (PostgreSQL). */
import { sql } from "kysely";
import type { Db, Dialect } from "../../../db/index.js";
import type { BBox } from "../rules.js";
import type { GeoTable } from "../tables.js";
import { contains } from "./common.js";

// ---------------------------------------------------------------------------------------------
// spatial index: res_geo + R*Tree (SQLite) / GiST over point(lng, lat) (PostgreSQL)
// ---------------------------------------------------------------------------------------------

export type GeoPoint = Omit<GeoTable, "rid">;
export type GeoRow = Omit<GeoTable, "rid"> & { rid: number; owner_unit_name: string | null };

/** Puts a resource on the map (or moves it); removes it when it has no coordinates. */
export async function putGeo(
  db: Db,
  dialect: Dialect,
  p: GeoPoint | { kind: string; ref_id: string; lat: null },
) {
  const existing = await db
    .selectFrom("res_geo")
    .select("rid")
    .where("kind", "=", p.kind)
    .where("ref_id", "=", p.ref_id)
    .executeTakeFirst();
  if (p.lat === null) {
    if (existing) {
      await removeGeoRow(db, dialect, existing.rid);
    }
    return;
  }
  const point = p as GeoPoint;
  if (existing) {
    await db.updateTable("res_geo").set(point).where("rid", "=", existing.rid).execute();
    if (dialect === "sqlite") {
      await sql`update res_geo_rtree set min_lng = ${point.lng}, max_lng = ${point.lng}, min_lat = ${point.lat}, max_lat = ${point.lat} where id = ${existing.rid}`.execute(
        db,
      );
    }
    return;
  }
  await insertGeo(db, dialect, [point]);
}

/** Inserts many points (imports, seeding). */
export async function insertGeo(db: Db, dialect: Dialect, points: GeoPoint[]): Promise<void> {
  for (let i = 0; i < points.length; i += 2000) {
    const chunk = points.slice(i, i + 2000);
    if (chunk.length === 0) {
      continue;
    }
    const inserted = await db.insertInto("res_geo").values(chunk).returning(["rid", "lat", "lng"]).execute();
    if (dialect === "sqlite") {
      for (let j = 0; j < inserted.length; j += 5000) {
        const rows = inserted.slice(j, j + 5000);
        await sql`insert into res_geo_rtree (id, min_lng, max_lng, min_lat, max_lat) values ${sql.join(
          rows.map((r) => sql`(${r.rid}, ${r.lng}, ${r.lng}, ${r.lat}, ${r.lat})`),
        )}`.execute(db);
      }
    }
  }
}

async function removeGeoRow(db: Db, dialect: Dialect, rid: number): Promise<void> {
  if (dialect === "sqlite") {
    await sql`delete from res_geo_rtree where id = ${rid}`.execute(db);
  }
  await db.deleteFrom("res_geo").where("rid", "=", rid).execute();
}

export async function removeGeo(db: Db, dialect: Dialect, kind: string, refId: string): Promise<void> {
  const existing = await db
    .selectFrom("res_geo")
    .select("rid")
    .where("kind", "=", kind)
    .where("ref_id", "=", refId)
    .executeTakeFirst();
  if (existing) {
    await removeGeoRow(db, dialect, existing.rid);
  }
}

export async function setGeoStatus(db: Db, kind: string, refId: string, status: string): Promise<void> {
  await db
    .updateTable("res_geo")
    .set({ status })
    .where("kind", "=", kind)
    .where("ref_id", "=", refId)
    .execute();
}

export interface GeoFilter {
  kinds?: string[] | undefined;
  category?: string | undefined;
  status?: string | undefined;
  tag?: string | undefined;
}

/** Points in a box through the spatial index, with the filters applied; null box = everywhere. */
export async function geoInBox(
  db: Db,
  dialect: Dialect,
  box: BBox | null,
  f: GeoFilter,
  limit?: number,
  withOwnerNames = true,
): Promise<GeoRow[]> {
  let q = withOwnerNames
    ? db
        .selectFrom("res_geo as g")
        .leftJoin("org_units as u", "u.id", "g.owner_unit_id")
        .selectAll("g")
        .select(sql<string | null>`coalesce(u.short_name, u.name)`.as("owner_unit_name"))
    : db.selectFrom("res_geo as g").selectAll("g").select(sql<string | null>`null`.as("owner_unit_name"));
  if (box) {
    if (dialect === "sqlite") {
      q = q.where(
        "g.rid",
        "in",
        sql<number>`(select id from res_geo_rtree where min_lng <= ${box.maxLng} and max_lng >= ${box.minLng} and min_lat <= ${box.maxLat} and max_lat >= ${box.minLat})`,
      );
    } else {
      q = q.where(
        sql<boolean>`point(g.lng, g.lat) <@ box(point(${box.minLng}, ${box.minLat}), point(${box.maxLng}, ${box.maxLat}))`,
      );
    }
  }
  if (f.kinds && f.kinds.length > 0) {
    q = q.where("g.kind", "in", f.kinds);
  }
  if (f.category !== undefined) {
    q = q.where("g.category", "=", f.category);
  }
  if (f.status !== undefined) {
    q = q.where("g.status", "=", f.status);
  }
  if (f.tag !== undefined) {
    q = q.where("g.tags", "like", sql<string>`${contains(`|${f.tag}|`)} escape '\\'`);
  }
  if (limit !== undefined) {
    q = q.limit(limit);
  }
  return q.execute();
}

const NAMES_TTL_MS = 60_000;
let names: { db: Db; loadedAt: number; map: Map<string, string> } | undefined;

/**
 * Short names of org units for display next to nearest-K answers. The org tree is small and changes
 * rarely, so it is read once a minute instead of joined into every spatial query (one round trip
 * less per search; a renamed unit shows its new name within a minute).
 */
export async function unitShortNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) {
    return new Map();
  }
  const now = performance.now();
  if (
    !names ||
    names.db !== db ||
    now - names.loadedAt > NAMES_TTL_MS ||
    ids.some((id) => !names?.map.has(id))
  ) {
    const rows = await db.selectFrom("org_units").select(["id", "name", "short_name"]).execute();
    names = { db, loadedAt: now, map: new Map(rows.map((r) => [r.id, r.short_name ?? r.name])) };
  }
  return names.map;
}

/** The baseline for the benchmark: every matching point, no index (a linear scan). */
export function geoAll(db: Db, f: GeoFilter): Promise<GeoRow[]> {
  let q = db.selectFrom("res_geo as g").selectAll("g").select(sql<string | null>`null`.as("owner_unit_name"));
  if (f.kinds && f.kinds.length > 0) {
    q = q.where("g.kind", "in", f.kinds);
  }
  if (f.category !== undefined) {
    q = q.where("g.category", "=", f.category);
  }
  if (f.status !== undefined) {
    q = q.where("g.status", "=", f.status);
  }
  return q.execute();
}

// ---------------------------------------------------------------------------------------------
