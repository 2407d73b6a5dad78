/**
 * Plan fidelity of the response (issue 13), on the real server with the demo accounts:
 * - 000 §4.3.1 Ⅱ级 “由区相关专项应急指挥部（或临时应急指挥部）启动应急机制”, §2.1.4 “区专项应急指挥部总指挥由
 *   分管区领导担任”, “如发生其他突发事件，由分管区领导和区委、区政府相关主责单位主要负责同志成立临时应急指挥部”;
 * - 000 §4.9 “较大以上突发事件由启动应急响应的市属部门宣布应急结束”.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { workspace } from "./support.js";

const clock = new ManualClock("2026-07-01T02:00:00Z");
let server: TestServer;
let duty: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ clock });
  duty = await server.login("duty");
});
afterAll(() => server.close());

async function register(subtypeId: string, level: string): Promise<string> {
  const res = await duty.post<{ id: string }>("/api/incidents", {
    title: `测试 ${subtypeId}`,
    subtypeId,
    occurredAt: "2026-07-01T01:55:00Z",
    sourceChannel: "96777",
    divisionCode: "110105001",
    level,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

type Activated = { response: { activatingUnit: { id: string } } };

describe("000 §4.3.1 Ⅱ级 by the HQ that decides, special or temporary (§2.1.4)", () => {
  it("a 一般 暴雪 (no special HQ): the temporary HQ's 分管区领导 or 区城管委's head starts Ⅱ级, nobody else", async () => {
    // The demo's district leader in charge of 自然灾害 (暴雪's category).
    const nature = await server.login("leader_nature");
    const refused = ["chengguan_staff", "hqoffice", "leader", "office", "deputy", "director", "jianwai"];
    const first = await register("snowstorm", "general");
    for (const name of refused) {
      const res = await (await server.login(name)).post<Problem>(`/api/incidents/${first}/response`, {
        level: "level_ii",
      });
      expect(res.status, `${name} ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.needed?.join("；")).toContain("临时应急指挥部");
    }
    const byLeader = await nature.post<Activated>(`/api/incidents/${first}/response`, { level: "level_ii" });
    expect(byLeader.status, JSON.stringify(byLeader.body)).toBe(201);
    // The leader acts as the temporary HQ's 总指挥: the response is the lead unit's, which ends it (§4.9).
    expect(byLeader.body.response.activatingUnit.id).toBe("dept-chengguan");

    const second = await register("snowstorm", "general");
    const chengguan = await server.login("chengguan");
    const byHead = await chengguan.post<Activated>(`/api/incidents/${second}/response`, {
      level: "level_ii",
    });
    expect(byHead.status, JSON.stringify(byHead.body)).toBe(201);
  });

  it("a 一般 燃气事故 (区城市公共设施事故应急指挥部): its 总指挥 and its office head, not the hosting department's staff", async () => {
    for (const name of ["chengguan_staff", "chengguan"]) {
      const id = await register("gas", "general");
      const res = await (await server.login(name)).post<Problem>(`/api/incidents/${id}/response`, {
        level: "level_ii",
      });
      expect(res.status, name).toBe(403);
    }
    const id = await register("gas", "general");
    const leader = await server.login("leader");
    const res = await leader.post<Activated>(`/api/incidents/${id}/response`, { level: "level_ii" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.response.activatingUnit.id).toBe("hq-public-facilities");
    // 000 §4.9 一般: the HQ's office (hosted by 区城管委) declares the end.
    const end = await (await server.login("hqoffice")).post(`/api/incidents/${id}/response/end`, {});
    expect(end.status, JSON.stringify(end.body)).toBe(200);
  });
});

describe("000 §4.9 较大以上: the end is the city department's announcement, entered by the office", () => {
  it("refuses the committee, asks the office for who, when and the 文号, and records them", async () => {
    const id = await register("gas", "larger");
    const director = await server.login("director");
    const office = await server.login("office");
    expect((await director.post(`/api/incidents/${id}/response`, { level: "level_i" })).status).toBe(201);
    clock.advanceMinutes(90);
    const announcement = {
      unitId: "ext-city-departments",
      announcedAt: "2026-07-01T03:20:00Z",
      docNo: "京应急〔2026〕12号",
    };
    const byCommittee = await director.post<Problem>(`/api/incidents/${id}/response/end`, { announcement });
    expect(byCommittee.status).toBe(403);
    expect(byCommittee.body.needed).toEqual(["区应急办（录入市属部门宣布的应急结束）"]);
    expect(byCommittee.body.detail).not.toContain("区应急委（");

    const missing = await office.post<Problem>(`/api/incidents/${id}/response/end`, { summary: "结束" });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.map((e) => e.path)).toEqual(["announcement"]);
    const district = await office.post<Problem>(`/api/incidents/${id}/response/end`, {
      announcement: { ...announcement, unitId: "committee" },
    });
    expect(district.status).toBe(400);
    expect(district.body.errors?.map((e) => e.path)).toEqual(["announcement.unitId"]);
    const early = await office.post<Problem>(`/api/incidents/${id}/response/end`, {
      announcement: { ...announcement, announcedAt: "2026-07-01T01:00:00Z" },
    });
    expect(early.body.errors?.map((e) => e.path)).toEqual(["announcement.announcedAt"]);

    const w = await workspace(office, id);
    expect(w.plan.endAnnouncedBy?.label).toBe("启动应急响应的市属部门");
    expect(w.plan.endAnnouncedBy?.units.map((u) => u.id)).toContain("ext-city-departments");
    const ok = await office.post(`/api/incidents/${id}/response/end`, { announcement });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const after = await workspace(office, id);
    expect(after.response).toMatchObject({
      state: "ended",
      endedAt: "2026-07-01T03:20:00.000Z",
      endedByName: "市有关部门",
      endAnnouncement: {
        unit: { id: "ext-city-departments", name: "市有关部门" },
        announcedAt: "2026-07-01T03:20:00.000Z",
        docNo: "京应急〔2026〕12号",
      },
    });
  });

  it("keeps the district's own end for 一般, without an announcement", async () => {
    const id = await register("gas", "general");
    const hqoffice = await server.login("hqoffice");
    expect((await hqoffice.post(`/api/incidents/${id}/response`, { level: "level_ii" })).status).toBe(201);
    const res = await hqoffice.post<Problem>(`/api/incidents/${id}/response/end`, {
      announcement: { unitId: "ext-city-departments", announcedAt: clock.now().toISOString(), docNo: "x" },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(["announcement"]);
  });
});
