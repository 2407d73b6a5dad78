import type { Kysely } from "kysely";

/** Emergency response and on-site command (issue 7): responses, decisions, command posts, tasks, assessments. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("responses")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    // One response per incident; an upgrade or downgrade changes its level, never adds a second one.
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().unique().references("incidents.id"))
    .addColumn("level", "varchar(64)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("activated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("activated_by", "varchar(36)")
    .addColumn("activated_by_name", "text")
    .addColumn("activating_unit_id", "varchar(64)", (c) => c.notNull())
    .addColumn("special_case", "varchar(64)")
    .addColumn("mechanism", "text")
    .addColumn("end_requested_at", "varchar(32)")
    .addColumn("end_requested_by", "varchar(36)")
    .addColumn("end_requested_by_name", "text")
    .addColumn("end_request_note", "text")
    .addColumn("ended_at", "varchar(32)")
    .addColumn("ended_by", "varchar(36)")
    .addColumn("ended_by_name", "text")
    .addColumn("end_approved_by_name", "text")
    .addColumn("end_summary", "text")
    .addColumn("causes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("lessons", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("improvements", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("responses_state").on("responses").columns(["state", "activated_at"]).execute();

  await db.schema
    .createTable("response_level_changes")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("response_id", "varchar(36)", (c) => c.notNull().references("responses.id"))
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("from_level", "varchar(64)")
    .addColumn("to_level", "varchar(64)", (c) => c.notNull())
    .addColumn("grade", "varchar(32)", (c) => c.notNull())
    .addColumn("justified", "integer", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("by_id", "varchar(36)")
    .addColumn("by_name", "text")
    .addColumn("by_unit_id", "varchar(64)")
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("response_level_changes_incident")
    .on("response_level_changes")
    .columns(["incident_id", "at"])
    .execute();

  await db.schema
    .createTable("response_decisions")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("decision_type", "varchar(64)", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("trigger", "varchar(16)", (c) => c.notNull())
    .addColumn("proposed_by_unit_id", "varchar(64)")
    .addColumn("proposed_by_label", "text")
    .addColumn("meeting", "text")
    .addColumn("approved_by_id", "varchar(36)")
    .addColumn("approved_by_name", "text", (c) => c.notNull())
    .addColumn("approved_as", "text", (c) => c.notNull())
    .addColumn("decided_at", "varchar(32)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("response_decisions_incident")
    .on("response_decisions")
    .columns(["incident_id", "decided_at"])
    .execute();

  await db.schema
    .createTable("command_posts")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().unique().references("incidents.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("lat", "double precision")
    .addColumn("lng", "double precision")
    .addColumn("roles", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("contacts", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("set_up_by", "varchar(36)")
    .addColumn("set_up_by_name", "text")
    .addColumn("set_up_unit_id", "varchar(64)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addColumn("closed_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("command_groups")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("post_id", "varchar(36)", (c) => c.notNull().references("command_posts.id"))
    .addColumn("group_key", "varchar(64)", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("lead_units", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("leader_name", "text")
    .addColumn("leader_phone", "varchar(32)")
    .addColumn("members", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("duties", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("source", "text")
    .addColumn("sort", "integer", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("command_groups_key", ["post_id", "group_key"])
    .execute();

  await db.schema
    .createTable("command_handovers")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("post_id", "varchar(36)", (c) => c.notNull().references("command_posts.id"))
    .addColumn("role_id", "varchar(64)", (c) => c.notNull())
    .addColumn("from_name", "text")
    .addColumn("from_user_id", "varchar(36)")
    .addColumn("to_name", "text", (c) => c.notNull())
    .addColumn("to_user_id", "varchar(36)")
    .addColumn("note", "text")
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("recorded_by_name", "text")
    .execute();
  await db.schema
    .createIndex("command_handovers_post")
    .on("command_handovers")
    .columns(["post_id", "at"])
    .execute();

  await db.schema
    .createTable("command_checkins")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("post_id", "varchar(36)", (c) => c.notNull().references("command_posts.id"))
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("unit_id", "varchar(64)")
    .addColumn("quantity", "integer")
    .addColumn("dispatch_id", "varchar(64)")
    .addColumn("group_id", "varchar(36)")
    .addColumn("note", "text")
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("recorded_by_name", "text")
    .execute();
  await db.schema
    .createIndex("command_checkins_post")
    .on("command_checkins")
    .columns(["post_id", "at"])
    .execute();

  await db.schema
    .createTable("command_cordons")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("post_id", "varchar(36)", (c) => c.notNull().references("command_posts.id"))
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull())
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("geometry", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("created_by_name", "text")
    .addColumn("removed_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("command_cordons_post").on("command_cordons").column("post_id").execute();

  await db.schema
    .createTable("response_tasks")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("post_id", "varchar(36)")
    // Board order: 1, 2, 3 … per incident (checklist items keep the plan's numbering order).
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("detail", "text")
    .addColumn("group_id", "varchar(36)")
    .addColumn("unit_id", "varchar(64)")
    .addColumn("assignee_label", "text", (c) => c.notNull())
    .addColumn("due_at", "varchar(32)")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("measure_ref", "varchar(80)")
    .addColumn("notes", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("overdue_at", "varchar(32)")
    .addColumn("completed_at", "varchar(32)")
    .addColumn("created_by", "varchar(36)")
    .addColumn("created_by_name", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("response_tasks_incident")
    .on("response_tasks")
    .columns(["incident_id", "seq"])
    .execute();
  // The overdue sweep reads open tasks by due time.
  await db.schema
    .createIndex("response_tasks_due")
    .on("response_tasks")
    .columns(["status", "due_at"])
    .execute();

  await db.schema
    .createTable("response_assessments")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("incident_id", "varchar(36)", (c) => c.notNull().references("incidents.id"))
    .addColumn("response_id", "varchar(36)", (c) => c.notNull().references("responses.id"))
    .addColumn("rule_id", "varchar(64)", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("mandatory", "integer", (c) => c.notNull())
    .addColumn("target_at", "varchar(32)", (c) => c.notNull())
    .addColumn("hard_cap_at", "varchar(32)")
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("overdue_at", "varchar(32)")
    .addColumn("cap_overdue_at", "varchar(32)")
    .addColumn("submitted_at", "varchar(32)")
    .addColumn("submitted_by_name", "text")
    .addColumn("lead", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("recipients", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("gap", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("response_assessments_due")
    .on("response_assessments")
    .columns(["state", "target_at"])
    .execute();
}
