/** SQL of stock lines and their ledger. */
import { sql } from "kysely";
import type { Db } from "../../../db/index.js";
import type { StockMovementTable, StockTable } from "../tables.js";
import { contains } from "./common.js";

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
export async function updateStockLine(
  db: Db,
  id: string,
  set: { expiry_date?: string | null; reserve_mode?: string; updated_at: string },
): Promise<void> {
  await db.updateTable("res_stock").set(set).where("id", "=", id).execute();
}

export async function deleteStockLine(db: Db, id: string): Promise<void> {
  await db.deleteFrom("res_stock").where("id", "=", id).execute();
}
