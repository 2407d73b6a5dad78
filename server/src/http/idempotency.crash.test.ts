// Issue 14 §3 with a real crash: `fenghuo serve` is killed with SIGKILL while writes carrying an
// Idempotency-Key are in flight. A fresh server on the same database, its clock past the lease, must
// answer every retry with the result (replayed, or "committed") or run it — never "still in progress"
// for ever, and never run one key's command twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reopenDatabase, writeUntilKilled } from "../../../tests/support/crash.js";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db.js";
import { ApiClient, testConfig } from "../../../tests/support/server.js";
import { ManualClock } from "../clock.js";
import { openRuntime, startServer } from "../server.js";
import { IDEMPOTENCY_LEASE_MS } from "./idempotency.js";

/** The demo password `writeUntilKilled` starts the killed server with. */
const CRASH_PASSWORD = "crash-test-password-1";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe("Idempotency-Key after kill -9 (issue 14 §3)", () => {
  it("lets every retry on a restarted server learn the result or run, and runs none twice", async () => {
    const sent = new Map<string, { name: string; scopes: string[] }>();
    const acknowledged: string[] = [];
    let left: { key: string; state: string }[] = [];
    // A kill usually catches requests in flight; when one lands between requests, kill again (the
    // keys stay distinct: `crash-<attempt>-<writer>-<i>`), so the test always has claims to recover.
    for (let attempt = 0; attempt < 5 && left.length === 0; attempt++) {
      acknowledged.push(
        ...(await writeUntilKilled(db, {
          username: "admin",
          minimum: 60,
          write: async (client, w, i) => {
            const key = `crash-${attempt}-${w}-${i}`;
            const body = { name: key, scopes: ["read"] };
            sent.set(key, body);
            const res = await client.post("/api/tokens", body, { "idempotency-key": key });
            return res.status === 201 ? key : undefined;
          },
        })),
      );
      const reopened = reopenDatabase(db);
      left = await reopened.db
        .selectFrom("idempotency_keys")
        .select(["key", "state"])
        .where("state", "!=", "done")
        .execute();
      await reopened.close();
    }
    // The kill left claims behind (requests in flight): otherwise this test would prove nothing.
    expect(left.length).toBeGreaterThan(0);

    // A fresh server a few seconds after its lease ran out (the clock injected, no waiting).
    const clock = new ManualClock(new Date(Date.now() + IDEMPOTENCY_LEASE_MS + 5_000));
    const runtime = await openRuntime(testConfig(db), {
      clock,
      ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}),
    });
    const { app, url } = await startServer(runtime, { demo: false, sweepIntervalMs: 0 });
    try {
      const client = await ApiClient.login(url, "admin", CRASH_PASSWORD);
      const unanswered = [...sent.keys()].filter((k) => !acknowledged.includes(k));
      const answers = new Map<string, { status: number; type: string | undefined }>();
      for (const key of [...unanswered, ...acknowledged.slice(0, 5)]) {
        const res = await client.post<{ type?: string }>("/api/tokens", sent.get(key), {
          "idempotency-key": key,
        });
        answers.set(key, { status: res.status, type: res.status === 409 ? res.body.type : undefined });
      }
      for (const row of left) {
        // Pending claims ran now; committed ones are reported as committed, never run again.
        const answer = answers.get(row.key);
        if (row.state === "committed") {
          expect(answer?.type).toContain("idempotency-committed");
        } else {
          expect(answer?.status).toBe(201);
        }
      }
      for (const key of acknowledged.slice(0, 5)) {
        expect(answers.get(key)?.status).toBe(201);
      }
      const tokens = await runtime.ctx.db.selectFrom("api_tokens").select("name").execute();
      const perName = new Map<string, number>();
      for (const t of tokens) {
        perName.set(t.name, (perName.get(t.name) ?? 0) + 1);
      }
      expect([...perName.entries()].filter(([, n]) => n > 1)).toEqual([]);
      for (const key of [...unanswered, ...acknowledged]) {
        // Every key's command ran exactly once in the end: before the kill, or on the retry.
        expect([key, perName.get(key)]).toEqual([key, 1]);
      }
    } finally {
      await app.close();
      await runtime.close();
    }
  }, 120_000);
});
