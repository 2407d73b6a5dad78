import type { Kysely } from "kysely";

/**
 * Plan fidelity of the response (issue 13): the city department's announcement that ends a 较大以上
 * response (000 §4.9): who announced it (an external org unit), when, and its document number.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds one column per statement.
  const columns: [string, string, "varchar(64)" | "varchar(32)" | "text"][] = [
    ["responses", "end_announced_by_unit_id", "varchar(64)"],
    ["responses", "end_announced_at", "varchar(32)"],
    ["responses", "end_doc_no", "text"],
  ];
  for (const [table, column, type] of columns) {
    await db.schema.alterTable(table).addColumn(column, type).execute();
  }
}
