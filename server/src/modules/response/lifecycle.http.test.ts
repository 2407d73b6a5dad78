/**
 * The response life cycle around the walk: 401 → 400 → 403 → 409 on each route, upgrade and
 * downgrade with reasons (000 §4.3, §4.5), a Ⅱ级 response run and ended by the special HQ's office
 * (000 §4.9 一般), the command post refused below 一般 (000 §4.4), and the end of a 重大 response
 * stopping its continuing reports (000 §4.1 每30分钟续报…直到应急处置结束).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { type TaskView, workspace } from "./support.js";

const MIN = 60_000;
const clock = new ManualClock("2026-05-20T06:00:00Z");
let server: TestServer;
let duty: ApiClient;
let office: ApiClient;
let director: ApiClient;
let hqoffice: ApiClient;
let chengguan: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ clock });
  duty = await server.login("duty");
  office = await server.login("office");
  director = await server.login("director");
  hqoffice = await server.login("hqoffice");
  chengguan = await server.login("chengguan");
});
afterAll(() => server.close());

async function register(level: string, title = "某小区燃气泄漏"): Promise<string> {
  const res = await duty.post<{ id: string }>("/api/incidents", {
    title,
    subtypeId: "gas",
    occurredAt: new Date(clock.now().getTime() - 5 * MIN).toISOString(),
    sourceChannel: "96777",
    divisionCode: "110105001",
    level,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

describe("response routes: 401 → 400 → 403 → 409 → success", () => {
  it("answers 401 without a session and 404 for an unknown incident", async () => {
    const id = await register("general");
    const anon = ApiClient.anonymous(server.url);
    expect((await anon.get(`/api/incidents/${id}/response`)).status).toBe(401);
    expect((await anon.post(`/api/incidents/${id}/response`, { level: "level_ii" })).status).toBe(401);
    expect((await anon.get(`/api/incidents/${id}/assessment.docx`)).status).toBe(401);
    expect((await director.get("/api/incidents/nope/response")).status).toBe(404);
    expect((await director.post("/api/incidents/nope/response", { level: "level_i" })).status).toBe(404);
  });

  it("rejects unknown fields by name", async () => {
    const id = await register("general");
    const res = await hqoffice.post<Problem>(`/api/incidents/${id}/response`, {
      level: "level_ii",
      colour: "red",
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("colour");
  });
});

describe("a 一般 gas leak: Ⅱ级 by the special HQ's office, upgraded and downgraded, ended by it", () => {
  let id = "";

  it("lets the HQ office of 区城市公共设施事故应急指挥部 (hosted by 区城管委) activate Ⅱ级", async () => {
    id = await register("general");
    const byStreet = await (await server.login("jianwai")).post<Problem>(`/api/incidents/${id}/response`, {
      level: "level_ii",
    });
    expect(byStreet.status).toBe(403);
    expect(byStreet.body.needed?.join("；")).toContain("区城市公共设施事故应急指挥部");
    const res = await hqoffice.post<{ response: { activatingUnit: { id: string } } }>(
      `/api/incidents/${id}/response`,
      { level: "level_ii" },
      { "idempotency-key": "activate-1" },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.response.activatingUnit.id).toBe("hq-public-facilities");
    const replay = await hqoffice.post(
      `/api/incidents/${id}/response`,
      { level: "level_ii" },
      {
        "idempotency-key": "activate-1",
      },
    );
    expect(replay.status).toBe(201);
  });

  it("upgrades to Ⅰ级 only by the committee and with a reason; downgrades need a lower level", async () => {
    clock.advanceMinutes(20);
    const noReason = await director.post<Problem>(`/api/incidents/${id}/response/upgrade`, {
      level: "level_i",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.map((e) => e.path)).toContain("reason");
    const byHq = await hqoffice.post<Problem>(`/api/incidents/${id}/response/upgrade`, {
      level: "level_i",
      reason: "火势蔓延，可能达到较大",
    });
    expect(byHq.status).toBe(403);
    expect(byHq.body.needed).toEqual(["区应急委"]);
    const sideways = await director.post<Problem>(`/api/incidents/${id}/response/upgrade`, {
      level: "level_ii",
      reason: "x",
    });
    expect(sideways.status).toBe(400);
    expect(sideways.body.errors?.[0]?.message).toContain("000 §4.3");

    const up = await director.post<{
      response: { level: string };
      levelChanges: { kind: string; justified: boolean }[];
    }>(`/api/incidents/${id}/response/upgrade`, { level: "level_i", reason: "事态扩大，有可能达到较大级别" });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.response.level).toBe("level_i");
    expect(up.body.levelChanges.map((c) => [c.kind, c.justified])).toEqual([
      ["activate", true],
      ["upgrade", false],
    ]);

    clock.advanceMinutes(60);
    const down = await director.post<{ response: { level: string } }>(
      `/api/incidents/${id}/response/downgrade`,
      {
        level: "level_ii",
        reason: "险情得到控制",
      },
    );
    expect(down.status, JSON.stringify(down.body)).toBe(200);
    expect(down.body.response.level).toBe("level_ii");
  });

  it("ends by the HQ office that activated it (000 §4.9 一般); the 一般 assessment is optional, 2 weeks", async () => {
    clock.advanceMinutes(30);
    const byDirector = await director.post<Problem>(`/api/incidents/${id}/response/end`, {});
    expect(byDirector.status).toBe(403);
    expect(byDirector.body.needed?.[0]).toContain("区城市公共设施事故应急指挥部");
    const end = await hqoffice.post<{ response: { state: string }; assessments: { mandatory: boolean }[] }>(
      `/api/incidents/${id}/response/end`,
      { summary: "泄漏点已封堵" },
    );
    expect(end.status, JSON.stringify(end.body)).toBe(200);
    expect(end.body.response.state).toBe("ended");
    expect(end.body.assessments).toEqual([expect.objectContaining({ mandatory: false })]);
    const again = await director.post<Problem>(`/api/incidents/${id}/response/upgrade`, {
      level: "level_i",
      reason: "x",
    });
    expect(again.status).toBe(409);
  });
});

describe("below 一般: Ⅲ级 by the lead department, no command post (000 §4.4)", () => {
  it("activates Ⅲ级 and refuses a post for a 小于一般 event", async () => {
    const id = await register("below_general");
    const res = await chengguan.post(`/api/incidents/${id}/response`, { level: "level_iii" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const post = await chengguan.post<Problem>(`/api/incidents/${id}/command-post`, {
      name: "现场指挥部",
      address: "某地",
      roles: [{ roleId: "commander", holderName: "某领导" }],
    });
    expect(post.status).toBe(409);
    expect(post.body.detail).toContain("000 §4.4");
    const noCommander = await chengguan.post<Problem>(`/api/incidents/${id}/command-post`, {
      name: "现场指挥部",
      address: "某地",
      roles: [{ roleId: "executive_commander", holderName: "某领导" }],
    });
    expect(noCommander.status).toBe(400);
    expect(noCommander.body.errors?.[0]?.message).toContain("指挥长负责制");
    const task = await chengguan.post<TaskView>(`/api/incidents/${id}/tasks`, {
      title: "关闭燃气阀门",
      groupKey: "professional",
    });
    expect(task.status).toBe(400);
    expect((task.body as unknown as Problem).errors?.[0]?.message).toContain("尚未设立现场指挥部");
    const noAssignee = await chengguan.post<Problem>(`/api/incidents/${id}/tasks`, { title: "关闭燃气阀门" });
    expect(noAssignee.status).toBe(400);
    expect(noAssignee.body.errors?.[0]?.path).toBe("groupKey");
  });
});

describe("a 重大 explosion: the end stops the continuing reports", () => {
  it("cancels the pending 续报 deadline and marks handling ended on the incident", async () => {
    const id = await register("major", "某商场燃气爆炸");
    const initialFields = Object.fromEntries(
      server.ctx.plan.profile.reporting.requiredFields.fields.map((f) => [f.id, f.name]),
    );
    clock.advanceMinutes(5);
    expect(
      (await duty.post(`/api/incidents/${id}/reports`, { kind: "initial", fields: initialFields })).status,
    ).toBe(201);
    expect((await director.post(`/api/incidents/${id}/response`, { level: "level_i" })).status).toBe(201);
    const pending = async () =>
      (
        await duty.get<{ items: { kind: string; state: string }[] }>(`/api/deadlines?incidentId=${id}`)
      ).body.items.filter((d) => d.kind === "continuing");
    expect((await pending()).map((d) => d.state)).toContain("pending");
    clock.advanceMinutes(10);
    // 000 §4.9: a 重大 response ends when the city department announces it; the office enters that.
    const end = await office.post(`/api/incidents/${id}/response/end`, {
      summary: "处置结束",
      announcement: {
        unitId: "ext-city-departments",
        announcedAt: clock.now().toISOString(),
        docNo: "京应急〔2026〕3号",
      },
    });
    expect(end.status, JSON.stringify(end.body)).toBe(200);
    expect((await pending()).every((d) => d.state !== "pending")).toBe(true);
    const w = await workspace(office, id);
    expect(w.incident.handlingEndedAt).toBe(clock.now().toISOString());
    expect(w.timeliness.find((t) => t.name.includes("续报"))?.verdict).toBe("cancelled");
    // The next sweep does not flag the cancelled continuing report.
    clock.advanceMinutes(60);
    await server.ctx.scheduler.runOnce(server.ctx);
    expect((await pending()).some((d) => d.state === "overdue")).toBe(false);
  });
});
