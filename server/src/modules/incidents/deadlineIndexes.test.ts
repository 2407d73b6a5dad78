import { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, type Db, openDatabase } from "../../db/index.js";
import { migrateToLatest } from "../../db/migrate.js";
import { claimQuery, deadlinesQuery } from "./repository.js";

// The sweep and the overdue list must read the partial indexes of migration 0008: a query whose WHERE
// no longer implies an index's (or a migration that drops one) falls back to a scan of every deadline
// ever set (100,000+ rows). SQLite's own plan, with the statement's parameters bound, says which.
let handle: DatabaseHandle;
let db: Db;

beforeAll(async () => {
  handle = openDatabase({});
  db = handle.db;
  await migrateToLatest(db, "sqlite");
});
afterAll(() => handle.close());

async function plan(query: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
  );
  return result.rows.map((r) => r.detail).join("\n");
}

describe("deadline indexes (SQLite plans)", () => {
  it("the sweep reads pending rows through the partial index of pending deadlines", async () => {
    const query = claimQuery(db, "sqlite", "2026-11-27T00:00:00.000Z", 5000).compile();
    const detail = await plan(query);
    expect(detail).toContain("incident_deadlines_pending");
  });

  it("the overdue list, first page and next, reads the partial index of overdue deadlines in order", async () => {
    for (const after of [undefined, ["2026-11-27T00:00:00.000Z", "0190"] as [string, string]]) {
      const detail = await plan(deadlinesQuery(db, { state: "overdue", after, limit: 100 }).compile());
      expect(detail).toContain("incident_deadlines_overdue");
      expect(detail).not.toContain("USE TEMP B-TREE FOR ORDER BY");
    }
  });
});
