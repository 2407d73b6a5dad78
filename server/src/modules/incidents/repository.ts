/**
 * All SQL of the incidents module (STYLE: no SQL outside repositories). Accepts the db or a
 * transaction. JSON columns are read and written through one codec each (db/json.ts), so the module's
 * commands and presenters see typed values (`Incident`, `IncidentDeadline` …); the raw `…Table` rows
 * are what the door still hands to other modules (`findIncident`, `deadlinesOf` …).
 */
import { sql } from "kysely";
import { Type } from "typebox";
import { INCIDENT_FLAGS } from "../../../../shared/plan/schema.js";
import type { Db, Dialect } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import { type Placeholders, prepared, preparedInsert } from "../../db/prepared.js";
import { notFound } from "../../errors.js";
import type {
  IncidentDeadlineTable,
  IncidentEventTable,
  IncidentInstructionTable,
  IncidentReportTable,
  IncidentTable,
} from "./tables.js";

// ---------------------------------------------------------------------------------------------
// JSON columns
// ---------------------------------------------------------------------------------------------

const Strings = Type.Array(Type.String());
const Recipients = Type.Array(Type.Object({ label: Type.String(), units: Strings }));
const PossibleDuplicates = Type.Array(
  Type.Object({
    id: Type.String(),
    number: Type.String(),
    distanceM: Type.Union([Type.Number(), Type.Null()]),
  }),
);
const Feedback = Type.Array(
  Type.Object({
    channel: Type.String(),
    content: Type.String(),
    at: Type.String(),
    by: Type.Union([Type.String(), Type.Null()]),
  }),
);

const codec = {
  figures: jsonColumn("incidents.figures", Type.Record(Type.String(), Type.Number())),
  flags: jsonColumn("incidents.flags", Type.Array(Type.Enum(INCIDENT_FLAGS))),
  leadDepartments: jsonColumn("incidents.lead_departments", Strings),
  cooperatingDepartments: jsonColumn("incidents.cooperating_departments", Strings),
  possibleDuplicates: jsonColumn("incidents.possible_duplicates", PossibleDuplicates),
  recipients: jsonColumn("incident_deadlines.recipients", Recipients),
  eventData: jsonColumn("incident_events.data", Type.Record(Type.String(), Type.Unknown())),
  reportFields: jsonColumn("incident_reports.fields", Type.Record(Type.String(), Type.String())),
  addressees: jsonColumn("incident_reports.addressees", Strings),
  metDeadlines: jsonColumn("incident_reports.met_deadlines", Strings),
  relayTo: jsonColumn("incident_instructions.relay_to", Strings),
  feedback: jsonColumn("incident_instructions.feedback", Feedback),
};

type Decoded<Row, Json extends keyof Row, Values extends { [K in Json]: unknown }> = Omit<Row, Json> & Values;

/** An incident with its JSON columns decoded. */
export type Incident = Decoded<
  IncidentTable,
  "figures" | "flags" | "lead_departments" | "cooperating_departments" | "possible_duplicates",
  {
    figures: ReturnType<typeof codec.figures.decode>;
    flags: ReturnType<typeof codec.flags.decode>;
    lead_departments: string[];
    cooperating_departments: string[];
    possible_duplicates: ReturnType<typeof codec.possibleDuplicates.decode>;
  }
>;
export type IncidentDeadline = Decoded<
  IncidentDeadlineTable,
  "recipients",
  { recipients: ReturnType<typeof codec.recipients.decode> }
>;
export type IncidentEvent = Decoded<IncidentEventTable, "data", { data: Record<string, unknown> }>;
export type IncidentReport = Decoded<
  IncidentReportTable,
  "fields" | "addressees" | "met_deadlines",
  { fields: Record<string, string>; addressees: string[]; met_deadlines: string[] }
>;
export type IncidentInstruction = Decoded<
  IncidentInstructionTable,
  "relay_to" | "feedback",
  { relay_to: string[]; feedback: ReturnType<typeof codec.feedback.decode> }
>;

const decodeIncident = (r: IncidentTable): Incident => ({
  ...r,
  figures: codec.figures.decode(r.figures),
  flags: codec.flags.decode(r.flags),
  lead_departments: codec.leadDepartments.decode(r.lead_departments),
  cooperating_departments: codec.cooperatingDepartments.decode(r.cooperating_departments),
  possible_duplicates: codec.possibleDuplicates.decode(r.possible_duplicates),
});
const encodeIncident = (r: Incident): IncidentTable => ({
  ...r,
  figures: codec.figures.encode(r.figures),
  flags: codec.flags.encode(r.flags),
  lead_departments: codec.leadDepartments.encode(r.lead_departments),
  cooperating_departments: codec.cooperatingDepartments.encode(r.cooperating_departments),
  possible_duplicates: codec.possibleDuplicates.encode(r.possible_duplicates),
});
const decodeDeadline = <R extends IncidentDeadlineTable>(r: R): Omit<R, "recipients"> & IncidentDeadline => ({
  ...r,
  recipients: codec.recipients.decode(r.recipients),
});
const decodeEvent = (r: IncidentEventTable): IncidentEvent => ({
  ...r,
  data: codec.eventData.decode(r.data),
});
const decodeReport = (r: IncidentReportTable): IncidentReport => ({
  ...r,
  fields: codec.reportFields.decode(r.fields),
  addressees: codec.addressees.decode(r.addressees),
  met_deadlines: codec.metDeadlines.decode(r.met_deadlines),
});
const decodeInstruction = (r: IncidentInstructionTable): IncidentInstruction => ({
  ...r,
  relay_to: codec.relayTo.decode(r.relay_to),
  feedback: codec.feedback.decode(r.feedback),
});

const upsertSequence = prepared<{ prefix: string; year: number }, { last: number }>((db, p) =>
  db
    .insertInto("incident_sequences")
    .values({ prefix: p.prefix, year: p.year, last: 1 })
    .onConflict((oc) =>
      oc.columns(["prefix", "year"]).doUpdateSet({ last: sql<number>`incident_sequences.last + 1` }),
    )
    .returning("last"),
);

/**
 * Takes the next number of a prefix and year. The counter row is locked by the upsert until the
 * transaction ends (PostgreSQL row lock; SQLite serialises writers), and a rollback gives the number
 * back, so numbers are gap-free and unique under concurrency on both dialects.
 */
export async function nextSequence(trx: Db, prefix: string, year: number): Promise<number> {
  const [row] = await upsertSequence(trx, { prefix, year });
  return Number(row?.last);
}

const insertIncidentRows = preparedInsert<IncidentTable>((db, rows) =>
  db.insertInto("incidents").values(rows),
);

export function insertIncident(trx: Db, incident: Incident): Promise<void> {
  return insertIncidentRows(trx, [encodeIncident(incident)]);
}

/** Columns a command changes after registration (the JSON columns are set once, at registration). */
export type IncidentChange = Partial<
  Pick<
    IncidentTable,
    | "level"
    | "level_confirmed"
    | "level_reason"
    | "verified_at"
    | "status"
    | "merged_into"
    | "handling_ended_at"
    | "updated_at"
  >
>;

export async function updateIncident(trx: Db, id: string, set: IncidentChange): Promise<void> {
  await trx.updateTable("incidents").set(set).where("id", "=", id).execute();
}

/** The stored row, JSON columns as text: what the door gives other modules. */
export function findIncident(db: Db, id: string): Promise<IncidentTable | undefined> {
  return db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The stored row or a 404 (door: other modules read incidents through it). */
export async function loadIncident(db: Db, id: string): Promise<IncidentTable> {
  const row = await findIncident(db, id);
  if (!row) {
    throw notFound(`事件 ${id}`);
  }
  return row;
}

export async function readIncident(db: Db, id: string): Promise<Incident | undefined> {
  const row = await findIncident(db, id);
  return row ? decodeIncident(row) : undefined;
}

/** The incident or a 404. */
export async function requireIncident(db: Db, id: string): Promise<Incident> {
  return decodeIncident(await loadIncident(db, id));
}

/** Number and title of each incident, for notices that name them. */
export function incidentLabels(db: Db, ids: string[]) {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return db.selectFrom("incidents").select(["id", "number", "title"]).where("id", "in", ids).execute();
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
export async function listIncidents(db: Db, f: IncidentFilter): Promise<Incident[]> {
  const rows = await db
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
      return q.where((eb) => eb(eb.refTuple("received_at", "id"), "<", eb.tuple(at, id)));
    })
    .orderBy("received_at", "desc")
    .orderBy("id", "desc")
    .limit(f.limit + 1)
    .execute();
  return rows.map(decodeIncident);
}

/** Where a new incident is, for narrowing the duplicate check in SQL (the rule re-checks exactly). */
export interface NearProbe {
  /** [minLat, minLng, maxLat, maxLng] around the reported point. */
  box?: [number, number, number, number] | undefined;
  /** The street of the reported division (a division's incidents are all in its street). */
  streetCode?: string | undefined;
}

interface NearWindow {
  subtypeId: string;
  from: string;
  to: string;
}

const candidates = (db: Db, p: Placeholders<NearWindow>) =>
  db
    .selectFrom("incidents")
    .select(["id", "number", "subtype_id", "occurred_at", "lat", "lng", "division_code", "street_code"])
    .where("subtype_id", "=", p.subtypeId)
    .where("status", "=", "open")
    .where("occurred_at", ">=", p.from)
    .where("occurred_at", "<=", p.to)
    .limit(200);

const openInStreet = prepared((db, p: Placeholders<NearWindow & { streetCode: string }>) =>
  candidates(db, p).where("street_code", "=", p.streetCode),
);

const openInBox = prepared(
  (db, p: Placeholders<NearWindow & { minLat: number; minLng: number; maxLat: number; maxLng: number }>) =>
    candidates(db, p)
      .where("lat", ">=", p.minLat)
      .where("lat", "<=", p.maxLat)
      .where("lng", ">=", p.minLng)
      .where("lng", "<=", p.maxLng),
);

/**
 * Open incidents of a subtype that occurred in the window and could be near: inside the box around
 * the point, or in the same street. A superset of possibleDuplicates' matches. One indexed query per
 * kind of place, so the cost follows the neighbours, not the incidents on record.
 */
export async function openIncidentsNear(
  db: Db,
  subtypeId: string,
  from: string,
  to: string,
  near: NearProbe,
) {
  const window = { subtypeId, from, to };
  const rows = [
    ...(near.streetCode ? await openInStreet(db, { ...window, streetCode: near.streetCode }) : []),
    ...(near.box
      ? await openInBox(db, {
          ...window,
          minLat: near.box[0],
          minLng: near.box[1],
          maxLat: near.box[2],
          maxLng: near.box[3],
        })
      : []),
  ];
  // An incident in the box and in the street comes once from each query.
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
