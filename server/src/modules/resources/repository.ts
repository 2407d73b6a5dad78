/**
 * All SQL of the resources module. Registry tables are reached through their description
 * (registries.ts), so one set of queries serves the seven registries; stock, ledger, dispatches,
 * the spatial index and import jobs have their own queries below.
 */
import { type Kysely, sql } from "kysely";
import type { Db, Dialect } from "../../db/index.js";
import type { RegistryDef } from "./registries.js";
import type { BBox } from "./rules.js";
import type { DispatchTable, GeoTable, ImportJobTable, StockMovementTable, StockTable } from "./tables.js";

export type Row = Record<string, unknown>;
type LooseDb = Kysely<Record<string, Row>>;

/** Registry tables are chosen at run time from their description; their rows are plain records. */
const loose = (db: Db): LooseDb => db as unknown as LooseDb;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const contains = (s: string) => `%${escapeLike(s)}%`;

// ---------------------------------------------------------------------------------------------
// registries
// ---------------------------------------------------------------------------------------------

export interface RecordFilter {
  q?: string | undefined;
  ownerUnitId?: string | undefined;
  /** column → exact value */
  equals: Record<string, string>;
  /** JSON list column that must contain this value */
  tag?: { column: string; value: string } | undefined;
  afterCode?: string | undefined;
  limit: number;
}

function recordQuery(db: Db, def: RegistryDef) {
  const q = loose(db).selectFrom(`${def.table} as r`).selectAll("r");
  if (!def.owned) {
    return q.select(sql<string | null>`null`.as("owner_unit_name"));
  }
  return q
    .leftJoin("org_units as u", "u.id", "r.owner_unit_id")
    .select(sql<string>`coalesce(u.short_name, u.name, r.owner_unit_id)`.as("owner_unit_name"));
}

export async function listRecords(db: Db, def: RegistryDef, f: RecordFilter): Promise<Row[]> {
  let q = recordQuery(db, def);
  if (f.q) {
    const pattern = contains(f.q);
    const columns = ["code", "name", ...def.search];
    q = q.where((eb) =>
      eb.or(columns.map((c) => eb(sql.ref(`r.${c}`), "like", sql`${pattern} escape '\\'`))),
    );
  }
  if (f.ownerUnitId !== undefined) {
    q = q.where(sql.ref("r.owner_unit_id"), "=", f.ownerUnitId);
  }
  for (const [column, value] of Object.entries(f.equals)) {
    q = q.where(sql.ref(`r.${column}`), "=", value);
  }
  if (f.tag) {
    q = q.where(
      sql.ref(`r.${f.tag.column}`),
      "like",
      sql`${contains(JSON.stringify(f.tag.value))} escape '\\'`,
    );
  }
  if (f.afterCode !== undefined) {
    q = q.where(sql.ref("r.code"), ">", f.afterCode);
  }
  return q
    .orderBy(sql.ref("r.code"))
    .limit(f.limit + 1)
    .execute();
}

export function findRecord(db: Db, def: RegistryDef, id: string): Promise<Row | undefined> {
  return recordQuery(db, def).where(sql.ref("r.id"), "=", id).executeTakeFirst();
}

/** Existing records by code (import duplicates, upserts). */
export async function idsByCode(db: Db, def: RegistryDef, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 500) {
    const chunk = codes.slice(i, i + 500);
    if (chunk.length === 0) {
      continue;
    }
    const rows = await loose(db)
      .selectFrom(def.table)
      .select([sql<string>`id`.as("id"), sql<string>`code`.as("code")])
      .where(sql.ref("code"), "in", chunk)
      .execute();
    for (const r of rows) {
      out.set(String(r.code), String(r.id));
    }
  }
  return out;
}

export async function insertRecords(db: Db, def: RegistryDef, rows: Row[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  // Keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
  const width = Object.keys(rows[0] ?? {}).length || 1;
  const chunk = Math.max(1, Math.floor(30_000 / width));
  for (let i = 0; i < rows.length; i += chunk) {
    await loose(db)
      .insertInto(def.table)
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

export async function updateRecord(db: Db, def: RegistryDef, id: string, set: Row): Promise<void> {
  await loose(db).updateTable(def.table).set(set).where(sql.ref("id"), "=", id).execute();
}

export async function deleteRecord(db: Db, def: RegistryDef, id: string): Promise<void> {
  await loose(db).deleteFrom(def.table).where(sql.ref("id"), "=", id).execute();
}

/** Rows of one table for export (in code order), filtered like the list. */
export async function exportRecords(db: Db, def: RegistryDef, f: Omit<RecordFilter, "limit" | "afterCode">) {
  return listRecords(db, def, { ...f, limit: 1_000_000 });
}

export async function countRecords(db: Db, def: RegistryDef): Promise<number> {
  const r = await loose(db)
    .selectFrom(def.table)
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

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
// stock and ledger
// ---------------------------------------------------------------------------------------------

export type StockRow = StockTable & {
  warehouse_code: string;
  warehouse_name: string;
  owner_unit_id: string;
  owner_unit_name: string;
  supply_code: string;
  supply_name: string;
  category: string;
  unit: string;
};

function stockQuery(db: Db) {
  return db
    .selectFrom("res_stock as s")
    .innerJoin("res_warehouses as w", "w.id", "s.warehouse_id")
    .innerJoin("res_supplies as p", "p.id", "s.supply_id")
    .leftJoin("org_units as u", "u.id", "w.owner_unit_id")
    .selectAll("s")
    .select([
      "w.code as warehouse_code",
      "w.name as warehouse_name",
      "w.owner_unit_id as owner_unit_id",
      sql<string>`coalesce(u.short_name, u.name, w.owner_unit_id)`.as("owner_unit_name"),
      "p.code as supply_code",
      "p.name as supply_name",
      "p.category as category",
      "p.unit as unit",
    ]);
}

export function findStock(db: Db, id: string): Promise<StockRow | undefined> {
  return stockQuery(db).where("s.id", "=", id).executeTakeFirst();
}

export function findStockLine(db: Db, warehouseId: string, supplyId: string, batch: string) {
  return db
    .selectFrom("res_stock")
    .selectAll()
    .where("warehouse_id", "=", warehouseId)
    .where("supply_id", "=", supplyId)
    .where("batch", "=", batch)
    .executeTakeFirst();
}

export interface StockFilter {
  q?: string | undefined;
  warehouseId?: string | undefined;
  supplyId?: string | undefined;
  category?: string | undefined;
  reserveMode?: string | undefined;
  expiringBefore?: string | undefined;
  inStock?: boolean | undefined;
  after?: [string, string] | undefined;
  limit: number;
}

export function listStock(db: Db, f: StockFilter): Promise<StockRow[]> {
  let q = stockQuery(db);
  if (f.q) {
    const pattern = contains(f.q);
    q = q.where((eb) =>
      eb.or([
        eb("p.name", "like", sql<string>`${pattern} escape '\\'`),
        eb("p.code", "like", sql<string>`${pattern} escape '\\'`),
        eb("w.name", "like", sql<string>`${pattern} escape '\\'`),
        eb("s.batch", "like", sql<string>`${pattern} escape '\\'`),
      ]),
    );
  }
  if (f.warehouseId !== undefined) {
    q = q.where("s.warehouse_id", "=", f.warehouseId);
  }
  if (f.supplyId !== undefined) {
    q = q.where("s.supply_id", "=", f.supplyId);
  }
  if (f.category !== undefined) {
    q = q.where("p.category", "=", f.category);
  }
  if (f.reserveMode !== undefined) {
    q = q.where("s.reserve_mode", "=", f.reserveMode);
  }
  if (f.expiringBefore !== undefined) {
    q = q.where("s.expiry_date", "<=", f.expiringBefore);
  }
  if (f.inStock) {
    q = q.where("s.quantity", ">", 0);
  }
  if (f.after) {
    const [code, id] = f.after;
    q = q.where((eb) => eb(eb.refTuple("w.code", "s.id"), ">", eb.tuple(code, id)));
  }
  return q
    .orderBy("w.code")
    .orderBy("s.id")
    .limit(f.limit + 1)
    .execute();
}

export async function insertStock(db: Db, rows: StockTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    if (chunk.length > 0) {
      await db.insertInto("res_stock").values(chunk).execute();
    }
  }
}

/**
 * Changes a balance by `delta` only if it stays ≥ 0, in one conditional UPDATE: under concurrency
 * the database re-checks the condition on the row it locks (PostgreSQL) or serialises the writers
 * (SQLite), so two withdrawals can never both succeed against the same units. Returns the new
 * balance, or undefined when the balance was too small (or the line is gone).
 */
export async function changeStockQuantity(
  db: Db,
  stockId: string,
  delta: number,
  at: string,
): Promise<number | undefined> {
  let q = db
    .updateTable("res_stock")
    .set((eb) => ({ quantity: eb("quantity", "+", delta), updated_at: at }))
    .where("id", "=", stockId);
  if (delta < 0) {
    q = q.where("quantity", ">=", -delta);
  }
  const row = await q.returning("quantity").executeTakeFirst();
  return row === undefined ? undefined : Number(row.quantity);
}

export async function stockQuantity(db: Db, stockId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("res_stock")
    .select("quantity")
    .where("id", "=", stockId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.quantity);
}

export async function insertMovements(db: Db, rows: StockMovementTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    if (chunk.length > 0) {
      await db.insertInto("res_stock_movements").values(chunk).execute();
    }
  }
}

export type MovementRow = StockMovementTable & { warehouse_name: string; supply_name: string; unit: string };

export interface MovementFilter {
  stockId?: string | undefined;
  warehouseId?: string | undefined;
  kind?: string | undefined;
  dispatchId?: string | undefined;
  before?: [string, string] | undefined;
  limit: number;
}

export function listMovements(db: Db, f: MovementFilter): Promise<MovementRow[]> {
  let q = db
    .selectFrom("res_stock_movements as m")
    .innerJoin("res_stock as s", "s.id", "m.stock_id")
    .innerJoin("res_warehouses as w", "w.id", "s.warehouse_id")
    .innerJoin("res_supplies as p", "p.id", "s.supply_id")
    .selectAll("m")
    .select(["w.name as warehouse_name", "p.name as supply_name", "p.unit as unit"]);
  if (f.stockId !== undefined) {
    q = q.where("m.stock_id", "=", f.stockId);
  }
  if (f.warehouseId !== undefined) {
    q = q.where("s.warehouse_id", "=", f.warehouseId);
  }
  if (f.kind !== undefined) {
    q = q.where("m.kind", "=", f.kind);
  }
  if (f.dispatchId !== undefined) {
    q = q.where("m.dispatch_id", "=", f.dispatchId);
  }
  if (f.before) {
    const [at, id] = f.before;
    q = q.where((eb) => eb(eb.refTuple("m.at", "m.id"), "<", eb.tuple(at, id)));
  }
  return q
    .orderBy("m.at", "desc")
    .orderBy("m.id", "desc")
    .limit(f.limit + 1)
    .execute();
}

/** Sum of the ledger of a line: must always equal its balance (tests check this invariant). */
export async function ledgerSum(db: Db, stockId: string): Promise<number> {
  const r = await db
    .selectFrom("res_stock_movements")
    .select(sql<number>`coalesce(sum(delta), 0)`.as("n"))
    .where("stock_id", "=", stockId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many rows of a table point at a record (a registry entry in use cannot be deleted). */
export async function countReferences(
  db: Db,
  table: "res_stock" | "res_stock_movements",
  column: "warehouse_id" | "supply_id" | "stock_id",
  id: string,
): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select(sql<number>`count(*)`.as("n"))
    .where(column, "=", id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------------------------------------------------------------------------------------------
// teams and equipment moved by dispatches
// ---------------------------------------------------------------------------------------------

/** Sets a team's status only if it is currently `from` (a conditional UPDATE). */
export async function moveTeamStatus(
  db: Db,
  id: string,
  from: string[],
  to: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable("res_teams")
    .set({ status: to, updated_at: at })
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Takes `n` units of equipment out only if that many are not already out. */
export async function deployEquipment(db: Db, id: string, n: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable("res_equipment")
    .set((eb) => ({ deployed: eb("deployed", "+", n), updated_at: at }))
    .where("id", "=", id)
    .where(sql<boolean>`quantity - deployed >= ${n}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseEquipment(
  db: Db,
  id: string,
  n: number,
  lost: number,
  at: string,
): Promise<void> {
  await db
    .updateTable("res_equipment")
    .set((eb) => ({
      deployed: eb("deployed", "-", n + lost),
      quantity: eb("quantity", "-", lost),
      updated_at: at,
    }))
    .where("id", "=", id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// dispatches
// ---------------------------------------------------------------------------------------------

export type DispatchRow = DispatchTable & {
  requesting_unit_name: string;
  owning_unit_name: string;
  unit: string | null;
};

function dispatchQuery(db: Db) {
  return db
    .selectFrom("res_dispatches as d")
    .leftJoin("org_units as ru", "ru.id", "d.requesting_unit_id")
    .leftJoin("org_units as ou", "ou.id", "d.owning_unit_id")
    .leftJoin("res_stock as s", (j) =>
      j.onRef("s.id", "=", "d.resource_id").on("d.resource_type", "=", "stock"),
    )
    .leftJoin("res_supplies as p", "p.id", "s.supply_id")
    .selectAll("d")
    .select([
      sql<string>`coalesce(ru.short_name, ru.name, d.requesting_unit_id)`.as("requesting_unit_name"),
      sql<string>`coalesce(ou.short_name, ou.name, d.owning_unit_id)`.as("owning_unit_name"),
      "p.unit as unit",
    ]);
}

export function findDispatch(db: Db, id: string): Promise<DispatchRow | undefined> {
  return dispatchQuery(db).where("d.id", "=", id).executeTakeFirst();
}

export interface DispatchFilter {
  incidentId?: string | undefined;
  state?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  before?: [string, string] | undefined;
  limit: number;
}

export function listDispatches(db: Db, f: DispatchFilter): Promise<DispatchRow[]> {
  let q = dispatchQuery(db);
  if (f.incidentId !== undefined) {
    q = q.where("d.incident_id", "=", f.incidentId);
  }
  if (f.state !== undefined) {
    q = q.where("d.state", "=", f.state);
  }
  if (f.resourceType !== undefined) {
    q = q.where("d.resource_type", "=", f.resourceType);
  }
  if (f.resourceId !== undefined) {
    q = q.where("d.resource_id", "=", f.resourceId);
  }
  if (f.before) {
    const [at, id] = f.before;
    q = q.where((eb) => eb(eb.refTuple("d.created_at", "d.id"), "<", eb.tuple(at, id)));
  }
  return q
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(f.limit + 1)
    .execute();
}

export async function insertDispatch(db: Db, row: DispatchTable): Promise<void> {
  await db.insertInto("res_dispatches").values(row).execute();
}

/**
 * Moves a dispatch on only if it is still in the state the caller read (a conditional UPDATE), so
 * two people pressing the same button cannot both act. False: someone else moved it first.
 */
export async function updateDispatch(
  db: Db,
  id: string,
  fromState: string,
  set: Partial<DispatchTable>,
): Promise<boolean> {
  const r = await db
    .updateTable("res_dispatches")
    .set(set)
    .where("id", "=", id)
    .where("state", "=", fromState)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function openDispatchesOf(db: Db, resourceType: string, resourceId: string): Promise<number> {
  const r = await db
    .selectFrom("res_dispatches")
    .select(sql<number>`count(*)`.as("n"))
    .where("resource_type", "=", resourceType)
    .where("resource_id", "=", resourceId)
    .where("state", "in", ["requested", "approved", "dispatched", "arrived"])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------------------------------------------------------------------------------------------
// incidents (another module's table; checked only if it exists)
// ---------------------------------------------------------------------------------------------

/**
 * Whether an incident with this id exists: true / false, or undefined when the incidents table is
 * not there (the incidents module is built separately; until then the id is stored as given).
 */
export async function incidentExists(db: Db, dialect: Dialect, id: string): Promise<boolean | undefined> {
  const table =
    dialect === "sqlite"
      ? await sql<{
          n: string;
        }>`select name as n from sqlite_master where type = 'table' and name = 'incidents'`.execute(db)
      : await sql<{ n: string | null }>`select to_regclass('incidents')::text as n`.execute(db);
  if (!table.rows[0]?.n) {
    return undefined;
  }
  const row = await sql<{ id: string }>`select id from incidents where id = ${id}`.execute(db);
  return row.rows.length > 0;
}

/** The subtype of an incident, when the incidents table exists and has the row (else undefined). */
export async function incidentSubtype(db: Db, dialect: Dialect, id: string): Promise<string | undefined> {
  if ((await incidentExists(db, dialect, id)) !== true) {
    return undefined;
  }
  const row = await sql<Record<string, unknown>>`select * from incidents where id = ${id}`.execute(db);
  const subtype = row.rows[0]?.subtype_id;
  return typeof subtype === "string" ? subtype : undefined;
}

// ---------------------------------------------------------------------------------------------
// import jobs
// ---------------------------------------------------------------------------------------------

export async function insertImportJob(db: Db, row: ImportJobTable): Promise<void> {
  await db.insertInto("res_import_jobs").values(row).execute();
}

export async function updateImportJob(db: Db, id: string, set: Partial<ImportJobTable>): Promise<void> {
  await db.updateTable("res_import_jobs").set(set).where("id", "=", id).execute();
}

export function findImportJob(db: Db, id: string): Promise<ImportJobTable | undefined> {
  return db.selectFrom("res_import_jobs").selectAll().where("id", "=", id).executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------
// reference data for validation
// ---------------------------------------------------------------------------------------------

export function allUnits(db: Db) {
  return db.selectFrom("org_units").select(["id", "name", "short_name", "type", "division_code"]).execute();
}

export function allWarehouses(db: Db) {
  return db.selectFrom("res_warehouses").select(["id", "code", "owner_unit_id"]).execute();
}

export function allSupplies(db: Db) {
  return db.selectFrom("res_supplies").select(["id", "code", "name"]).execute();
}

/** The dispatches of an incident, oldest first (the response workspace lists them). */
export function dispatchesOfIncident(db: Db, incidentId: string) {
  return db
    .selectFrom("res_dispatches")
    .select([
      "id",
      "resource_type",
      "resource_id",
      "resource_name",
      "quantity",
      "owning_unit_id",
      "state",
      "lat",
      "lng",
      "destination",
      "dispatched_at",
      "arrived_at",
    ])
    .where("incident_id", "=", incidentId)
    .orderBy("created_at")
    .execute();
}

/** A dispatch's incident, to check a check-in names a dispatch of the same incident. */
export function dispatchIncident(db: Db, id: string) {
  return db
    .selectFrom("res_dispatches")
    .select(["id", "incident_id"])
    .where("id", "=", id)
    .executeTakeFirst();
}
