import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../tests/support/server.js";
import type { Db } from "./index.js";
import { type Placeholders, prepared, preparedInsert } from "./prepared.js";

interface Row {
  id: string;
  kind: string;
  n: number;
  note: string | null;
}

let server: TestServer;
let db: Db;
/** A scratch table outside Fenghuo's schema. */
const probe = (d: Db) => d as unknown as Kysely<{ prepared_probe: Row }>;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  db = server.ctx.db;
  await db.schema
    .createTable("prepared_probe")
    .addColumn("id", "varchar(8)", (c) => c.primaryKey())
    .addColumn("kind", "varchar(8)")
    .addColumn("n", "integer")
    .addColumn("note", "text")
    .execute();
});
afterAll(() => server.close());

const insertRows = preparedInsert<Row>((d, rows) => probe(d).insertInto("prepared_probe").values(rows), 2);

const byKind = prepared((d, p: Placeholders<{ kind: string; min: number }>) =>
  probe(d)
    .selectFrom("prepared_probe")
    .select(["id", "n", "note"])
    .where("kind", "=", p.kind)
    .where("n", ">=", p.min)
    .orderBy("id")
    .limit(2),
);

describe("prepared queries", () => {
  it("inserts any number of rows in chunks, nulls included", async () => {
    const rows: Row[] = Array.from({ length: 5 }, (_, i) => ({
      id: `r${i}`,
      kind: i % 2 === 0 ? "even" : "odd",
      n: i,
      note: i === 4 ? null : `第${i}行`,
    }));
    await insertRows(db, rows);
    const stored = await probe(db).selectFrom("prepared_probe").selectAll().orderBy("id").execute();
    expect(stored.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(rows);
  });

  it("binds each call's values by name and keeps the query's own constants", async () => {
    expect(await byKind(db, { kind: "even", min: 1 })).toEqual([
      { id: "r2", n: 2, note: "第2行" },
      { id: "r4", n: 4, note: null },
    ]);
    // Same compiled statement, other values; limit(2) is the query's constant.
    expect((await byKind(db, { kind: "even", min: 0 })).map((r) => r.id)).toEqual(["r0", "r2"]);
    expect((await byKind(db, { kind: "odd", min: 2 })).map((r) => r.id)).toEqual(["r3"]);
  });

  it("refuses a call without a value rather than sending undefined", async () => {
    await expect(byKind(db, { kind: "even" } as never)).rejects.toThrow("no value for min");
    const short = { id: "x2", kind: "odd", n: 1 } as Row;
    await expect(insertRows(db, [{ ...short, id: "x1", note: "有备注" }, short])).rejects.toThrow(
      "row 1 has no note",
    );
    const long = { id: "x3", kind: "odd", n: 1, note: null, colour: "red" } as Row;
    await expect(insertRows(db, [long])).rejects.toThrow("row 0 has columns the statement does not insert");
  });
});
