/** SQL of reports and leaders' instructions, and the detail view's parts. */
import { sql } from "kysely";
import type { Db } from "../../../db/index.js";
import type { IncidentReportTable } from "../tables.js";
import {
  codec,
  decodeInstruction,
  decodeReport,
  type IncidentDeadline,
  type IncidentEvent,
  type IncidentInstruction,
  type IncidentReport,
} from "./codecs.js";
import { readDeadlines } from "./deadlines.js";
import { incidentsMergedInto } from "./incidents.js";
import { readEvents } from "./timeline.js";

// ---------------------------------------------------------------------------------------------
// reports and instructions
// ---------------------------------------------------------------------------------------------

export async function insertReport(trx: Db, r: IncidentReport): Promise<void> {
  await trx
    .insertInto("incident_reports")
    .values({
      ...r,
      fields: codec.reportFields.encode(r.fields),
      addressees: codec.addressees.encode(r.addressees),
      met_deadlines: codec.metDeadlines.encode(r.met_deadlines),
    })
    .execute();
}

export async function readReports(db: Db, incidentIds: string[]): Promise<IncidentReport[]> {
  return (await reportsOf(db, incidentIds)).map(decodeReport);
}

/** Stored rows, JSON as text (door). */

export function reportsOf(db: Db, incidentIds: string[]): Promise<IncidentReportTable[]> {
  if (incidentIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("incident_reports")
    .selectAll()
    .where("incident_id", "in", incidentIds)
    .orderBy("filed_at")
    .orderBy("seq")
    .execute();
}

export async function findReport(
  db: Db,
  incidentId: string,
  reportId: string,
): Promise<IncidentReport | undefined> {
  const row = await db
    .selectFrom("incident_reports")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("id", "=", reportId)
    .executeTakeFirst();
  return row ? decodeReport(row) : undefined;
}

export async function reportCount(
  db: Db,
  incidentId: string,
): Promise<{ count: number; lastAt: string | null }> {
  const row = await db
    .selectFrom("incident_reports")
    .select([sql<number>`count(*)`.as("n"), sql<string | null>`max(filed_at)`.as("last_at")])
    .where("incident_id", "=", incidentId)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), lastAt: row.last_at };
}

export async function hasReportOfKind(db: Db, incidentId: string, kind: string): Promise<boolean> {
  const row = await db
    .selectFrom("incident_reports")
    .select("id")
    .where("incident_id", "=", incidentId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertInstruction(trx: Db, r: IncidentInstruction): Promise<void> {
  await trx
    .insertInto("incident_instructions")
    .values({ ...r, relay_to: codec.relayTo.encode(r.relay_to), feedback: codec.feedback.encode(r.feedback) })
    .execute();
}

export async function instructionsOf(db: Db, incidentId: string): Promise<IncidentInstruction[]> {
  const rows = await db
    .selectFrom("incident_instructions")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("instructed_at")
    .execute();
  return rows.map(decodeInstruction);
}

/** The units each incident's instructions were relayed to (one list per instruction). */
export async function instructionRelays(db: Db, incidentIds: string[]): Promise<Map<string, string[][]>> {
  const relays = new Map<string, string[][]>();
  if (incidentIds.length === 0) {
    return relays;
  }
  const rows = await db
    .selectFrom("incident_instructions")
    .select(["incident_id", "relay_to"])
    .where("incident_id", "in", incidentIds)
    .execute();
  for (const r of rows) {
    relays.set(r.incident_id, [...(relays.get(r.incident_id) ?? []), codec.relayTo.decode(r.relay_to)]);
  }
  return relays;
}

export async function findInstruction(
  db: Db,
  incidentId: string,
  id: string,
): Promise<IncidentInstruction | undefined> {
  const row = await db
    .selectFrom("incident_instructions")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? decodeInstruction(row) : undefined;
}

export async function setInstructionFeedback(
  trx: Db,
  id: string,
  feedback: IncidentInstruction["feedback"],
): Promise<void> {
  await trx
    .updateTable("incident_instructions")
    .set({ feedback: codec.feedback.encode(feedback) })
    .where("id", "=", id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// the detail view's parts
// ---------------------------------------------------------------------------------------------

/** What the detail view shows besides the incident row. */
export interface IncidentParts {
  deadlines: IncidentDeadline[];
  events: IncidentEvent[];
  /** Its own reports and those of the duplicates merged into it. */
  reports: IncidentReport[];
  instructions: IncidentInstruction[];
  merged: { id: string; number: string; title: string }[];
}

export async function loadParts(db: Db, id: string): Promise<IncidentParts> {
  const merged = await incidentsMergedInto(db, id);
  const [deadlines, events, reports, instructions] = await Promise.all([
    readDeadlines(db, [id]),
    readEvents(db, [id]),
    readReports(db, [id, ...merged.map((m) => m.id)]),
    instructionsOf(db, id),
  ]);
  return { deadlines, events, reports, instructions, merged };
}
