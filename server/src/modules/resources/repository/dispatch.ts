/** SQL of dispatches and of the teams and equipment they move; the steps column through its codec. */
import { sql } from "kysely";
import { Type } from "typebox";
import { DISPATCH_ACTIONS, PartySchema } from "../../../../../shared/plan/schema.js";
import type { Db } from "../../../db/index.js";
import { jsonColumn } from "../../../db/json.js";
import type { DispatchStep } from "../rules.js";
import type { DispatchTable } from "../tables.js";

const StepSchema = Type.Object({
  action: Type.Enum(DISPATCH_ACTIONS),
  name: Type.String(),
  by: Type.Array(PartySchema),
  doneBy: Type.Optional(Type.String()),
  doneByName: Type.Optional(Type.String()),
  doneAt: Type.Optional(Type.String()),
  comment: Type.Optional(Type.String()),
});
const stepsColumn = jsonColumn("res_dispatches.steps", Type.Array(StepSchema));

/** A dispatch as services see it: the steps decoded. */
export type Dispatch = Omit<DispatchTable, "steps"> & { steps: DispatchStep[] };

// ---------------------------------------------------------------------------------------------
// teams and equipment moved by dispatches
// ---------------------------------------------------------------------------------------------

/** Sets a team's status only if it is currently `from` (a conditional UPDATE). */
export async function moveTeamStatus(
  db: Db,
  id: string,
  from: string[],
  to: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable("res_teams")
    .set({ status: to, updated_at: at })
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Takes `n` units of equipment out only if that many are not already out. */
export async function deployEquipment(db: Db, id: string, n: number, at: string): Promise<boolean> {
  const r = await db
    .updateTable("res_equipment")
    .set((eb) => ({ deployed: eb("deployed", "+", n), updated_at: at }))
    .where("id", "=", id)
    .where(sql<boolean>`quantity - deployed >= ${n}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseEquipment(
  db: Db,
  id: string,
  n: number,
  lost: number,
  at: string,
): Promise<void> {
  await db
    .updateTable("res_equipment")
    .set((eb) => ({
      deployed: eb("deployed", "-", n + lost),
      quantity: eb("quantity", "-", lost),
      updated_at: at,
    }))
    .where("id", "=", id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// dispatches
// ---------------------------------------------------------------------------------------------

export type DispatchRow = Dispatch & {
  requesting_unit_name: string;
  owning_unit_name: string;
  unit: string | null;
};

function dispatchQuery(db: Db) {
  return db
    .selectFrom("res_dispatches as d")
    .leftJoin("org_units as ru", "ru.id", "d.requesting_unit_id")
    .leftJoin("org_units as ou", "ou.id", "d.owning_unit_id")
    .leftJoin("res_stock as s", (j) =>
      j.onRef("s.id", "=", "d.resource_id").on("d.resource_type", "=", "stock"),
    )
    .leftJoin("res_supplies as p", "p.id", "s.supply_id")
    .selectAll("d")
    .select([
      sql<string>`coalesce(ru.short_name, ru.name, d.requesting_unit_id)`.as("requesting_unit_name"),
      sql<string>`coalesce(ou.short_name, ou.name, d.owning_unit_id)`.as("owning_unit_name"),
      "p.unit as unit",
    ]);
}

export async function findDispatch(db: Db, id: string): Promise<DispatchRow | undefined> {
  const row = await dispatchQuery(db).where("d.id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : { ...row, steps: stepsColumn.decode(row.steps) };
}

export interface DispatchFilter {
  incidentId?: string | undefined;
  state?: string | undefined;
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  before?: [string, string] | undefined;
  limit: number;
}

export async function listDispatches(db: Db, f: DispatchFilter): Promise<DispatchRow[]> {
  let q = dispatchQuery(db);
  if (f.incidentId !== undefined) {
    q = q.where("d.incident_id", "=", f.incidentId);
  }
  if (f.state !== undefined) {
    q = q.where("d.state", "=", f.state);
  }
  if (f.resourceType !== undefined) {
    q = q.where("d.resource_type", "=", f.resourceType);
  }
  if (f.resourceId !== undefined) {
    q = q.where("d.resource_id", "=", f.resourceId);
  }
  if (f.before) {
    const [at, id] = f.before;
    q = q.where((eb) => eb(eb.refTuple("d.created_at", "d.id"), "<", eb.tuple(at, id)));
  }
  const rows = await q
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(f.limit + 1)
    .execute();
  return rows.map((r) => ({ ...r, steps: stepsColumn.decode(r.steps) }));
}

export async function insertDispatch(db: Db, row: Dispatch): Promise<void> {
  await db
    .insertInto("res_dispatches")
    .values({ ...row, steps: stepsColumn.encode(row.steps) })
    .execute();
}

/**
 * Records a sign-off only if nobody signed since the caller read the steps (compare-and-set on the
 * steps column), so two signers of the same step cannot both succeed.
 */
export async function signDispatchStep(
  db: Db,
  id: string,
  before: readonly DispatchStep[],
  after: readonly DispatchStep[],
  state: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable("res_dispatches")
    .set({ steps: stepsColumn.encode([...after]), state, updated_at: at })
    .where("id", "=", id)
    .where("state", "=", "requested")
    .where("steps", "=", stepsColumn.encode([...before]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function findTeam(db: Db, id: string) {
  return db.selectFrom("res_teams").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findEquipment(db: Db, id: string) {
  return db.selectFrom("res_equipment").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Moves a dispatch on only if it is still in the state the caller read (a conditional UPDATE), so
 * two people pressing the same button cannot both act. False: someone else moved it first.
 */
export async function updateDispatch(
  db: Db,
  id: string,
  fromState: string,
  set: Partial<Omit<DispatchTable, "steps">>,
): Promise<boolean> {
  const r = await db
    .updateTable("res_dispatches")
    .set(set)
    .where("id", "=", id)
    .where("state", "=", fromState)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function openDispatchesOf(db: Db, resourceType: string, resourceId: string): Promise<number> {
  const r = await db
    .selectFrom("res_dispatches")
    .select(sql<number>`count(*)`.as("n"))
    .where("resource_type", "=", resourceType)
    .where("resource_id", "=", resourceId)
    .where("state", "in", ["requested", "approved", "dispatched", "arrived"])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---------------------------------------------------------------------------------------------
/** The dispatches of an incident, oldest first (the response workspace lists them). */
export function dispatchesOfIncident(db: Db, incidentId: string) {
  return db
    .selectFrom("res_dispatches")
    .select([
      "id",
      "resource_type",
      "resource_id",
      "resource_name",
      "quantity",
      "owning_unit_id",
      "state",
      "lat",
      "lng",
      "destination",
      "dispatched_at",
      "arrived_at",
    ])
    .where("incident_id", "=", incidentId)
    .orderBy("created_at")
    .execute();
}

/** A dispatch's incident, to check a check-in names a dispatch of the same incident. */
export function dispatchIncident(db: Db, id: string) {
  return db
    .selectFrom("res_dispatches")
    .select(["id", "incident_id"])
    .where("id", "=", id)
    .executeTakeFirst();
}
