/** All SQL of the response module (STYLE: no SQL outside repositories). Accepts the db or a transaction. */
import { sql } from "kysely";
import { type Static, Type } from "typebox";
import type { IncidentFlag } from "../../../../shared/plan/schema.js";
import type { Db, Dialect } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import type { IncidentTable } from "../incidents/index.js";
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
// JSON columns: one codec each; rows leave this file decoded
// ---------------------------------------------------------------------------------------------

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const PostRoleSchema = Type.Object({
  roleId: Type.String(),
  name: Type.String(),
  holderName: Type.String(),
  userId: Nullable(Type.String()),
  phone: Nullable(Type.String()),
});
/** A role of the post (指挥长 …) and who holds it. */
export type PostRole = Static<typeof PostRoleSchema>;

const MemberSchema = Type.Object({
  unitId: Nullable(Type.String()),
  name: Type.String(),
  phone: Nullable(Type.String()),
});
export type Member = Static<typeof MemberSchema>;

const LeadUnitSchema = Type.Object({ label: Type.String(), units: Type.Array(Type.String()) });
export type LeadUnit = Static<typeof LeadUnitSchema>;

const TaskNoteSchema = Type.Object({ at: Type.String(), by: Nullable(Type.String()), text: Type.String() });
export type TaskNote = Static<typeof TaskNoteSchema>;

const postRoles = jsonColumn("command_posts.roles", Type.Array(PostRoleSchema));
const groupLead = jsonColumn("command_groups.lead_units", Type.Array(LeadUnitSchema));
const groupMembers = jsonColumn("command_groups.members", Type.Array(MemberSchema));
const groupDuties = jsonColumn("command_groups.duties", Type.Array(Type.String()));
const taskNotes = jsonColumn("response_tasks.notes", Type.Array(TaskNoteSchema));
const cordonGeometry = jsonColumn("command_cordons.geometry", Type.Record(Type.String(), Type.Unknown()));
const assessmentLead = jsonColumn("response_assessments.lead", Type.Array(Type.String()));
const assessmentRecipients = jsonColumn("response_assessments.recipients", Type.Array(Type.String()));
// The incident's columns the response reads (the incidents module writes them).
const incidentFlags = jsonColumn("incidents.flags", Type.Array(Type.String()));
const incidentLeads = jsonColumn("incidents.lead_departments", Type.Array(Type.String()));
const incidentFigures = jsonColumn("incidents.figures", Type.Record(Type.String(), Type.Number()));

export type CommandPost = Omit<CommandPostTable, "roles"> & { roles: PostRole[] };
export type CommandGroup = Omit<CommandGroupTable, "lead_units" | "members" | "duties"> & {
  lead_units: LeadUnit[];
  members: Member[];
  duties: string[];
};
export type ResponseTask = Omit<ResponseTaskTable, "notes"> & { notes: TaskNote[] };
export type CommandCordon = Omit<CommandCordonTable, "geometry"> & { geometry: Record<string, unknown> };
export type ResponseAssessment = Omit<ResponseAssessmentTable, "lead" | "recipients"> & {
  lead: string[];
  recipients: string[];
};

/** The JSON facts of an incident the response rules read. */
export interface IncidentFacts {
  flags: IncidentFlag[];
  leadDepartments: string[];
  figures: Record<string, number>;
}

export function incidentFacts(i: IncidentTable): IncidentFacts {
  return {
    flags: incidentFlags.decode(i.flags) as IncidentFlag[],
    leadDepartments: incidentLeads.decode(i.lead_departments),
    figures: incidentFigures.decode(i.figures),
  };
}

const decodePost = (r: CommandPostTable): CommandPost => ({ ...r, roles: postRoles.decode(r.roles) });
const encodePost = (r: CommandPost): CommandPostTable => ({ ...r, roles: postRoles.encode(r.roles) });
function encodePostSet(set: Partial<CommandPost>): Partial<CommandPostTable> {
  const { roles, ...rest } = set;
  return roles ? { ...rest, roles: postRoles.encode(roles) } : rest;
}

const decodeGroup = (r: CommandGroupTable): CommandGroup => ({
  ...r,
  lead_units: groupLead.decode(r.lead_units),
  members: groupMembers.decode(r.members),
  duties: groupDuties.decode(r.duties),
});
const encodeGroup = (r: CommandGroup): CommandGroupTable => ({
  ...r,
  lead_units: groupLead.encode(r.lead_units),
  members: groupMembers.encode(r.members),
  duties: groupDuties.encode(r.duties),
});
function encodeGroupSet(set: Partial<CommandGroup>): Partial<CommandGroupTable> {
  const { lead_units, members, duties, ...rest } = set;
  return {
    ...rest,
    ...(lead_units ? { lead_units: groupLead.encode(lead_units) } : {}),
    ...(members ? { members: groupMembers.encode(members) } : {}),
    ...(duties ? { duties: groupDuties.encode(duties) } : {}),
  };
}

const decodeTask = (r: ResponseTaskTable): ResponseTask => ({ ...r, notes: taskNotes.decode(r.notes) });
const encodeTask = (r: ResponseTask): ResponseTaskTable => ({ ...r, notes: taskNotes.encode(r.notes) });
function encodeTaskSet(set: Partial<ResponseTask>): Partial<ResponseTaskTable> {
  const { notes, ...rest } = set;
  return notes ? { ...rest, notes: taskNotes.encode(notes) } : rest;
}

const decodeAssessment = (r: ResponseAssessmentTable): ResponseAssessment => ({
  ...r,
  lead: assessmentLead.decode(r.lead),
  recipients: assessmentRecipients.decode(r.recipients),
});

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

export async function findPost(db: Db, id: string): Promise<CommandPost | undefined> {
  const row = await db.selectFrom("command_posts").selectAll().where("id", "=", id).executeTakeFirst();
  return row && decodePost(row);
}

export async function findPostOfIncident(db: Db, incidentId: string): Promise<CommandPost | undefined> {
  const row = await db
    .selectFrom("command_posts")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .executeTakeFirst();
  return row && decodePost(row);
}

export async function insertPost(trx: Db, row: CommandPost): Promise<void> {
  await trx.insertInto("command_posts").values(encodePost(row)).execute();
}

export async function updatePost(
  trx: Db,
  id: string,
  set: Partial<Omit<CommandPost, "id" | "incident_id">>,
): Promise<void> {
  await trx.updateTable("command_posts").set(encodePostSet(set)).where("id", "=", id).execute();
}

export async function insertGroups(trx: Db, rows: CommandGroup[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("command_groups")
      .values(rows.slice(i, i + CHUNK).map((r) => encodeGroup(r)))
      .execute();
  }
}

export async function groupsOf(db: Db, postId: string): Promise<CommandGroup[]> {
  const rows = await db
    .selectFrom("command_groups")
    .selectAll()
    .where("post_id", "=", postId)
    .orderBy("sort")
    .execute();
  return rows.map(decodeGroup);
}

export async function updateGroup(
  trx: Db,
  id: string,
  set: Partial<Omit<CommandGroup, "id" | "post_id" | "group_key">>,
): Promise<void> {
  await trx.updateTable("command_groups").set(encodeGroupSet(set)).where("id", "=", id).execute();
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

export async function insertCordon(trx: Db, row: CommandCordon): Promise<void> {
  await trx
    .insertInto("command_cordons")
    .values({ ...row, geometry: cordonGeometry.encode(row.geometry) })
    .execute();
}

export async function cordonsOf(db: Db, postId: string): Promise<CommandCordon[]> {
  const rows = await db
    .selectFrom("command_cordons")
    .selectAll()
    .where("post_id", "=", postId)
    .where("removed_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, geometry: cordonGeometry.decode(r.geometry) }));
}

// ---------------------------------------------------------------------------------------------
// tasks
// ---------------------------------------------------------------------------------------------

export async function insertTasks(trx: Db, rows: ResponseTask[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("response_tasks")
      .values(rows.slice(i, i + CHUNK).map((r) => encodeTask(r)))
      .execute();
  }
}

export async function tasksOf(db: Db, incidentId: string): Promise<ResponseTask[]> {
  const rows = await db
    .selectFrom("response_tasks")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("seq")
    .execute();
  return rows.map(decodeTask);
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

export async function findTask(db: Db, id: string): Promise<ResponseTask | undefined> {
  const row = await db.selectFrom("response_tasks").selectAll().where("id", "=", id).executeTakeFirst();
  return row && decodeTask(row);
}

export async function updateTask(
  trx: Db,
  id: string,
  set: Partial<Omit<ResponseTask, "id" | "incident_id">>,
): Promise<void> {
  await trx.updateTable("response_tasks").set(encodeTaskSet(set)).where("id", "=", id).execute();
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
    .execute()
    .then((rows) => rows.map(decodeTask));
}

// ---------------------------------------------------------------------------------------------
// assessments
// ---------------------------------------------------------------------------------------------

export async function insertAssessments(trx: Db, rows: ResponseAssessment[]): Promise<void> {
  if (rows.length > 0) {
    await trx
      .insertInto("response_assessments")
      .values(
        rows.map((r) => ({
          ...r,
          lead: assessmentLead.encode(r.lead),
          recipients: assessmentRecipients.encode(r.recipients),
        })),
      )
      .execute();
  }
}

export async function assessmentsOf(db: Db, incidentId: string): Promise<ResponseAssessment[]> {
  const rows = await db
    .selectFrom("response_assessments")
    .selectAll()
    .where("incident_id", "=", incidentId)
    .orderBy("target_at")
    .execute();
  return rows.map(decodeAssessment);
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
