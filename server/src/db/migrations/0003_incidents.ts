import type { Kysely } from "kysely";

/** Duty desk and information reporting (issue 4): incidents, reports, deadlines, instructions, timeline. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // Gap-free readable numbers per prefix and year: the counter row is bumped in the registering
  // transaction, so a rolled-back registration gives its number back.
  await db.schema
    .createTable("incident_sequences")
    .addColumn("prefix", "varchar(16)", (c) => c.notNull())
    .addColumn("year", "integer", (c) => c.notNull())
    .addColumn("last", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("incident_sequences_pk", ["prefix", "year"])
    .execute();

  await db.schema
    .createTable("incidents")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("number", "varchar(32)", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("category_id", "varchar(64)", (c) => c.notNull())
    .addColumn("subtype_id", "varchar(64)", (c) => c.notNull())
    .addColumn("occurred_at", "varchar(32)", (c) => c.notNull())
    .addColumn("received_at", "varchar(32)", (c) => c.notNull())
    .addColumn("verified_at", "varchar(32)")
    .addColumn("source_channel", "varchar(32)", (c) => c.notNull())
    .addColumn("source_detail", "text")
    .addColumn("division_code", "varchar(16)")
    .addColumn("street_code", "varchar(16)")
    .addColumn("address", "text")
    .addColumn("lat", "double precision")
    .addColumn("lng", "double precision")
    .addColumn("figures", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("flags", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("level", "varchar(32)", (c) => c.notNull())
    .addColumn("level_confirmed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("level_reason", "text")
    .addColumn("lead_departments", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("cooperating_departments", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("merged_into", "varchar(36)")
    .addColumn("possible_duplicates", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("handling_ended_at", "varchar(32)")
    .addColumn("reporter_unit_id", "varchar(64)")
    .addColumn("reporter_name", "text")
    .addColumn("reporter_phone", "varchar(32)")
    .addColumn("created_by", "varchar(36)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("incidents_status")
    .on("incidents")
    .columns(["status", "received_at"])
    .execute();
  await db.schema.createIndex("incidents_received").on("incidents").columns(["received_at", "id"]).execute();
  await db.schema
    .createIndex("incidents_subtype")
    .on("incidents")
    .columns(["subtype_id", "status", "received_at"])
    .execute();
  // The duplicate check: open incidents of one subtype within a window of occurrence times.
  await db.schema
    .createIndex("incidents_open_occurred")
    .on("incidents")
    .columns(["subtype_id", "status", "occurred_at"])
    .execute();

  await db.schema
    .createTable("incident_reports")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("addressees", "text", (c) => c.notNull())
    .addColumn("met_deadlines", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("unit_id", "varchar(64)")
    .addColumn("unit_name", "text", (c) => c.notNull())
    .addColumn("filed_by", "varchar(36)")
    .addColumn("filed_by_name", "text")
    .addColumn("filed_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("incident_reports_seq", ["incident_id", "seq"])
    .execute();

  await db.schema
    .createTable("incident_instructions")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("leader", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("instructed_at", "varchar(32)", (c) => c.notNull())
    .addColumn("relay_to", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("feedback", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("recorded_by", "varchar(36)")
    .addColumn("recorded_by_name", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("incident_instructions_incident")
    .on("incident_instructions")
    .column("incident_id")
    .execute();

  await db.schema
    .createTable("incident_deadlines")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("rule_id", "varchar(64)", (c) => c.notNull())
    .addColumn("kind", "varchar(32)", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("round", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("instruction_id", "varchar(36)")
    .addColumn("due_at", "varchar(32)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("recipients", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("met_at", "varchar(32)")
    .addColumn("met_by", "varchar(36)")
    .addColumn("late_minutes", "integer")
    .addColumn("overdue_at", "varchar(32)")
    .addColumn("escalated_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  // The sweep reads pending rows by due time; the index keeps it cheap at 100,000 pending rows.
  await db.schema
    .createIndex("incident_deadlines_due")
    .on("incident_deadlines")
    .columns(["state", "due_at"])
    .execute();
  await db.schema
    .createIndex("incident_deadlines_incident")
    .on("incident_deadlines")
    .columns(["incident_id", "due_at"])
    .execute();

  await db.schema
    .createTable("incident_events")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("ord", "integer", (c) => c.notNull())
    .addColumn("type", "varchar(48)", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("actor_id", "varchar(36)")
    .addColumn("actor_name", "text")
    .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema
    .createIndex("incident_events_incident")
    .on("incident_events")
    .columns(["incident_id", "at", "ord"])
    .execute();
}
