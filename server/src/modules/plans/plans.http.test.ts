import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";

let server: TestServer;
let duty: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  duty = await server.login("duty");
});
afterAll(() => server.close());

interface UnitRef {
  id: string;
  name: string;
  short: string | null;
}

describe("plan API (Chaoyang 2022)", () => {
  it("serves the active profile with the names of the units it refers to", async () => {
    const res = await duty.get<{
      profile: { meta: { id: string; district: { code: string } } };
      units: Record<string, UnitRef>;
    }>("/api/plan");
    expect(res.status).toBe(200);
    expect(res.body.profile.meta.id).toBe("chaoyang-2022");
    expect(res.body.profile.meta.district.code).toBe("110105");
    expect(res.body.units["dept-chengguan"]?.name).toBe("区城管委");
  });

  it.each([
    // 000 §2.7 2(7): 燃气事故 … 区城管委
    ["gas", "区城管委"],
    // 000 §2.7 2(5): 道路交通事故 … 朝阳交通支队
    ["road_traffic", "朝阳交通支队"],
    // 000 §2.7 2(3): 火灾事故 … 朝阳消防救援支队
    ["fire", "朝阳消防救援支队"],
  ])("names the lead department of %s: %s", async (subtype, lead) => {
    const res = await duty.get<{ lead: UnitRef[] }>(`/api/plan/lead?subtype=${subtype}`);
    expect(res.status).toBe(200);
    expect(res.body.lead.map((u) => u.short ?? u.name)).toEqual([lead]);
  });

  it("answers 404 for an unknown subtype and 400 for unknown figures", async () => {
    expect((await duty.get<Problem>("/api/plan/lead?subtype=ufo")).status).toBe(404);
    const bad = await duty.post<Problem>("/api/plan/suggest-level", {
      subtype: "gas",
      figures: { aliens: 3 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.path).toBe("figures.aliens");
    const unknown = await duty.post<Problem>("/api/plan/suggest-level", { subtype: "ufo", figures: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.path).toBe("subtype");
  });

  // 000 §1.2.4 defers grading to the national standards; 第493号令 第三条: "较大事故，是指造成3人以上10人以下死亡"
  it("suggests a Chaoyang level from the national production-safety thresholds (000 §1.2.4)", async () => {
    const res = await duty.post<{ kind: string; level?: string }>("/api/plan/suggest-level", {
      subtype: "gas",
      figures: { deaths: 3 },
    });
    expect(res.body).toMatchObject({ kind: "suggested", level: "larger" });
    const railway = await duty.post<{ kind: string }>("/api/plan/suggest-level", {
      subtype: "railway_traffic",
      figures: { deaths: 3 },
    });
    expect(railway.body.kind).toBe("not_determinable");
  });

  it("lists the catalogue of appendix tables 1 and 2 (49 special, 63 department plans)", async () => {
    const res = await duty.get<{ special: { name: string; lead: UnitRef[] }[]; department: unknown[] }>(
      "/api/plan/catalogue",
    );
    expect(res.body.special).toHaveLength(49);
    expect(res.body.department).toHaveLength(63);
    const gas = res.body.special.find((p) => p.name === "朝阳区燃气突发事件应急预案");
    expect(gas?.lead.map((u) => u.name)).toEqual(["区城管委"]);
  });

  it("returns the seed text a rule cites", async () => {
    const res = await duty.get<{ title: string; text: string }>(
      `/api/plan/source?ref=${encodeURIComponent("000 §4.1")}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.title).toBe("信息报送");
    expect(res.body.text).toContain("10分钟");
    const missing = await duty.get<Problem>(`/api/plan/source?ref=${encodeURIComponent("000 §99.9")}`);
    expect(missing.status).toBe(404);
  });

  it("requires a session", async () => {
    expect((await ApiClient.anonymous(server.url).get("/api/plan")).status).toBe(401);
  });
});
