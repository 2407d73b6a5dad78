/** SQL of the timeline entries. */
import { sql } from "kysely";
import type { Db } from "../../../db/index.js";
import { preparedInsert } from "../../../db/prepared.js";
import type { IncidentEventTable } from "../tables.js";
import { codec, decodeEvent, type IncidentEvent } from "./codecs.js";

// ---------------------------------------------------------------------------------------------
// timeline
// ---------------------------------------------------------------------------------------------

const insertEventRows = preparedInsert<IncidentEventTable>((db, rows) =>
  db.insertInto("incident_events").values(rows),
);

export function insertEvents(trx: Db, rows: readonly IncidentEvent[]): Promise<void> {
  return insertEventRows(
    trx,
    rows.map((r) => ({ ...r, data: codec.eventData.encode(r.data) })),
  );
}

/** The highest `ord` of each incident's timeline. */
export function lastEventOrd(db: Db, incidentIds: string[]) {
  if (incidentIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("incident_events")
    .select(["incident_id", sql<number>`max(ord)`.as("ord")])
    .where("incident_id", "in", incidentIds)
    .groupBy("incident_id")
    .execute();
}

export async function readEvents(db: Db, incidentIds: string[]): Promise<IncidentEvent[]> {
  return (await eventsOf(db, incidentIds)).map(decodeEvent);
}

/** Stored rows, JSON as text (door). */
export function eventsOf(db: Db, incidentIds: string[]): Promise<IncidentEventTable[]> {
  if (incidentIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("incident_events")
    .selectAll()
    .where("incident_id", "in", incidentIds)
    .orderBy("ord")
    .execute();
}
