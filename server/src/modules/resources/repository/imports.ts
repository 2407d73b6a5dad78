/** SQL of import jobs and of the reference data rows are checked against. */
import { type Static, Type } from "typebox";
import type { Db } from "../../../db/index.js";
import { jsonColumn } from "../../../db/json.js";
import type { ImportJobTable } from "../tables.js";

const RowErrorSchema = Type.Object({
  row: Type.Number(),
  column: Type.String(),
  field: Type.String(),
  value: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
});
/** One problem of an imported row: its row number, column and why. */
export type RowError = Static<typeof RowErrorSchema>;
const errorsColumn = jsonColumn("res_import_jobs.errors", Type.Array(RowErrorSchema));

/** An import job as services see it: the errors decoded. */
export type ImportJob = Omit<ImportJobTable, "errors"> & { errors: RowError[] };

// ---------------------------------------------------------------------------------------------
// import jobs
// ---------------------------------------------------------------------------------------------

export async function insertImportJob(db: Db, row: ImportJob): Promise<void> {
  await db
    .insertInto("res_import_jobs")
    .values({ ...row, errors: errorsColumn.encode(row.errors) })
    .execute();
}

export async function updateImportJob(db: Db, id: string, set: Partial<ImportJob>): Promise<void> {
  const { errors, ...rest } = set;
  await db
    .updateTable("res_import_jobs")
    .set({ ...rest, ...(errors !== undefined ? { errors: errorsColumn.encode(errors) } : {}) })
    .where("id", "=", id)
    .execute();
}

export async function findImportJob(db: Db, id: string): Promise<ImportJob | undefined> {
  const row = await db.selectFrom("res_import_jobs").selectAll().where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : { ...row, errors: errorsColumn.decode(row.errors) };
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
