/** SQL of the incidents table and its numbering. */
import { sql } from "kysely";
import type { Db } from "../../../db/index.js";
import { type Placeholders, prepared, preparedInsert } from "../../../db/prepared.js";
import { notFound } from "../../../errors.js";
import type { IncidentTable } from "../tables.js";
import { decodeIncident, encodeIncident, type Incident } from "./codecs.js";

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
