/** A `kill -9` during intake loses no incident that was answered 201 (SQLite WAL + synchronous=FULL). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reopenDatabase, writeUntilKilled } from "../../../../tests/support/crash.js";
import { createTestDatabase, type TestDatabase } from "../../../../tests/support/db.js";
import { gasLeak } from "./support.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("intake durability", () => {
  it("keeps every incident answered 201 when the server is killed with SIGKILL mid-intake", async () => {
    const acknowledged = await writeUntilKilled(db, {
      username: "duty",
      minimum: 120,
      write: async (client, w, i) => {
        const res = await client.post<{ id: string; number: string }>(
          "/api/incidents",
          gasLeak(new Date(), { title: `写入 ${w}-${i}` }),
        );
        return res.status === 201 ? res.body.number : undefined;
      },
    });

    const reopened = reopenDatabase(db);
    try {
      const rows = await reopened.db.selectFrom("incidents").select("number").execute();
      const stored = new Set(rows.map((r) => r.number));
      expect(acknowledged.length).toBeGreaterThanOrEqual(120);
      expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
      // Every stored incident has its deadlines: the registration is one transaction.
      const orphans = await reopened.db
        .selectFrom("incidents as i")
        .leftJoin("incident_deadlines as d", "d.incident_id", "i.id")
        .select("i.number")
        .where("d.id", "is", null)
        .execute();
      expect(orphans).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
