import type { Kysely } from "kysely";

/**
 * Plan fidelity of the response (issue 13): the city department's announcement that ends a 较大以上
 * response (000 §4.9), how a committee decision was approved and the meeting behind it (000 §4.3.2),
 * and the hand-over of an event to the city or Party leading bodies (000 §4.3.4).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds one column per statement.
  const columns: [string, string, "varchar(64)" | "varchar(32)" | "varchar(16)" | "text"][] = [
    ["responses", "end_announced_by_unit_id", "varchar(64)"],
    ["responses", "end_announced_at", "varchar(32)"],
    ["responses", "end_doc_no", "text"],
    ["response_decisions", "approval", "varchar(16)"],
    ["response_decisions", "meeting_at", "varchar(32)"],
    ["response_decisions", "meeting_attendees", "text"],
    ["response_decisions", "meeting_minutes", "text"],
  ];
  for (const [table, column, type] of columns) {
    await db.schema.alterTable(table).addColumn(column, type).execute();
  }

  await db.schema
    .createTable("response_handovers")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("rule_id", "varchar(64)", (c) => c.notNull())
    .addColumn("to_body", "text", (c) => c.notNull())
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("by_id", "varchar(36)")
    .addColumn("by_name", "text", (c) => c.notNull())
    .addColumn("note", "text")
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("response_handovers_incident")
    .on("response_handovers")
    .columns(["incident_id", "at"])
    .execute();
}
