import type { Kysely } from "kysely";

/**
 * 000 §4.1 "区应急办对于接报的各类突发事件信息，在报请区应急委相关领导批准后，按规定及时向市应急办报告": a
 * report to the city waits for a leader's approval before it counts as sent. The deadline row keeps
 * the report awaiting approval and who approved it when.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("incident_deadlines").addColumn("approval_report_id", "varchar(36)").execute();
  await db.schema.alterTable("incident_deadlines").addColumn("approval_requested_at", "text").execute();
  await db.schema.alterTable("incident_deadlines").addColumn("approved_by", "varchar(36)").execute();
  await db.schema.alterTable("incident_deadlines").addColumn("approved_by_name", "text").execute();
  await db.schema.alterTable("incident_deadlines").addColumn("approved_at", "text").execute();
}
