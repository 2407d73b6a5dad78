/** The demo incidents are alive at the demo clock's now: one due soon, one met, one overdue, one closed. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { seedIncidentsDemo } from "./demo.js";
import type { IncidentDto } from "./support.js";

const clock = new ManualClock("2026-11-27T12:00:00Z");
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

describe("demo incidents", () => {
  it("seeds four Chaoyang incidents in different states around now", async () => {
    expect(await seedIncidentsDemo(server.ctx)).toBe(4);
    await server.ctx.scheduler.runOnce(server.ctx);
    const duty = await server.login("duty");
    const list = await duty.get<{ items: IncidentDto[] }>("/api/incidents");
    const byTitle = new Map(list.body.items.map((i) => [i.title, i]));
    const gas = byTitle.get("建外街道永安里某小区燃气泄漏");
    expect(gas?.deadlines.find((d) => d.ruleId === "initial")).toMatchObject({
      state: "pending",
      dueAt: "2026-11-27T12:04:00.000Z",
    });
    const crash = byTitle.get("京通快速路高碑店段多车追尾");
    expect(crash).toMatchObject({ level: "general", levelConfirmed: true });
    expect(crash?.deadlines.find((d) => d.ruleId === "initial")).toMatchObject({
      state: "met",
      lateMinutes: 0,
    });
    const fire = byTitle.get("望京某商业综合体地下车库火灾");
    expect(fire?.deadlines.find((d) => d.ruleId === "initial")?.state).toBe("overdue");
    expect(byTitle.get("朝阳路八里庄段暴雨积水")?.status).toBe("closed");
    const notes = await duty.get<{ items: { title: string }[] }>("/api/notifications");
    expect(notes.body.items.map((n) => n.title)).toContain(`报送超时：${fire?.number}`);
  });
});
