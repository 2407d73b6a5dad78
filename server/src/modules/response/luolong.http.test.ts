/**
 * Issue 7 "Done when", Luolong (seed 002 §5; notes 002-004 Part A): the same walk under the Luolong
 * profile — 较大 is answered by the district committee while it asks the city to start the city plan,
 * the post has 13 groups, the field functions of §5.4.4 are the checklist, and the end is asked for by
 * the command post and approved by the committee (002 §5.6), with a special report due in 2 weeks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { docxTableRows, download, type PostView, type TaskView, workspace } from "./support.js";

const MIN = 60_000;
const T0 = new Date("2026-06-10T01:00:00Z");
const clock = new ManualClock(T0);
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN).toISOString();
let server: TestServer;
let duty: ApiClient;
let director: ApiClient;
let commander: ApiClient;
let office: ApiClient;
let commanderId: string;

beforeAll(async () => {
  server = await startTestServer({ plan: "luolong", clock });
  [duty, director, commander, office] = await Promise.all([
    server.login("duty"),
    server.login("director"),
    server.login("commander"),
    server.login("office"),
  ]);
  commanderId = (await commander.get<{ user: { id: string } }>("/api/me")).body.user.id;
});
afterAll(() => server.close());

function fields(): Record<string, string> {
  return Object.fromEntries(
    server.ctx.plan.profile.reporting.requiredFields.fields.map((f) => [f.id, `${f.name}：已核实`]),
  );
}

describe("Luolong: a 较大 gas explosion under the Luolong plan", () => {
  let incidentId = "";
  let post: PostView;

  it("registers, verifies and reports (≤1 h after verification, 002 §3.3.2) five minutes late", async () => {
    const res = await duty.post<{ id: string }>("/api/incidents", {
      title: "开元路某小区燃气爆炸",
      subtypeId: "safety_accident",
      occurredAt: at(-10),
      receivedAt: at(0),
      sourceChannel: "119",
      divisionCode: "410311002",
      address: "开元大道某小区",
      location: { lat: 34.6195, lng: 112.4545 },
      figures: { deaths: 4, injuries: 9 },
      level: "larger",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    incidentId = res.body.id;
    clock.set(at(5));
    expect(
      (await duty.post(`/api/incidents/${incidentId}/verify`, { note: "消防大队现场核实" })).status,
    ).toBe(200);
    clock.set(at(70));
    expect(
      (await duty.post(`/api/incidents/${incidentId}/reports`, { kind: "initial", fields: fields() })).status,
    ).toBe(201);
  });

  it("activates the 较大 level by the committee and records the request to the city (002 §5.2)", async () => {
    clock.set(at(75));
    const byOffice = await office.post<Problem>(`/api/incidents/${incidentId}/response`, {
      level: "response_iii",
    });
    expect(byOffice.status).toBe(403);
    expect(byOffice.body.needed).toEqual(["区应急委"]);
    const noReason = await director.post<Problem>(`/api/incidents/${incidentId}/response`, {
      level: "response_iv",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.[0]?.path).toBe("reason");

    const res = await director.post<{ response: { levelName: string; upperLevelRequest: string | null } }>(
      `/api/incidents/${incidentId}/response`,
      { level: "response_iii" },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.response.levelName).toBe("较大级别响应（报请市政府启动市预案）");
    expect(res.body.response.upperLevelRequest).toContain("报请市政府");
    const tasks = await director.get<{ items: TaskView[] }>(`/api/incidents/${incidentId}/tasks`);
    expect(tasks.body.items.map((t) => t.title)).toEqual(["报请市政府启动市级应急预案"]);
  });

  it("sets up the command post with Luolong's 13 groups; the deputy commander role is Luolong's", async () => {
    clock.set(at(90));
    const res = await director.post<PostView>(`/api/incidents/${incidentId}/command-post`, {
      name: "开元路燃气爆炸现场指挥部",
      address: "开元大道某小区东门",
      roles: [
        { roleId: "commander", holderName: "现场指挥长 何勇", userId: commanderId },
        { roleId: "deputy_commander", holderName: "区应急管理局 局长" },
      ],
      contacts: "0379-60000000",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    post = res.body;
    expect(post.groups).toHaveLength(13);
    expect(post.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(["综合协调组", "抢险救援组", "医疗救护和卫生防疫组", "涉外组", "专家技术组"]),
    );
    const chaoyangRole = await director.post<Problem>(`/api/command-posts/${post.id}/handover`, {
      roleId: "executive_commander",
      toName: "某人",
    });
    expect(chaoyangRole.status).toBe(400);
    expect(chaoyangRole.body.errors?.[0]?.path).toBe("roleId");
  });

  it("turns the 12 field functions of 002 §5.4.4 into tasks", async () => {
    clock.set(at(95));
    const res = await commander.post<{ items: TaskView[] }>(`/api/incidents/${incidentId}/tasks/checklist`, {
      groupKey: "coordination",
      dueAt: at(180),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items).toHaveLength(12);
    expect(res.body.items.every((t) => t.assignee === "综合协调组")).toBe(true);
  });

  it("ends by the command post's request and the committee's approval (002 §5.6)", async () => {
    clock.set(at(240));
    const directorFirst = await director.post<Problem>(`/api/incidents/${incidentId}/response/end`, {});
    expect(directorFirst.status).toBe(403);
    expect(directorFirst.body.needed).toEqual(["现场指挥部"]);

    const request = await commander.post<{ response: { state: string } }>(
      `/api/incidents/${incidentId}/response/end`,
      {
        summary: "紧急处置工作完成，请示结束",
      },
    );
    expect(request.status, JSON.stringify(request.body)).toBe(200);
    expect(request.body.response.state).toBe("end_requested");
    expect((await workspace(director, incidentId)).allowedActions).toContain("approveEnd");

    const officeApproves = await office.post<Problem>(`/api/incidents/${incidentId}/response/end`, {});
    expect(officeApproves.status).toBe(403);
    expect(officeApproves.body.needed).toEqual(["区应急委"]);
    const commanderApproves = await commander.post<Problem>(`/api/incidents/${incidentId}/response/end`, {});
    expect(commanderApproves.status).toBe(403);

    clock.set(at(250));
    const approve = await director.post<{
      response: { state: string; endedByName: string; endApprovedByName: string };
      assessments: { ruleId: string; targetAt: string; hardCapAt: string | null }[];
    }>(`/api/incidents/${incidentId}/response/end`, {});
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    expect(approve.body.response).toMatchObject({
      state: "ended",
      endedByName: "现场指挥长 何勇",
      endApprovedByName: "区应急委主任 吴刚",
    });
    expect(approve.body.assessments).toEqual([
      expect.objectContaining({
        ruleId: "special_report",
        targetAt: new Date(new Date(at(250)).getTime() + 14 * 24 * 60 * MIN).toISOString(),
        hardCapAt: null,
      }),
    ]);
  });

  it("writes the report with Luolong's timeliness: the 1 h report after verification, 5 minutes late", async () => {
    const docx = await download(director, `/api/incidents/${incidentId}/assessment.docx`);
    expect(docx.status).toBe(200);
    const rows = docxTableRows(docx.body);
    const timeliness = rows.filter((r) => r.length === 6 && /^\d+$/.test(r[0] ?? ""));
    const w = await workspace(director, incidentId);
    expect(timeliness.map((r) => [r[1], r[4], r[5]])).toEqual(
      w.timeliness.map((x) => [
        x.name,
        x.verdictLabel,
        x.minutes === null ? "—" : x.verdict === "on_time" ? `提前 ${x.minutes}` : String(x.minutes),
      ]),
    );
    const oneHour = w.timeliness.find(
      (x) => x.dueAt === new Date(new Date(at(5)).getTime() + 60 * MIN).toISOString(),
    );
    expect(oneHour).toMatchObject({ verdict: "late", minutes: 5 });
    expect(rows.filter((r) => r[0]?.endsWith("组") && r[0] !== "工作组" && r.length === 4)).toHaveLength(13);
  });
});
