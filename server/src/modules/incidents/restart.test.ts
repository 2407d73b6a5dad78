/**
 * Deadlines are rows, not timers: a server that was down when a deadline passed marks and escalates
 * it when it starts again (the start-up sweep), on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../tests/support/db.js";
import { ApiClient, TEST_PASSWORD, testConfig } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { openRuntime, startServer } from "../../server.js";
import { deadline, gasLeak, getIncident, type IncidentDto } from "./support.js";

let db: TestDatabase;
const clock = new ManualClock("2026-11-27T16:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function boot() {
  const runtime = await openRuntime(testConfig(db), {
    clock,
    ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}),
  });
  const started = await startServer(runtime, { demo: true, demoIncidents: false, sweepIntervalMs: 0 });
  return {
    url: started.url,
    stop: async () => {
      await started.app.close();
      await runtime.close();
    },
  };
}

describe("restart persistence of deadlines", () => {
  it("marks and escalates on start a deadline that passed while the server was down", async () => {
    const first = await boot();
    const duty = await ApiClient.login(first.url, "duty", TEST_PASSWORD);
    const created = await duty.post<IncidentDto>("/api/incidents", gasLeak(clock.now()));
    expect(created.status).toBe(201);
    expect(deadline(created.body, "initial").state).toBe("pending");
    await first.stop();

    clock.advanceMinutes(45); // down over the 10 min and 30 min deadlines

    const second = await boot();
    try {
      const again = await ApiClient.login(second.url, "duty", TEST_PASSWORD);
      const after = await getIncident(again, created.body.id);
      expect(deadline(after, "initial")).toMatchObject({
        state: "overdue",
        escalatedAt: clock.now().toISOString(),
      });
      expect(deadline(after, "undetermined_to_city").state).toBe("overdue");
      expect(deadline(after, "detailed").state).toBe("pending");
      const director = await ApiClient.login(second.url, "office", TEST_PASSWORD);
      const notes = await director.get<{ items: { title: string }[] }>("/api/notifications");
      expect(notes.body.items.map((n) => n.title)).toContain(`报送超时：${created.body.number}`);
    } finally {
      await second.stop();
    }
  });
});
