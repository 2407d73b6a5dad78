/** All SQL of the response module (STYLE: no SQL outside repositories). Accepts the db or a transaction. */
import { sql } from "kysely";
import type { Db, Dialect } from "../../db/index.js";
import type {
  CommandCheckinTable,
  CommandCordonTable,
  CommandGroupTable,
  CommandHandoverTable,
  CommandPostTable,
  ResponseAssessmentTable,
  ResponseDecisionTable,
  ResponseLevelChangeTable,
  ResponseTable,
  ResponseTaskTable,
} from "./tables.js";

const CHUNK = 500;

// ---------------------------------------------------------------------------------------------
// responses and level changes
// ---------------------------------------------------------------------------------------------

export function findResponse(db: Db, incidentId: string): Promise<ResponseTable | undefined> {
  return db.selectFrom("responses").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
}

export async function insertResponse(trx: Db, row: ResponseTable): Promise<void> {
  await trx.insertInto("responses").values(row).execute();
}

/**
 * Updates a response only if it is still in `expectedState`; returns false when another request
 * changed it first (the caller answers 409), so two ends or two upgrades cannot both win.
 */
export async function updateResponse(
  trx: Db,
  id: string,
  expectedState: string | string[],
  set: Partial<Omit<ResponseTable, "id" | "incident_id">>,
): Promise<boolean> {
  const states = Array.isArray(expectedState) ? expectedState : [expectedState];
  const result = await trx
    .updateTable("responses")
    .set(set)
    .where("id", "=", id)
    .where("state", "in", states)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertLevelChange(trx: Db, row: ResponseLevelChangeTable): Promise<void> {
  await trx.insertInto("response_level_changes").values(row).execute();
}

export function levelChangesOf(db: Db, incidentId: string): Promise<ResponseLevelChangeTable[]> {
  return db
    .selectFrom("response_level_changes")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

export interface ResponseListFilter {
  state?: string | undefined;
  /** Keyset: [activated_at, id] of the last row (newest first). */
  before?: [string, string] | undefined;
  limit: number;
}

/** Responses with their incident's number, title and grade, newest first (the 应急响应 list). */
export function listResponses(db: Db, f: ResponseListFilter) {
  return db
    .selectFrom("responses as r")
    .innerJoin("incidents as i", "i.id", "r.incident_id")
    .selectAll("r")
    .select([
      "i.number as incident_number",
      "i.title as incident_title",
      "i.level as incident_level",
      "i.subtype_id as incident_subtype",
      "i.occurred_at as incident_occurred_at",
    ])
    .select((eb) =>
      eb
        .selectFrom("response_tasks as t")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("t.incident_id", "=", "r.incident_id")
        .where("t.status", "in", ["pending", "in_progress"])
        .where("t.overdue_at", "is not", null)
        .as("overdue_tasks"),
    )
    .$if(f.state !== undefined, (q) => q.where("r.state", "=", f.state ?? ""))
    .$if(f.before !== undefined, (q) => {
      const [at, id] = f.before ?? ["", ""];
      return q.where((eb) => eb(eb.refTuple("r.activated_at", "r.id"), "<", eb.tuple(at, id)));
    })
    .orderBy("r.activated_at", "desc")
    .orderBy("r.id", "desc")
    .limit(f.limit + 1)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// decisions
// ---------------------------------------------------------------------------------------------

export async function insertDecision(trx: Db, row: ResponseDecisionTable): Promise<void> {
  await trx.insertInto("response_decisions").values(row).execute();
}

export function decisionsOf(db: Db, incidentId: string): Promise<ResponseDecisionTable[]> {
  return db
    .selectFrom("response_decisions")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("decided_at")
    .orderBy("id")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// command post, groups, handovers, check-ins, cordons
// ---------------------------------------------------------------------------------------------

export function findPost(db: Db, id: string): Promise<CommandPostTable | undefined> {
  return db.selectFrom("command_posts").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findPostOfIncident(db: Db, incidentId: string): Promise<CommandPostTable | undefined> {
  return db.selectFrom("command_posts").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
}

export async function insertPost(trx: Db, row: CommandPostTable): Promise<void> {
  await trx.insertInto("command_posts").values(row).execute();
}

export async function updatePost(
  trx: Db,
  id: string,
  set: Partial<Omit<CommandPostTable, "id" | "incident_id">>,
): Promise<void> {
  await trx.updateTable("command_posts").set(set).where("id", "=", id).execute();
}

export async function insertGroups(trx: Db, rows: CommandGroupTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("command_groups")
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export function groupsOf(db: Db, postId: string): Promise<CommandGroupTable[]> {
  return db.selectFrom("command_groups").selectAll().where("post_id", "=", postId).orderBy("sort").execute();
}

export async function updateGroup(
  trx: Db,
  id: string,
  set: Partial<Omit<CommandGroupTable, "id" | "post_id" | "group_key">>,
): Promise<void> {
  await trx.updateTable("command_groups").set(set).where("id", "=", id).execute();
}

export async function insertHandover(trx: Db, row: CommandHandoverTable): Promise<void> {
  await trx.insertInto("command_handovers").values(row).execute();
}

export function handoversOf(db: Db, postId: string): Promise<CommandHandoverTable[]> {
  return db
    .selectFrom("command_handovers")
    .selectAll()
    .where("post_id", "=", postId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

export async function insertCheckin(trx: Db, row: CommandCheckinTable): Promise<void> {
  await trx.insertInto("command_checkins").values(row).execute();
}

export function checkinsOf(db: Db, postId: string): Promise<CommandCheckinTable[]> {
  return db
    .selectFrom("command_checkins")
    .selectAll()
    .where("post_id", "=", postId)
    .orderBy("at")
    .orderBy("id")
    .execute();
}

export async function insertCordon(trx: Db, row: CommandCordonTable): Promise<void> {
  await trx.insertInto("command_cordons").values(row).execute();
}

export function cordonsOf(db: Db, postId: string): Promise<CommandCordonTable[]> {
  return db
    .selectFrom("command_cordons")
    .selectAll()
    .where("post_id", "=", postId)
    .where("removed_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------------

export async function insertTasks(trx: Db, rows: ResponseTaskTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("response_tasks")
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export function tasksOf(db: Db, incidentId: string): Promise<ResponseTaskTable[]> {
  return db
    .selectFrom("response_tasks")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("seq")
    .execute();
}

/** The next board number of an incident's tasks. */
export async function nextTaskSeq(db: Db, incidentId: string): Promise<number> {
  const row = await db
    .selectFrom("response_tasks")
    .select((eb) => eb.fn.max("seq").as("m"))
    .where("incident_id", "=", incidentId)
    .executeTakeFirst();
  return Number(row?.m ?? 0) + 1;
}

export function findTask(db: Db, id: string): Promise<ResponseTaskTable | undefined> {
  return db.selectFrom("response_tasks").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateTask(
  trx: Db,
  id: string,
  set: Partial<Omit<ResponseTaskTable, "id" | "incident_id">>,
): Promise<void> {
  await trx.updateTable("response_tasks").set(set).where("id", "=", id).execute();
}

/**
 * Claims open tasks whose due time has passed and that were not yet marked: a conditional UPDATE
 * (overdue_at is null), with SKIP LOCKED on PostgreSQL, so each task is flagged by exactly one sweep.
 */
export function claimOverdueTasks(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  const due = trx
    .selectFrom("response_tasks")
    .select("id")
    .where("status", "in", ["pending", "in_progress"])
    .where("due_at", "<=", nowIso)
    .where("overdue_at", "is", null)
    .orderBy("due_at")
    .limit(limit);
  return trx
    .updateTable("response_tasks")
    .set({ overdue_at: nowIso })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .where("overdue_at", "is", null)
    .returningAll()
    .execute();
}

// ---------------------------------------------------------------------------------------------
// assessments
// ---------------------------------------------------------------------------------------------

export async function insertAssessments(trx: Db, rows: ResponseAssessmentTable[]): Promise<void> {
  if (rows.length > 0) {
    await trx.insertInto("response_assessments").values(rows).execute();
  }
}

export function assessmentsOf(db: Db, incidentId: string): Promise<ResponseAssessmentTable[]> {
  return db
    .selectFrom("response_assessments")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("target_at")
    .execute();
}

/** Claims pending assessment rows past their target (原则上) time; conditional, one sweep each. */
export function claimDueAssessments(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  const due = trx
    .selectFrom("response_assessments")
    .select("id")
    .where("state", "=", "pending")
    .where("target_at", "<=", nowIso)
    .limit(limit);
  return trx
    .updateTable("response_assessments")
    .set({ state: "overdue", overdue_at: nowIso })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .where("state", "=", "pending")
    .returningAll()
    .execute();
}

/** Claims unsubmitted rows past their hard cap (最迟); conditional on cap_overdue_at being unset. */
export function claimCappedAssessments(trx: Db, dialect: Dialect, nowIso: string, limit: number) {
  const due = trx
    .selectFrom("response_assessments")
    .select("id")
    .where("state", "in", ["pending", "overdue"])
    .where("hard_cap_at", "<=", nowIso)
    .where("cap_overdue_at", "is", null)
    .limit(limit);
  return trx
    .updateTable("response_assessments")
    .set({ state: "overdue", cap_overdue_at: nowIso })
    .where("id", "in", dialect === "postgres" ? due.forUpdate().skipLocked() : due)
    .where("cap_overdue_at", "is", null)
    .returningAll()
    .execute();
}

/** Marks every open assessment row of an incident submitted; returns the rows it changed. */
export function submitAssessments(trx: Db, incidentId: string, nowIso: string, byName: string | null) {
  return trx
    .updateTable("response_assessments")
    .set({ state: "submitted", submitted_at: nowIso, submitted_by_name: byName })
    .where("incident_id", "=", incidentId)
    .where("state", "in", ["pending", "overdue"])
    .returningAll()
    .execute();
}
