/**
 * Deadlines are rows, not timers: a server that was down when a deadline passed marks and escalates
 * it when it starts again (the start-up sweep), on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../../tests/support/db.js";
import { ApiClient, TEST_PASSWORD } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { loadConfig } from "../../config.js";
import { openRuntime, startServer } from "../../server.js";
import { deadline, gasLeak, getIncident, type IncidentDto } from "./support.js";

let db: TestDatabase;
const clock = new ManualClock("2026-11-27T16:00:00Z");

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

async function boot() {
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    FENGHUO_DATA_DIR: db.dataDir,
    FENGHUO_PLAN: "chaoyang-2022",
    FENGHUO_DEMO_PASSWORD: TEST_PASSWORD,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  });
  const runtime = await openRuntime(config, { clock, ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}) });
  const previous = process.env.FENGHUO_DEMO_PASSWORD;
  process.env.FENGHUO_DEMO_PASSWORD = TEST_PASSWORD;
  const started = await startServer(runtime, { demo: true, sweepIntervalMs: 0 });
  process.env.FENGHUO_DEMO_PASSWORD = previous;
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
