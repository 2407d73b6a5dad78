/** All SQL of the incidents module (STYLE: no SQL outside repositories). Accepts the db or a transaction. */
import { sql } from "kysely";
import type { Db, Dialect } from "../../db/index.js";
import type {
  IncidentDeadlineTable,
  IncidentEventTable,
  IncidentInstructionTable,
  IncidentReportTable,
  IncidentTable,
} from "./tables.js";

const CHUNK = 500;

/**
 * Takes the next number of a prefix and year. The counter row is locked by the upsert until the
 * transaction ends (PostgreSQL row lock; SQLite serialises writers), and a rollback gives the number
 * back, so numbers are gap-free and unique under concurrency on both dialects.
 */
export async function nextSequence(trx: Db, prefix: string, year: number): Promise<number> {
  const row = await trx
    .insertInto("incident_sequences")
    .values({ prefix, year, last: 1 })
    .onConflict((oc) =>
      oc.columns(["prefix", "year"]).doUpdateSet({ last: sql<number>`incident_sequences.last + 1` }),
    )
    .returning("last")
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

export async function insertIncident(trx: Db, row: IncidentTable): Promise<void> {
  await trx.insertInto("incidents").values(row).execute();
}

export async function updateIncident(
  trx: Db,
  id: string,
  set: Partial<Omit<IncidentTable, "id" | "number">>,
): Promise<void> {
  await trx.updateTable("incidents").set(set).where("id", "=", id).execute();
}

export function findIncident(db: Db, id: string): Promise<IncidentTable | undefined> {
  return db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findIncidentsByIds(db: Db, ids: string[]): Promise<IncidentTable[]> {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return db.selectFrom("incidents").selectAll().where("id", "in", ids).execute();
}

export interface IncidentFilter {
  status?: string | undefined;
  level?: string | undefined;
  subtype?: string | undefined;
  /** A division code; matches the incident's division or its street. */
  division?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset: [received_at, id] of the last row of the previous page (newest first). */
  before?: [string, string] | undefined;
  limit: number;
}

/** Newest received first; limit+1 rows so the caller can tell whether there is a next page. */
export function listIncidents(db: Db, f: IncidentFilter): Promise<IncidentTable[]> {
  return db
    .selectFrom("incidents")
    .selectAll()
    .$if(f.status !== undefined, (q) => q.where("status", "=", f.status ?? ""))
    .$if(f.level !== undefined, (q) => q.where("level", "=", f.level ?? ""))
    .$if(f.subtype !== undefined, (q) => q.where("subtype_id", "=", f.subtype ?? ""))
    .$if(f.division !== undefined, (q) =>
      q.where((eb) =>
        eb.or([eb("division_code", "=", f.division ?? ""), eb("street_code", "=", f.division ?? "")]),
      ),
    )
    .$if(f.from !== undefined, (q) => q.where("received_at", ">=", f.from ?? ""))
    .$if(f.to !== undefined, (q) => q.where("received_at", "<", f.to ?? ""))
    .$if(f.before !== undefined, (q) => {
      const [at, id] = f.before ?? ["", ""];
      return q.where((eb) =>
        eb.or([eb("received_at", "<", at), eb.and([eb("received_at", "=", at), eb("id", "<", id)])]),
      );
    })
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(f.limit + 1)
    .execute();
}

/** Where a new incident is, for narrowing the duplicate check in SQL (the rule re-checks exactly). */
export interface NearProbe {
  /** [minLat, minLng, maxLat, maxLng] around the reported point. */
  box?: [number, number, number, number] | undefined;
  /** The street of the reported division (a division's incidents are all in its street). */
  streetCode?: string | undefined;
}

/**
 * Open incidents of a subtype that occurred in the window and could be near: inside the box around
 * the point, or in the same street. A superset of possibleDuplicates' matches. One indexed branch per
 * kind of place, so the cost follows the neighbours, not the incidents on record.
 */
export async function openIncidentsNear(
  db: Db,
  subtypeId: string,
  from: string,
  to: string,
  near: NearProbe,
) {
  const candidates = () =>
    db
      .selectFrom("incidents")
      .select(["id", "number", "subtype_id", "occurred_at", "lat", "lng", "division_code", "street_code"])
      .where("subtype_id", "=", subtypeId)
      .where("status", "=", "open")
      .where("occurred_at", ">=", from)
      .where("occurred_at", "<=", to);
  const branches = [];
  if (near.streetCode) {
    branches.push(candidates().where("street_code", "=", near.streetCode));
  }
  if (near.box) {
    const [minLat, minLng, maxLat, maxLng] = near.box;
    branches.push(
      candidates()
        .where("lat", ">=", minLat)
        .where("lat", "<=", maxLat)
        .where("lng", ">=", minLng)
        .where("lng", "<=", maxLng),
    );
  }
  const [first, ...rest] = branches;
  if (!first) {
    return [];
  }
  const rows = await rest
    .reduce((q, b) => q.unionAll(b), first)
    .limit(400)
    .execute();
  // An incident in the box and in the street comes once from each branch.
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

export function incidentsMergedInto(db: Db, id: string) {
  return db
    .selectFrom("incidents")
    .select(["id", "number", "title"])
    .where("merged_into", "=", id)
    .orderBy("received_at")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// deadlines
// ---------------------------------------------------------------------------------------------

export async function insertDeadlines(trx: Db, rows: IncidentDeadlineTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("incident_deadlines")
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export function deadlinesOf(db: Db, incidentIds: string[]): Promise<IncidentDeadlineTable[]> {
  if (incidentIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom("incident_deadlines")
    .selectAll()
    .where("incident_id", "in", incidentIds)
    .orderBy("due_at")
    .orderBy("id")
    .execute();
}

export interface DeadlineFilter {
  state?: string | undefined;
  incidentId?: string | undefined;
  /** Keyset: [due_at, id] of the last row of the previous page (soonest first). */
  after?: [string, string] | undefined;
  limit: number;
}

export function listDeadlines(db: Db, f: DeadlineFilter) {
  return db
    .selectFrom("incident_deadlines as d")
    .innerJoin("incidents as i", "i.id", "d.incident_id")
    .selectAll("d")
    .select(["i.number as incident_number", "i.title as incident_title"])
    .$if(f.state !== undefined, (q) => q.where("d.state", "=", f.state ?? ""))
    .$if(f.incidentId !== undefined, (q) => q.where("d.incident_id", "=", f.incidentId ?? ""))
    .$if(f.after !== undefined, (q) => {
      const [at, id] = f.after ?? ["", ""];
      return q.where((eb) =>
        eb.or([eb("d.due_at", ">", at), eb.and([eb("d.due_at", "=", at), eb("d.id", ">", id)])]),
      );
    })
    .orderBy("d.due_at")
    .orderBy("d.id")
    .limit(f.limit + 1)
    .execute();
}

/** Cancels pending rows only (overdue and met rows are history). Returns the ids cancelled. */
export async function cancelDeadlines(trx: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) {
    return [];
  }
  const rows = await trx
    .updateTable("incident_deadlines")
    .set({ state: "cancelled" })
    .where("id", "in", ids)
    .where("state", "=", "pending")
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Marks an open (pending or overdue) row met; conditional, so two reports cannot both meet it. */
export async function markDeadlineMet(
  trx: Db,
  id: string,
  metAt: string,
  metBy: string,
  lateMinutes: number,
): Promise<boolean> {
  const result = await trx
    .updateTable("incident_deadlines")
    .set({ state: "met", met_at: metAt, met_by: metBy, late_minutes: lateMinutes })
    .where("id", "=", id)
    .where("state", "in", ["pending", "overdue"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Claims pending rows that are due: a conditional UPDATE (… where state = 'pending'), and on
 * PostgreSQL the candidate rows are locked with SKIP LOCKED, so with several instances exactly one
 * of them marks and escalates each row.
 */
export function claimDueDeadlines(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  const due = trx
    .selectFrom("incident_deadlines")
    .select("id")
    .where("state", "=", "pending")
    .where("due_at", "<=", nowIso)
    .orderBy("due_at")
    .limit(limit);
  return trx
    .updateTable("incident_deadlines")
    .set({ state: "overdue", overdue_at: nowIso, escalated_at: nowIso })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .where("state", "=", "pending")
    .returningAll()
    .execute();
}

// ---------------------------------------------------------------------------------------------
// timeline
// ---------------------------------------------------------------------------------------------

export async function insertEvents(trx: Db, rows: IncidentEventTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("incident_events")
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
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

// ---------------------------------------------------------------------------------------------
// reports and instructions
// ---------------------------------------------------------------------------------------------

export async function insertReport(trx: Db, row: IncidentReportTable): Promise<void> {
  await trx.insertInto("incident_reports").values(row).execute();
}

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

export function findReport(db: Db, incidentId: string, reportId: string) {
  return db
    .selectFrom("incident_reports")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("id", "=", reportId)
    .executeTakeFirst();
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

export async function insertInstruction(trx: Db, row: IncidentInstructionTable): Promise<void> {
  await trx.insertInto("incident_instructions").values(row).execute();
}

export function instructionsOf(db: Db, incidentId: string): Promise<IncidentInstructionTable[]> {
  return db
    .selectFrom("incident_instructions")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("instructed_at")
    .execute();
}

export function findInstruction(db: Db, incidentId: string, id: string) {
  return db
    .selectFrom("incident_instructions")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function setInstructionFeedback(trx: Db, id: string, feedback: string): Promise<void> {
  await trx.updateTable("incident_instructions").set({ feedback }).where("id", "=", id).execute();
}
