import { type Kysely, sql } from "kysely";

/**
 * The deadline sweep (issue 4 §3) turns pending rows overdue by the thousand. One index on
 * (state, due_at) made every turn delete an entry and insert another in the same tree; partial
 * indexes hold only what each reader looks for — pending rows by due time for the sweep, overdue rows
 * for the duty desk's list — and met or cancelled rows leave both. (SQLite re-plans a statement for the
 * bound state value, so parameterised queries still read them; deadlineIndexes.test.ts checks.)
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("incident_deadlines_due").execute();
  await db.schema
    .createIndex("incident_deadlines_pending")
    .on("incident_deadlines")
    .column("due_at")
    .where(sql.ref("state"), "=", sql.lit("pending"))
    .execute();
  await db.schema
    .createIndex("incident_deadlines_overdue")
    .on("incident_deadlines")
    .columns(["due_at", "id"])
    .where(sql.ref("state"), "=", sql.lit("overdue"))
    .execute();
}
