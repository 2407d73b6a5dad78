/** The demo response (seeded on first run) is a working example: Ⅰ级, a post with 7 groups, a board. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { seedResponseDemo } from "./demo.js";
import { workspace } from "./support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: new ManualClock("2026-07-01T02:00:00Z") });
});
afterAll(() => server.close());

describe("seedResponseDemo", () => {
  it("seeds a running Ⅰ级 response with its command post, decision, cordons and tasks", async () => {
    expect(await seedResponseDemo(server.ctx)).toBe(1);
    await server.ctx.scheduler.runOnce(server.ctx);
    const office = await server.login("office");
    const list = await office.get<{ items: { incidentId: string; levelName: string; state: string }[] }>(
      "/api/responses",
    );
    expect(list.body.items).toHaveLength(1);
    const first = list.body.items[0];
    expect(first).toMatchObject({ levelName: "Ⅰ级指挥响应", state: "active" });
    const w = await workspace(office, first?.incidentId ?? "");
    expect(w.post?.groups).toHaveLength(7);
    expect(w.post?.cordons).toHaveLength(2);
    expect(w.decisions).toHaveLength(1);
    expect(w.tasks).toHaveLength(16);
    expect(w.tasks.filter((t) => t.status === "done")).toHaveLength(2);
    expect(w.tasks.filter((t) => t.overdue).map((t) => t.title)).toEqual([
      "设立警戒区和警戒哨，疏导建国门外大街交通",
    ]);
  });
});
