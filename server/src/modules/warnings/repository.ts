/** All SQL of the warnings module (Kysely; the same queries on SQLite and PostgreSQL except the spatial index). */
import { sql } from "kysely";
import type { Db, Dialect } from "../../db/index.js";
import { notFound } from "../../errors.js";
import type {
  WarningDispatchJobTable,
  WarningHistoryTable,
  WarningMessageTable,
  WarningSubscriberTable,
  WarningTable,
  WarningTaskTable,
} from "./tables.js";

export * from "./repository/codecs.js";

export type WarningRow = WarningTable;

export async function insertWarning(db: Db, row: WarningRow): Promise<void> {
  await db.insertInto("warnings").values(row).execute();
}

export function findWarning(db: Db, id: string): Promise<WarningRow | undefined> {
  return db.selectFrom("warnings").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function getWarning(db: Db, id: string): Promise<WarningRow> {
  const row = await findWarning(db, id);
  if (!row) {
    throw notFound(`预警 ${id}`);
  }
  return row;
}

/**
 * Conditional update: changes the row only if it is still in the state the command read (same
 * status and updated_at), so two concurrent steps never both apply. Returns whether it applied.
 */
export async function updateWarningIf(
  db: Db,
  id: string,
  expected: { status: string; updatedAt: string },
  set: Partial<WarningRow>,
): Promise<boolean> {
  const r = await db
    .updateTable("warnings")
    .set(set)
    .where("id", "=", id)
    .where("status", "=", expected.status)
    .where("updated_at", "=", expected.updatedAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface WarningListFilter {
  status?: string | undefined;
  statuses?: string[] | undefined;
  before?: [string, string] | undefined;
  limit: number;
}

export function listWarnings(db: Db, f: WarningListFilter): Promise<WarningRow[]> {
  return db
    .selectFrom("warnings")
    .selectAll()
    .$if(f.status !== undefined, (q) => q.where("status", "=", f.status ?? ""))
    .$if(f.statuses !== undefined, (q) => q.where("status", "in", f.statuses ?? [""]))
    .$if(f.before !== undefined, (q) => {
      const [at, id] = f.before ?? ["", ""];
      return q.where((eb) => eb(eb.refTuple("updated_at", "id"), "<", eb.tuple(at, id)));
    })
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(f.limit + 1)
    .execute();
}

/** Warnings published to society: current (published) or past (lifted/expired). */
export function publicWarnings(db: Db, current: boolean, limit: number): Promise<WarningRow[]> {
  return db
    .selectFrom("warnings")
    .selectAll()
    .where("public_state", "=", "released")
    .where("status", "in", current ? ["published"] : ["lifted", "expired"])
    .orderBy(current ? "published_at" : "ended_at", "desc")
    .limit(limit)
    .execute();
}

export async function insertHistory(db: Db, row: Omit<WarningHistoryTable, "seq">): Promise<void> {
  const last = await db
    .selectFrom("warning_history")
    .select(sql<number>`max(seq)`.as("n"))
    .where("warning_id", "=", row.warning_id)
    .executeTakeFirst();
  await db
    .insertInto("warning_history")
    .values({ ...row, seq: Number(last?.n ?? 0) + 1 })
    .execute();
}

export function listHistory(db: Db, warningId: string): Promise<WarningHistoryTable[]> {
  return db
    .selectFrom("warning_history")
    .selectAll()
    .where("warning_id", "=", warningId)
    .orderBy("seq")
    .execute();
}

export async function insertMessage(db: Db, row: WarningMessageTable): Promise<void> {
  await db.insertInto("warning_messages").values(row).execute();
}

export function listMessages(db: Db, warningId: string): Promise<WarningMessageTable[]> {
  return db
    .selectFrom("warning_messages")
    .selectAll()
    .where("warning_id", "=", warningId)
    .orderBy("seq")
    .execute();
}

export function latestMessage(
  db: Db,
  warningId: string,
  publicOnly: boolean,
): Promise<WarningMessageTable | undefined> {
  return db
    .selectFrom("warning_messages")
    .selectAll()
    .where("warning_id", "=", warningId)
    .$if(publicOnly, (q) => q.where("scope", "=", "Public"))
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** The latest public CAP message of each warning, in one query (feed and portal). */
export async function latestPublicMessages(
  db: Db,
  warningIds: readonly string[],
): Promise<Map<string, WarningMessageTable>> {
  const out = new Map<string, WarningMessageTable>();
  if (warningIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom("warning_messages")
    .selectAll()
    .where("warning_id", "in", [...warningIds])
    .where("scope", "=", "Public")
    .orderBy("seq")
    .execute();
  for (const m of rows) {
    out.set(m.warning_id, m);
  }
  return out;
}

/** How many identifiers already start with this prefix (same unit, same second): the next N digit. */
export async function countIdentifiers(db: Db, prefix: string): Promise<number> {
  const r = await db
    .selectFrom("warning_messages")
    .select(sql<number>`count(*)`.as("n"))
    .where("identifier", "like", `${prefix}%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertTasks(db: Db, rows: WarningTaskTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto("warning_tasks")
      .values(rows.slice(i, i + 200))
      .execute();
  }
}

export function listTasks(db: Db, warningId: string): Promise<WarningTaskTable[]> {
  return db
    .selectFrom("warning_tasks")
    .selectAll()
    .where("warning_id", "=", warningId)
    .orderBy("kind")
    .orderBy("no")
    .execute();
}

export function findTask(db: Db, warningId: string, taskId: string): Promise<WarningTaskTable | undefined> {
  return db
    .selectFrom("warning_tasks")
    .selectAll()
    .where("warning_id", "=", warningId)
    .where("id", "=", taskId)
    .executeTakeFirst();
}

export async function updateTask(db: Db, id: string, set: Partial<WarningTaskTable>): Promise<void> {
  await db.updateTable("warning_tasks").set(set).where("id", "=", id).execute();
}

// ---------------------------------------------------------------------------------------------
// org lookups
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// subscribers and the spatial index
// ---------------------------------------------------------------------------------------------

/** 0.01° grid (≈1.1 km × 0.85 km in Beijing): cell = row × 36000 + column, fits an int4. */
export const GRID = 0.01;
const GRID_COLUMNS = 36_000;

export function gridCell(lon: number, lat: number): number {
  return Math.floor((lat + 90) / GRID) * GRID_COLUMNS + Math.floor((lon + 180) / GRID);
}

export async function insertSubscribers(db: Db, rows: WarningSubscriberTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto("warning_subscribers")
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export function findSubscriber(db: Db, channel: string, address: string) {
  return db
    .selectFrom("warning_subscribers")
    .selectAll()
    .where("channel", "=", channel)
    .where("address", "=", address)
    .executeTakeFirst();
}

export async function updateSubscriber(db: Db, id: string, set: Partial<WarningSubscriberTable>) {
  await db.updateTable("warning_subscribers").set(set).where("id", "=", id).execute();
}

/** A subscriber as the spatial index gives it: its key (SQLite rowid, PostgreSQL id) and point. */
export interface SubscriberPoint {
  key: number | string;
  lon: number;
  lat: number;
}

export interface SubscriberAddress {
  key: number | string;
  id: string;
  channel: string;
  address: string;
}

/**
 * Subscribers whose point lies in the bbox, from the spatial index alone: SQLite's R*Tree (the
 * point is the box centre; R*Tree boxes are float32, within a metre), PostgreSQL's b-tree on the
 * grid cell (one range per grid row). Addresses are fetched later, a batch at a time
 * (`subscribersByKeys`), so selecting a million-row area stays an index scan.
 */
export async function subscribersInBbox(
  db: Db,
  dialect: Dialect,
  bbox: [number, number, number, number],
): Promise<SubscriberPoint[]> {
  const [minX, minY, maxX, maxY] = bbox;
  if (dialect === "sqlite") {
    // No join: unsubscribed points are dropped when their addresses are fetched (subscribersByKeys).
    const r = await sql<SubscriberPoint>`
      select id as key, (min_x + max_x) / 2 as lon, (min_y + max_y) / 2 as lat
      from warning_subscriber_rtree
      where min_x >= ${minX} and max_x <= ${maxX} and min_y >= ${minY} and max_y <= ${maxY}`.execute(db);
    return r.rows;
  }
  const c0 = Math.floor((minX + 180) / GRID);
  const c1 = Math.floor((maxX + 180) / GRID);
  const r0 = Math.floor((minY + 90) / GRID);
  const r1 = Math.floor((maxY + 90) / GRID);
  const ranges: [number, number][] = [];
  for (let row = r0; row <= r1; row++) {
    ranges.push([row * GRID_COLUMNS + c0, row * GRID_COLUMNS + c1]);
  }
  const rows = await db
    .selectFrom("warning_subscribers")
    .select(["id as key", "lon", "lat"])
    .where((eb) => eb.or(ranges.map(([a, b]) => eb.between("cell", a, b))))
    .where("unsubscribed_at", "is", null)
    .execute();
  return rows.flatMap((r) =>
    r.lon !== null && r.lat !== null ? [{ key: r.key, lon: r.lon, lat: r.lat }] : [],
  );
}

/** Keys of the subscribers registered with a division code in (or under) these codes. */
export async function subscribersInDivisions(
  db: Db,
  dialect: Dialect,
  codes: readonly string[],
): Promise<(number | string)[]> {
  if (codes.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom("warning_subscribers")
    .select(dialect === "sqlite" ? sql<number>`rowid`.as("key") : sql<string>`id`.as("key"))
    .where("unsubscribed_at", "is", null)
    .where((eb) => eb.or(codes.map((c) => eb("division_code", "like", `${c}%`))))
    .execute();
  return rows.map((r) => r.key);
}

/** Channel and address of subscribers by key (a batch of the dissemination job). */
export async function subscribersByKeys(
  db: Db,
  dialect: Dialect,
  keys: readonly (number | string)[],
): Promise<SubscriberAddress[]> {
  if (keys.length === 0) {
    return [];
  }
  const list = sql.join(keys.map((k) => sql`${k}`));
  const r =
    dialect === "sqlite"
      ? await sql<SubscriberAddress>`select rowid as key, id, channel, address from warning_subscribers
          where rowid in (${list}) and unsubscribed_at is null`.execute(db)
      : await sql<SubscriberAddress>`select id as key, id, channel, address from warning_subscribers
          where id in (${list}) and unsubscribed_at is null`.execute(db);
  return r.rows;
}

// ---------------------------------------------------------------------------------------------
// dissemination jobs
// ---------------------------------------------------------------------------------------------

export async function insertJob(db: Db, row: WarningDispatchJobTable): Promise<void> {
  await db.insertInto("warning_dispatch_jobs").values(row).execute();
}

/** Claims due jobs with a lease (conditional UPDATE: one instance per job). */
export async function claimJobs(
  db: Db,
  dialect: Dialect,
  nowIso: string,
  leaseUntil: string,
  limit: number,
): Promise<WarningDispatchJobTable[]> {
  const due = db
    .selectFrom("warning_dispatch_jobs")
    .select("id")
    .where((eb) =>
      eb.or([
        eb("state", "=", "pending"),
        eb.and([eb("state", "=", "running"), eb("lease_until", "<", nowIso)]),
      ]),
    )
    .orderBy("created_at")
    .limit(limit);
  return db
    .updateTable("warning_dispatch_jobs")
    .set({ state: "running", lease_until: leaseUntil })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .returningAll()
    .execute();
}

export async function finishJob(db: Db, id: string, set: Partial<WarningDispatchJobTable>) {
  await db.updateTable("warning_dispatch_jobs").set(set).where("id", "=", id).execute();
}

export function jobsOf(db: Db, warningId: string): Promise<WarningDispatchJobTable[]> {
  return db
    .selectFrom("warning_dispatch_jobs")
    .selectAll()
    .where("warning_id", "=", warningId)
    .orderBy("created_at")
    .execute();
}

/** Outbox rows of a warning, for the delivery list (channel / state filters, cursor on id). */
export function deliveriesOf(
  db: Db,
  warningId: string,
  f: { channel?: string | undefined; state?: string | undefined; after?: string | undefined; limit: number },
) {
  return db
    .selectFrom("outbox")
    .select([
      "id",
      "channel",
      "recipient",
      "state",
      "attempts",
      "last_error",
      "sent_at",
      "created_at",
      "dedupe_key",
    ])
    .where("source_type", "=", "warning")
    .where("source_id", "=", warningId)
    .$if(f.channel !== undefined, (q) => q.where("channel", "=", f.channel ?? ""))
    .$if(f.state !== undefined, (q) => q.where("state", "=", f.state ?? ""))
    .$if(f.after !== undefined, (q) => q.where("id", ">", f.after ?? ""))
    .orderBy("id")
    .limit(f.limit + 1)
    .execute();
}

/** Published warnings whose end time has passed (expiry sweep). */
export function dueExpiries(db: Db, nowIso: string, limit: number): Promise<WarningRow[]> {
  return db
    .selectFrom("warnings")
    .selectAll()
    .where("status", "=", "published")
    .where("expires_at", "is not", null)
    .where("expires_at", "<=", nowIso)
    .orderBy("expires_at")
    .limit(limit)
    .execute();
}

/**
 * Published warnings whose expected end falls within the reminder window (after `nowIso`, at or before
 * `untilIso`) and whose current version has not been reminded; a lift already asked for is left out.
 */
export function dueLiftReminders(
  db: Db,
  nowIso: string,
  untilIso: string,
  limit: number,
): Promise<WarningRow[]> {
  return db
    .selectFrom("warnings")
    .selectAll()
    .where("status", "=", "published")
    .where("expires_at", "is not", null)
    .where("expires_at", ">", nowIso)
    .where("expires_at", "<=", untilIso)
    .where((eb) => eb.or([eb("pending_kind", "is", null), eb("pending_kind", "!=", "lift")]))
    .where((eb) =>
      eb.or([eb("lift_reminded_version", "is", null), eb("lift_reminded_version", "<", eb.ref("version"))]),
    )
    .orderBy("expires_at")
    .limit(limit)
    .execute();
}

/** Claims the lift reminder of this version of a published warning: true for exactly one claimant. */
export async function claimLiftReminder(db: Db, id: string, version: number): Promise<boolean> {
  const result = await db
    .updateTable("warnings")
    .set({ lift_reminded_version: version })
    .where("id", "=", id)
    .where("status", "=", "published")
    .where("version", "=", version)
    .where((eb) =>
      eb.or([eb("lift_reminded_version", "is", null), eb("lift_reminded_version", "<", version)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Published warnings of a subtype , newest first, for the workspace. */
export function publishedWarningsOfSubtype(db: Db, subtypeId: string) {
  return db
    .selectFrom("warnings")
    .select(["id", "title", "colour", "status", "published_at", "ended_at"])
    .where("subtype_id", "=", subtypeId)
    .where("published_at", "is not", null)
    .orderBy("published_at", "desc")
    .limit(20)
    .execute();
}
