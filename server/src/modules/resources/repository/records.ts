/**
 * SQL of the registries. Registry tables are reached through their description (registries.ts), so
 * one set of queries serves the seven registries; list columns are decoded here (one codec).
 */
import { sql } from "kysely";
import { Type } from "typebox";
import type { Db } from "../../../db/index.js";
import { jsonColumn } from "../../../db/json.js";
import type { RegistryDef } from "../registries.js";
import { contains, loose, type Row } from "./common.js";

export type { Row };

const LIST = Type.Array(Type.String());
const codecs = new Map<string, ReturnType<typeof jsonColumn<typeof LIST>>>();

/** The codec of a registry's list column (specialties, tags, facilities …). */
function listCodec(def: RegistryDef, column: string) {
  const name = `${def.table}.${column}`;
  let codec = codecs.get(name);
  if (!codec) {
    codec = jsonColumn(name, LIST);
    codecs.set(name, codec);
  }
  return codec;
}

const listColumns = (def: RegistryDef) => def.fields.filter((f) => f.type.t === "list").map((f) => f.column);

/** A stored row with its list columns decoded (services see string arrays). */
function decodeRow(def: RegistryDef, row: Row): Row {
  for (const column of listColumns(def)) {
    const text = row[column];
    row[column] = typeof text === "string" ? listCodec(def, column).decode(text) : [];
  }
  return row;
}

/** A row to store: list columns encoded. */
function encodeRow(def: RegistryDef, row: Row): Row {
  const out: Row = { ...row };
  for (const column of listColumns(def)) {
    const value = out[column];
    if (Array.isArray(value)) {
      out[column] = listCodec(def, column).encode(value.map(String));
    }
  }
  return out;
}

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
  const rows = await q
    .orderBy(sql.ref("r.code"))
    .limit(f.limit + 1)
    .execute();
  return rows.map((r) => decodeRow(def, r));
}

export async function findRecord(db: Db, def: RegistryDef, id: string): Promise<Row | undefined> {
  const row = await recordQuery(db, def).where(sql.ref("r.id"), "=", id).executeTakeFirst();
  return row === undefined ? undefined : decodeRow(def, row);
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
      .values(rows.slice(i, i + chunk).map((r) => encodeRow(def, r)))
      .execute();
  }
}

export async function updateRecord(db: Db, def: RegistryDef, id: string, set: Row): Promise<void> {
  await loose(db).updateTable(def.table).set(encodeRow(def, set)).where(sql.ref("id"), "=", id).execute();
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
// ---------------------------------------------------------------------------------------------
// references checked before a write; shelters
// ---------------------------------------------------------------------------------------------

/** A warehouse's id and owning unit (stock lines belong to their warehouse's unit). */
export function findWarehouse(db: Db, id: string) {
  return db
    .selectFrom("res_warehouses")
    .select(["id", "owner_unit_id"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function supplyExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom("res_supplies").select("id").where("id", "=", id).executeTakeFirst();
  return row !== undefined;
}

const facilitiesColumn = jsonColumn("res_shelters.facilities", LIST);

/** Open shelters in code order, facilities decoded (the public portal). */
export async function openShelters(db: Db) {
  const rows = await db
    .selectFrom("res_shelters")
    .selectAll()
    .where("status", "=", "open")
    .orderBy("code")
    .execute();
  return rows.map((r) => ({ ...r, facilities: facilitiesColumn.decode(r.facilities) }));
}

/** Opens a closed shelter (a conditional UPDATE: false when someone else opened it first). */
export async function markShelterOpen(
  db: Db,
  id: string,
  incidentId: string | null,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable("res_shelters")
    .set({ status: "open", opened_at: at, incident_id: incidentId, occupancy: 0, updated_at: at })
    .where("id", "=", id)
    .where("status", "=", "closed")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Closes an open, empty shelter (false when its state changed meanwhile). */
export async function markShelterClosed(db: Db, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable("res_shelters")
    .set({ status: "closed", updated_at: at })
    .where("id", "=", id)
    .where("status", "=", "open")
    .where("occupancy", "=", 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setShelterOccupancy(db: Db, id: string, occupancy: number, at: string): Promise<void> {
  await db.updateTable("res_shelters").set({ occupancy, updated_at: at }).where("id", "=", id).execute();
}
