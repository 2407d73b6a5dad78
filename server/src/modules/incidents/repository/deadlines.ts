/** SQL of the deadline rows. */
import { sql } from "kysely";
import type { Db, Dialect } from "../../../db/index.js";
import { preparedInsert } from "../../../db/prepared.js";
import type { IncidentDeadlineTable } from "../tables.js";
import { codec, decodeDeadline, type IncidentDeadline } from "./codecs.js";

// ---------------------------------------------------------------------------------------------
// deadlines
// ---------------------------------------------------------------------------------------------

/** Inserts stored rows (door: the bench seeds deadlines through it). */
export const insertDeadlines = preparedInsert<IncidentDeadlineTable>((db, rows) =>
  db.insertInto("incident_deadlines").values(rows),
);

export function addDeadlines(trx: Db, rows: readonly IncidentDeadline[]): Promise<void> {
  return insertDeadlines(
    trx,
    rows.map((r) => ({ ...r, recipients: codec.recipients.encode(r.recipients) })),
  );
}

export async function readDeadlines(db: Db, incidentIds: string[]): Promise<IncidentDeadline[]> {
  return (await deadlinesOf(db, incidentIds)).map(decodeDeadline);
}

/** Stored rows, JSON as text (door). */
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

export async function listDeadlines(db: Db, f: DeadlineFilter) {
  return (await deadlinesQuery(db, f).execute()).map(decodeDeadline);
}

/** The query of listDeadlines, unexecuted (its plan is tested). */
export function deadlinesQuery(db: Db, f: DeadlineFilter) {
  return db
    .selectFrom("incident_deadlines as d")
    .innerJoin("incidents as i", "i.id", "d.incident_id")
    .selectAll("d")
    .select(["i.number as incident_number", "i.title as incident_title"])
    .$if(f.state !== undefined, (q) => q.where("d.state", "=", f.state ?? ""))
    .$if(f.incidentId !== undefined, (q) => q.where("d.incident_id", "=", f.incidentId ?? ""))
    .$if(f.after !== undefined, (q) => {
      const [at, id] = f.after ?? ["", ""];
      return q.where((eb) => eb(eb.refTuple("d.due_at", "d.id"), ">", eb.tuple(at, id)));
    })
    .orderBy("d.due_at")
    .orderBy("d.id")
    .limit(f.limit + 1);
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
 * Holds an open row for a leader's approval of the report that would meet it (000 §4.1 报请…批准后);
 * a later report replaces the one waiting. Returns whether the row was open and not yet approved.
 */
export async function awaitApproval(trx: Db, id: string, reportId: string, at: string): Promise<boolean> {
  const result = await trx
    .updateTable("incident_deadlines")
    .set({ approval_report_id: reportId, approval_requested_at: at })
    .where("id", "=", id)
    .where("state", "in", ["pending", "overdue"])
    .where("approved_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records the approval and meets the row with the approved report; conditional like markDeadlineMet. */
export async function approveAndMeet(
  trx: Db,
  id: string,
  approval: { at: string; by: string; byName: string; lateMinutes: number },
): Promise<boolean> {
  const result = await trx
    .updateTable("incident_deadlines")
    .set((eb) => ({
      state: "met",
      met_at: approval.at,
      met_by: eb.ref("approval_report_id"),
      late_minutes: approval.lateMinutes,
      approved_at: approval.at,
      approved_by: approval.by,
      approved_by_name: approval.byName,
    }))
    .where("id", "=", id)
    .where("state", "in", ["pending", "overdue"])
    .where("approval_report_id", "is not", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Claims pending rows that are due: a conditional UPDATE (… where state = 'pending'), and on
 * PostgreSQL the candidate rows are locked with SKIP LOCKED, so with several instances exactly one
 * of them marks and escalates each row. SQLite has one writer; there the rows are named by rowid,
 * which skips a lookup through the text primary key per row (half the time when 100,000 fall due).
 */
export function claimDueDeadlines(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  return claimQuery(trx, dialect, nowIso, limit).execute();
}

/** The query of claimDueDeadlines, unexecuted (its plan is tested). */
export function claimQuery(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  const due = trx
    .selectFrom("incident_deadlines")
    .where("state", "=", "pending")
    .where("due_at", "<=", nowIso)
    .orderBy("due_at")
    .limit(limit);
  const claim = trx
    .updateTable("incident_deadlines")
    .set({ state: "overdue", overdue_at: nowIso, escalated_at: nowIso })
    .where("state", "=", "pending");
  return (
    dialect === "postgres"
      ? claim.where("id", "in", due.select("id").forUpdate().skipLocked())
      : claim.where(sql<number>`rowid`, "in", due.select(sql<number>`rowid`.as("rowid")))
  ).returning(["id", "incident_id", "kind", "name", "due_at"]);
}
