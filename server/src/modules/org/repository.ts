import { sql } from "kysely";
import { Type } from "typebox";
import type { Db } from "../../db/index.js";
import { jsonColumn } from "../../db/json.js";
import type { OrgUnitTable } from "../../db/schema.js";

const attrsColumn = jsonColumn("org_units.attrs", Type.Record(Type.String(), Type.Unknown()));

/** A unit's further attributes from the org file (officeIn, source …). */
export function attrsOf(unit: Pick<OrgUnitTable, "attrs">): Record<string, unknown> {
  return attrsColumn.decode(unit.attrs);
}

export type NewUnitRow = Omit<OrgUnitTable, "attrs"> & { attrs: Record<string, unknown> };

/** Inserts units in the order given (parents first), a few hundred per statement. */
export async function insertUnits(trx: Db, rows: NewUnitRow[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto("org_units")
      .values(rows.slice(i, i + CHUNK).map((r) => ({ ...r, attrs: attrsColumn.encode(r.attrs) })))
      .execute();
  }
}

/** The whole tree (for the in-memory directory). */
export function allUnits(db: Db): Promise<OrgUnitTable[]> {
  return db.selectFrom("org_units").selectAll().execute();
}

/** The first unit of any of the types in tree order (e.g. the first street, for demo accounts). */
export async function firstUnitOfTypes(db: Db, types: string[]): Promise<string | undefined> {
  const row = await db
    .selectFrom("org_units")
    .select("id")
    .where("type", "in", types)
    .orderBy("sort_key")
    .executeTakeFirst();
  return row?.id;
}

export function findUnit(db: Db, id: string): Promise<OrgUnitTable | undefined> {
  return db.selectFrom("org_units").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findUnits(db: Db, ids: string[]): Promise<OrgUnitTable[]> {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return db.selectFrom("org_units").selectAll().where("id", "in", ids).execute();
}

export interface UnitFilter {
  type?: string | undefined;
  /** "" lists the roots. */
  parentId?: string | undefined;
  q?: string | undefined;
  after?: [string, string] | undefined;
  limit: number;
}

export type UnitWithCount = OrgUnitTable & { child_count: number };

export function listUnits(db: Db, f: UnitFilter): Promise<UnitWithCount[]> {
  return db
    .selectFrom("org_units as u")
    .selectAll("u")
    .select((eb) =>
      eb
        .selectFrom("org_units as c")
        .select(sql<number>`count(*)`.as("n"))
        .whereRef("c.parent_id", "=", "u.id")
        .as("child_count"),
    )
    .$if(f.type !== undefined, (q) => q.where("u.type", "=", f.type ?? ""))
    .$if(f.parentId === "", (q) => q.where("u.parent_id", "is", null))
    .$if(f.parentId !== undefined && f.parentId !== "", (q) => q.where("u.parent_id", "=", f.parentId ?? ""))
    .$if(f.q !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb("u.name", "like", `%${f.q}%`),
          eb("u.short_name", "like", `%${f.q}%`),
          eb("u.division_code", "like", `${f.q}%`),
        ]),
      ),
    )
    .$if(f.after !== undefined, (q) => {
      const [key, id] = f.after ?? ["", ""];
      return q.where((eb) => eb(eb.refTuple("u.sort_key", "u.id"), ">", eb.tuple(key, id)));
    })
    .orderBy("u.sort_key")
    .orderBy("u.id")
    .limit(f.limit + 1)
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, child_count: Number(r.child_count) })));
}

/** The chain from the root down to the unit (for breadcrumbs and scope checks). */
export async function ancestry(db: Db, id: string): Promise<OrgUnitTable[]> {
  const chain: OrgUnitTable[] = [];
  let current = await findUnit(db, id);
  while (current) {
    chain.unshift(current);
    current = current.parent_id ? await findUnit(db, current.parent_id) : undefined;
  }
  return chain;
}

export async function countUnits(db: Db): Promise<number> {
  const r = await db.selectFrom("org_units").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}
