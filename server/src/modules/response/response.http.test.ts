/**
 * Issue 7 "Done when", Chaoyang (seed 000 §4.3–§4.9): a 较大 gas explosion in 建外街道 walked on a
 * controlled clock from registration (through the incidents API) through Ⅰ级响应, the command post
 * with its 7 groups, tasks from the §4.6 checklist, the end by the right authority (refused for the
 * wrong one) and an assessment report whose timeliness table matches what happened.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { docxTableRows, docxText, download, type PostView, type TaskView, workspace } from "./support.js";

const MIN = 60_000;
const T0 = new Date("2026-03-04T02:00:00Z"); // 10:00 Beijing
const clock = new ManualClock(T0);
let server: TestServer;
let duty: ApiClient;
let office: ApiClient;
let director: ApiClient;
let chengguan: ApiClient;
let leaderId: string;
let chengguanId: string;

beforeAll(async () => {
  server = await startTestServer({ clock });
  [duty, office, director, chengguan] = await Promise.all([
    server.login("duty"),
    server.login("office"),
    server.login("director"),
    server.login("chengguan"),
  ]);
  const leader = await server.login("leader");
  leaderId = (await leader.get<{ user: { id: string } }>("/api/me")).body.user.id;
  chengguanId = (await chengguan.get<{ user: { id: string } }>("/api/me")).body.user.id;
});
afterAll(() => server.close());

const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN).toISOString();

/** Every required report field of Chaoyang's profile (000 §4.1), filled. */
function fields(): Record<string, string> {
  return Object.fromEntries(
    server.ctx.plan.profile.reporting.requiredFields.fields.map((f) => [f.id, `${f.name}：见现场报告`]),
  );
}

async function counts(incidentId: string) {
  const db = server.ctx.db;
  const n = async (table: "responses" | "response_tasks" | "command_posts" | "response_level_changes") =>
    (await db.selectFrom(table).select("id").where("incident_id", "=", incidentId).execute()).length;
  return {
    responses: await n("responses"),
    tasks: await n("response_tasks"),
    posts: await n("command_posts"),
    changes: await n("response_level_changes"),
  };
}

describe("Chaoyang: a 较大 gas explosion from registration to the assessment report", () => {
  let incidentId = "";
  let post: PostView;

  it("registers the explosion through the incidents API and files the initial report on time", async () => {
    const res = await duty.post<{ id: string; level: string }>("/api/incidents", {
      title: "建外街道某餐馆燃气爆炸",
      subtypeId: "gas",
      occurredAt: at(-8),
      receivedAt: at(0),
      sourceChannel: "119",
      divisionCode: "110105001",
      address: "建国门外大街某餐馆",
      location: { lat: 39.9075, lng: 116.4525 },
      figures: { deaths: 3, injuries: 12, evacuated: 200 },
      level: "larger",
      description: "餐馆后厨发生燃气爆炸，部分建筑受损。",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    incidentId = res.body.id;
    clock.set(at(8));
    const initial = await duty.post(`/api/incidents/${incidentId}/reports`, {
      kind: "initial",
      fields: fields(),
    });
    expect(initial.status, JSON.stringify(initial.body)).toBe(201);
    const w = await workspace(duty, incidentId);
    expect(w.response).toBeNull();
    expect(w.plan.expectedLevel).toBe("level_i");
    expect(w.allowedActions).not.toContain("activate");
  });

  it("refuses Ⅱ级 for a 较大 event without a reason, and Ⅰ级 by the lead department: nothing written", async () => {
    clock.set(at(12));
    const before = await counts(incidentId);
    const noReason = await director.post<Problem>(`/api/incidents/${incidentId}/response`, {
      level: "level_ii",
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors?.[0]?.path).toBe("reason");
    expect(noReason.body.detail).toContain("000 §4.3.1");
    expect(noReason.body.detail).toContain("Ⅰ级指挥响应");

    const unknown = await director.post<Problem>(`/api/incidents/${incidentId}/response`, {
      level: "level_x",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.path).toBe("level");

    const wrong = await chengguan.post<Problem>(`/api/incidents/${incidentId}/response`, {
      level: "level_i",
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.needed).toEqual(["区应急委"]);
    expect(wrong.body.detail).toContain("000 §4.3.1");
    expect(await counts(incidentId)).toEqual(before);
  });

  it("activates Ⅰ级指挥响应 by the committee and tells the on-scene leaders", async () => {
    clock.set(at(15));
    const w0 = await workspace(director, incidentId);
    expect(w0.allowedActions).toContain("activate");
    const res = await director.post<{
      response: { level: string; state: string; activatingUnit: { id: string } };
    }>(`/api/incidents/${incidentId}/response`, { level: "level_i" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.response).toMatchObject({
      level: "level_i",
      state: "active",
      activatingUnit: { id: "committee" },
    });
    const again = await director.post<Problem>(`/api/incidents/${incidentId}/response`, { level: "level_i" });
    expect(again.status).toBe(409);

    const leader = await server.login("leader");
    const notes = await leader.get<{ items: { title: string }[] }>("/api/notifications");
    expect(notes.body.items.map((n) => n.title)).toContain(
      `Ⅰ级指挥响应已启动：${(await workspace(duty, incidentId)).incident.number}`,
    );
  });

  it("records a committee decision with its approver; the office may not approve it", async () => {
    clock.set(at(20));
    const byOffice = await office.post<Problem>(`/api/incidents/${incidentId}/decisions`, {
      decisionType: "major_decisions",
      content: "事发地周边学校停课一天",
      trigger: "proposal",
      proposedByUnitId: "office",
    });
    expect(byOffice.status).toBe(403);
    expect(byOffice.body.detail).toContain("000 §4.3.2");
    const bad = await director.post<Problem>(`/api/incidents/${incidentId}/decisions`, {
      decisionType: "major_decisions",
      content: "事发地周边学校停课一天",
      trigger: "proposal",
      proposedByUnitId: "dept-health",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.path).toBe("proposedByUnitId");
    const ok = await director.post<{ approvedByName: string; proposedBy: string; decisionText: string }>(
      `/api/incidents/${incidentId}/decisions`,
      {
        decisionType: "major_decisions",
        content: "事发地周边学校停课一天",
        trigger: "proposal",
        proposedByUnitId: "office",
        meeting: "区应急委专题会议",
      },
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ approvedByName: "区应急委主任 吴刚", proposedBy: "区应急办" });
    expect(ok.body.decisionText).toContain("2. 研究错峰上下班");
  });

  it("sets up the command post with the 7 groups of 000 §4.4; the commander must be a leader the plan names", async () => {
    clock.set(at(30));
    const body = {
      name: "建外街道燃气爆炸现场指挥部",
      address: "建国门外大街某小学操场",
      location: { lat: 39.9081, lng: 116.4531 },
      roles: [
        { roleId: "commander", holderName: "分管区领导 孙伟", userId: leaderId, phone: "13900000001" },
        { roleId: "executive_commander", holderName: "城管委负责人 刘强", userId: chengguanId },
      ],
      contacts: "现场指挥部值班电话 010-85990001",
    };
    const wrongCommander = await chengguan.post<Problem>(`/api/incidents/${incidentId}/command-post`, {
      ...body,
      roles: [{ roleId: "commander", holderName: "城管委负责人 刘强", userId: chengguanId }],
    });
    expect(wrongCommander.status).toBe(400);
    expect(wrongCommander.body.errors?.[0]).toMatchObject({ path: "roles.0.userId" });
    expect(wrongCommander.body.errors?.[0]?.message).toContain("000 §4.4");
    const byStreet = await (await server.login("jianwai")).post<Problem>(
      `/api/incidents/${incidentId}/command-post`,
      body,
    );
    expect(byStreet.status).toBe(403);
    expect(byStreet.body.needed?.[0]).toContain("区处置主责部门");

    const res = await chengguan.post<PostView>(`/api/incidents/${incidentId}/command-post`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    post = res.body;
    expect(post.groups.map((g) => g.name)).toEqual([
      "专业处置组",
      "宣传信息组",
      "治安交通组",
      "综合保障组",
      "通信保障组",
      "医疗救护组",
      "专家顾问组",
    ]);
    const security = post.groups.find((g) => g.key === "security_traffic");
    expect(security?.lead.flatMap((x) => x.units.map((u) => u.id))).toEqual(
      expect.arrayContaining(["dept-police", "dept-traffic-police", "110105001"]),
    );
    expect(post.announcement).toContain("建外街道燃气爆炸现场指挥部");
    expect(post.announcement).toContain("治安交通组（牵头单位：公安朝阳分局、朝阳交通支队、建外街道");
    expect((await chengguan.post(`/api/incidents/${incidentId}/command-post`, body)).status).toBe(409);
  });

  it("adds members, records a handover, check-ins and a cordon on the map", async () => {
    clock.set(at(38));
    const members = await chengguan.post<PostView>(`/api/command-posts/${post.id}/groups`, {
      groupKey: "medical",
      leaderName: "区卫生健康委 副主任",
      members: [{ unitId: "dept-health", name: "区卫生健康委" }, { name: "朝阳医院急诊科" }],
    });
    expect(members.status, JSON.stringify(members.body)).toBe(200);
    const badMember = await chengguan.post<Problem>(`/api/command-posts/${post.id}/groups`, {
      groupKey: "medical",
      members: [{ unitId: "dept-nowhere", name: "不存在的单位" }],
    });
    expect(badMember.status).toBe(400);
    expect(badMember.body.errors?.[0]?.path).toBe("members.0.unitId");

    const checkin = await chengguan.post<PostView>(`/api/command-posts/${post.id}/checkins`, {
      kind: "team",
      name: "朝阳消防救援支队建外站",
      unitId: "dept-fire",
      quantity: 24,
      groupKey: "professional",
    });
    expect(checkin.status, JSON.stringify(checkin.body)).toBe(201);
    const cordon = await chengguan.post<PostView>(`/api/command-posts/${post.id}/cordons`, {
      kind: "core",
      name: "核心封控线",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.451, 39.9068],
            [116.454, 39.9068],
            [116.454, 39.9083],
            [116.451, 39.9083],
            [116.451, 39.9068],
          ],
        ],
      },
    });
    expect(cordon.status, JSON.stringify(cordon.body)).toBe(201);
    expect(cordon.body.cordons).toHaveLength(1);
    const open = await chengguan.post<Problem>(`/api/command-posts/${post.id}/cordons`, {
      kind: "safety",
      name: "安全封控线",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.45, 39.9],
            [116.46, 39.9],
            [116.46, 39.91],
            [116.45, 39.91],
          ],
        ],
      },
    });
    expect(open.status).toBe(400);
    expect(open.body.errors?.[0]?.path).toBe("geometry.coordinates.0");

    const handover = await chengguan.post<PostView>(`/api/command-posts/${post.id}/handover`, {
      roleId: "executive_commander",
      toName: "城管委 赵敏",
      note: "刘强赴医院协调伤员救治",
    });
    expect(handover.status, JSON.stringify(handover.body)).toBe(201);
    expect(handover.body.roles.find((r) => r.roleId === "executive_commander")?.holderName).toBe(
      "城管委 赵敏",
    );
    expect(handover.body.handovers[0]).toMatchObject({
      fromName: "城管委负责人 刘强",
      toName: "城管委 赵敏",
    });
  });

  it("makes the 15 tasks of the §4.6 checklist in one click; a task for a unit that does not exist is refused", async () => {
    clock.set(at(40));
    const before = await counts(incidentId);
    const ghost = await chengguan.post<Problem>(`/api/incidents/${incidentId}/tasks`, {
      title: "排查周边燃气管线",
      unitId: "dept-nowhere",
    });
    expect(ghost.status).toBe(400);
    expect(ghost.body.errors?.[0]).toMatchObject({ path: "unitId" });
    expect(ghost.body.detail).toContain("dept-nowhere");
    expect(await counts(incidentId)).toEqual(before);

    const list = await chengguan.post<{ items: TaskView[] }>(`/api/incidents/${incidentId}/tasks/checklist`, {
      dueAt: at(100),
    });
    expect(list.status, JSON.stringify(list.body)).toBe(201);
    expect(list.body.items).toHaveLength(15);
    expect(list.body.items[0]?.title).toMatch(/^1\. 在确保应急救援人员安全的前提下/);
    expect(list.body.items.every((t) => t.assignee === "区城管委")).toBe(true);
    expect((await chengguan.post(`/api/incidents/${incidentId}/tasks/checklist`, {})).status).toBe(409);

    const assigned = await chengguan.post<TaskView>(`/api/incidents/${incidentId}/tasks`, {
      title: "设立警戒区和警戒哨，疏导交通",
      groupKey: "security_traffic",
      dueAt: at(60),
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(201);
    expect(assigned.body.assignee).toBe("治安交通组");

    // The police, lead of the group (公安朝阳分局's demo head), reports the task done.
    const police = await server.login("police");
    const done = await police.patch<TaskView>(`/api/tasks/${assigned.body.id}`, {
      status: "done",
      note: "警戒区已设立",
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: "done", overdue: false });
    const first = list.body.items[0];
    if (!first) {
      throw new Error("no task");
    }
    expect((await chengguan.patch(`/api/tasks/${first.id}`, { status: "done" })).status).toBe(200);
    expect((await chengguan.patch(`/api/tasks/${first.id}`, { status: "in_progress" })).status).toBe(409);
  });

  it("flags overdue tasks on the board through the sweep (no sleeps)", async () => {
    clock.set(at(101));
    const handled = await server.ctx.scheduler.runOnce(server.ctx);
    expect(handled["response-tasks"]).toBe(14);
    const tasks = await chengguan.get<{ items: TaskView[] }>(`/api/incidents/${incidentId}/tasks`);
    expect(tasks.body.items.filter((t) => t.overdue)).toHaveLength(14);
    expect((await server.ctx.scheduler.runOnce(server.ctx))["response-tasks"]).toBe(0);
  });

  it("files the detailed report 15 minutes late and drafts a 续报 from current data", async () => {
    clock.set(at(-8 + 120 + 15)); // occurred + 2 h + 15 min
    const draft = await chengguan.get<{ fields: Record<string, string> }>(
      `/api/incidents/${incidentId}/situation-report`,
    );
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body.fields.casualties).toContain("死亡 3 人");
    expect(draft.body.fields.measures_taken).toContain("启动Ⅰ级指挥响应");
    expect(draft.body.fields.measures_taken).toContain("核心封控线");
    expect(draft.body.fields.trend).toContain("14 项任务已超过时限");
    const filed = await duty.post(`/api/incidents/${incidentId}/reports`, {
      kind: "continuing",
      fields: {
        ...fields(),
        ...Object.fromEntries(Object.entries(draft.body.fields).filter(([, v]) => v !== "")),
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  });

  it("refuses the end by the wrong authority, then the committee (which activated Ⅰ级) ends it", async () => {
    clock.set(at(300));
    const receiver: string[] = [];
    const sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        receiver.push((JSON.parse(body) as { payload: { unitId: string } }).payload.unitId);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
    server.ctx.config.response.notifyWebhookUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`;
    try {
      const before = await counts(incidentId);
      // 000 §4.9 “较大以上突发事件由启动应急响应的市属部门宣布应急结束”: the office enters the announcement.
      const announcement = {
        unitId: "ext-city-departments",
        announcedAt: clock.now().toISOString(),
        docNo: "京应急〔2026〕8号",
      };
      for (const wrong of [director, chengguan]) {
        const res = await wrong.post<Problem>(`/api/incidents/${incidentId}/response/end`, {
          summary: "处置基本完成",
          announcement,
        });
        expect(res.status).toBe(403);
        expect(res.body.needed?.[0]).toContain("区应急办");
        expect(res.body.detail).toContain("000 §4.9");
      }
      expect(await counts(incidentId)).toEqual(before);
      expect((await workspace(office, incidentId)).allowedActions).toContain("end");

      const end = await office.post<{ response: { state: string; endedByName: string }; post: PostView }>(
        `/api/incidents/${incidentId}/response/end`,
        { summary: "现场明火扑灭，伤员全部送医，燃气已关阀，次生危害基本消除", announcement },
      );
      expect(end.status, JSON.stringify(end.body)).toBe(200);
      expect(end.body.response).toMatchObject({ state: "ended", endedByName: "市有关部门" });
      expect(end.body.post.state).toBe("closed");
      expect((await office.post(`/api/incidents/${incidentId}/response/end`, { announcement })).status).toBe(
        409,
      );
      expect(
        (await chengguan.post(`/api/incidents/${incidentId}/tasks`, { title: "x", unitId: "dept-fire" }))
          .status,
      ).toBe(409);

      // 000 §4.9: every participating unit is told — in the app and through the outbox.
      const jianwai = await server.login("jianwai");
      const notes = await jianwai.get<{ items: { title: string }[] }>("/api/notifications");
      expect(notes.body.items.some((n) => n.title.startsWith("应急结束："))).toBe(true);
      await server.ctx.scheduler.runOnce(server.ctx);
      expect(receiver).toEqual(
        expect.arrayContaining([
          "committee",
          "dept-chengguan",
          "110105001",
          "dept-police",
          "dept-health",
          "dept-fire",
        ]),
      );
      expect(new Set(receiver).size).toBe(receiver.length);
    } finally {
      server.ctx.config.response.notifyWebhookUrl = undefined;
      sink.close();
    }
  });

  it("starts the assessment deadline (000 §4.9: 较大以上 1 week, at most 1 month) and sweeps it", async () => {
    const w = await workspace(chengguan, incidentId);
    expect(w.assessments).toHaveLength(1);
    expect(w.assessments[0]).toMatchObject({
      ruleId: "assessment_larger",
      mandatory: true,
      targetAt: new Date(new Date(at(300)).getTime() + 7 * 24 * 60 * MIN).toISOString(),
      state: "pending",
    });
    expect(w.assessments[0]?.hardCapAt).toBe("2026-04-04T07:00:00.000Z");
    expect(w.allowedActions).toContain("editAssessment");
    const edit = await chengguan.put(`/api/incidents/${incidentId}/assessment`, {
      causes: "餐馆后厨燃气软管老化破裂，泄漏后遇明火爆炸",
      lessons: "餐饮场所燃气安全检查存在盲区",
      improvements: "开展餐饮场所燃气安全专项整治",
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    clock.set(new Date(new Date(at(300)).getTime() + 7 * 24 * 60 * MIN + MIN));
    expect((await server.ctx.scheduler.runOnce(server.ctx))["response-assessments"]).toBe(1);
    chengguan = await server.login("chengguan"); // a week later: the idle session has expired
    expect((await workspace(chengguan, incidentId)).assessments[0]?.state).toBe("overdue");
  });

  it("writes an assessment report whose timeliness table matches what happened", async () => {
    const docx = await download(chengguan, `/api/incidents/${incidentId}/assessment.docx`);
    expect(docx.status).toBe(200);
    expect(docx.type).toContain("wordprocessingml");
    const rows = docxTableRows(docx.body);
    const row = (name: string) => {
      const found = rows.find((r) => r[1] === name);
      if (!found) {
        throw new Error(`no timeliness row ${name}: ${JSON.stringify(rows.map((r) => r[1]))}`);
      }
      return found;
    };
    // 信息初报 ≤10 min after receipt (10:00), filed at 10:08: on time, 2 minutes early.
    expect(row("信息初报").slice(2)).toEqual([
      "2026年3月4日 10时10分",
      "2026年3月4日 10时08分",
      "按时",
      "提前 2",
    ]);
    // 较大: 立即报告区应急办 — the office registered it, so it had the information at once (met at 10:00).
    expect(row("立即报告区应急办").slice(2)).toEqual([
      "2026年3月4日 10时00分",
      "2026年3月4日 10时00分",
      "按时",
      "提前 0",
    ]);
    // …but its notice to 宣传部、网信办 and the district leaders went with the initial report: 8 minutes late.
    expect(row("区应急办通报宣传、网信及相关职能部门并报相关区领导").slice(4)).toEqual(["迟报", "8"]);
    // 详细信息 ≤2 h after occurrence (09:52), filed 12:07: 15 minutes late.
    expect(row("详细信息报送").slice(2)).toEqual([
      "2026年3月4日 11时52分",
      "2026年3月4日 12时07分",
      "迟报",
      "15",
    ]);
    const timelinessRows = rows.filter((r) => /^\d+$/.test(r[0] ?? "") && r.length === 6);
    const workspaceRows = (await workspace(chengguan, incidentId)).timeliness;
    expect(timelinessRows.map((r) => r[1])).toEqual(workspaceRows.map((x) => x.name));
    expect(timelinessRows.map((r) => r[4])).toEqual(workspaceRows.map((x) => x.verdictLabel));

    const text = docxText(docx.body);
    for (const heading of [
      "一、事件概况",
      "二、处置过程（时间线）",
      "三、信息报送时效评估",
      "四、应急响应与决策",
      "五、现场指挥部与工作组",
      "六、处置任务",
      "七、资源使用",
      "八、人员伤亡和财产损失",
      "九、经验教训与改进措施",
      "附：事件简报（ICS-201 格式）",
    ]) {
      expect(text).toContain(heading);
    }
    expect(rows.some((r) => r[0] === "专家顾问组")).toBe(true);
    expect(rows.some((r) => r[2] === "Ⅰ级指挥响应" && r[1] === "启动")).toBe(true);
    expect(text).toContain("开展餐饮场所燃气安全专项整治");
    expect(text).toContain("朝阳消防救援支队建外站");

    const pdf = await download(chengguan, `/api/incidents/${incidentId}/assessment.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    expect(pdf.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.body.toString("latin1")).toContain("NotoSansCJKsc-Regular");
  });

  it("audited every change in the hash chain", async () => {
    const actions = (
      await server.ctx.db
        .selectFrom("audit_log")
        .select("action")
        .where("action", "like", "response.%")
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["response.activate", "response.decision", "response.end"]),
    );
    const verify = await (await server.login("admin")).get<{ ok: boolean }>("/api/audit/verify");
    expect(verify.body.ok).toBe(true);
  });
});
