import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reopenDatabase, writeUntilKilled } from "../../../tests/support/crash.js";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("durability", () => {
  it("keeps every write that was answered 201 when the server is killed with SIGKILL mid-stream", async () => {
    const acknowledged = await writeUntilKilled(db, {
      username: "admin",
      minimum: 150,
      write: async (client, w, i) => {
        const res = await client.post<{ id: string }>("/api/tokens", {
          name: `w${w}-${i}`,
          scopes: ["read"],
        });
        return res.status === 201 ? res.body.id : undefined;
      },
    });
    const reopened = reopenDatabase(db);
    try {
      const rows = await reopened.db.selectFrom("api_tokens").select("id").execute();
      const stored = new Set(rows.map((r) => r.id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
