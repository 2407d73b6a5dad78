import { type Kysely, sql } from "kysely";

/**
 * Intake at scale (issue 4 §Performance): the two reads every registration makes must not grow with
 * the number of incidents on record.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // The duplicate check by place: open incidents of one subtype in one street within a time window.
  await db.schema
    .createIndex("incidents_open_street")
    .on("incidents")
    .columns(["subtype_id", "status", "street_code", "occurred_at"])
    .execute();
  // Duplicates merged into an incident (its detail lists them). Few rows are ever merged, so the index
  // holds only those.
  await db.schema
    .createIndex("incidents_merged_into")
    .on("incidents")
    .column("merged_into")
    .where(sql.ref("merged_into"), "is not", null)
    .execute();
}
