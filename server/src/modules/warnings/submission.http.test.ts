/**
 * The plan-fidelity items of issue 13 on warnings, over real HTTP, each quoting the seed (000):
 * - §3.3.1 第2项 “我区域内橙色预警由区相关专项应急指挥部办公室或部门向区应急办（区突发事件预警信息发布中心）
 *   提出预警建议，由区应急办（区突发事件预警信息发布中心）分别报请区应急委主管或主要领导批准后…”: the
 *   office submits (报请) before any leader may approve, and the approval shows who submitted;
 * - the same sentence's 区应急委主管领导: the deputy director 主管应急工作 (§2.1.1), whatever their 分管;
 * - §2.1.3 “以区委区政府总值班室名义，负责统一接收、研判和处理全区各类突发事件信息”: the duty room takes
 *   information in for the office, but does not publish, lift, relay or submit warnings for it;
 * - §3.3.1 第5项 “当确定突发事件不可能发生或危险已经解除时，相关部门应按照权限立即宣布解除预警”: those who
 *   may lift a warning are reminded once as its expected end nears.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { findUserByUsername } from "../users/index.js";
import { draftBody } from "./testSupport.js";

interface View {
  id: string;
  status: string;
  allowedActions: string[];
  awaiting: string[];
  submittedBy: { id: string | null; name: string } | null;
  submittedAt: string | null;
  approvedBy: { name: string } | null;
  history: { action: string; actorName: string }[];
}
interface Notices {
  items: { title: string; link: string | null }[];
}

const clock = new ManualClock("2026-11-27T02:00:00Z");
let server: TestServer;
const clients = new Map<string, ApiClient>();
const as = async (name: string) => {
  const known = clients.get(name);
  if (known) {
    return known;
  }
  const client = await server.login(name);
  clients.set(name, client);
  return client;
};

beforeAll(async () => {
  server = await startTestServer({ clock });
}, 60_000);
afterAll(() => server.close());

async function orangeProposal(overrides: Record<string, unknown> = {}): Promise<string> {
  const staff = await as("chengguan_staff");
  const created = await staff.post<View>(
    "/api/warnings",
    draftBody({ colour: "orange", title: "燃气管网橙色预警", ...overrides }),
  );
  expect(created.status).toBe(201);
  expect((await staff.post(`/api/warnings/${created.body.id}/propose`, {})).status).toBe(200);
  return created.body.id;
}

async function noticesOf(user: string, id: string): Promise<string[]> {
  const client = await as(user);
  const res = await client.get<Notices>("/api/notifications?limit=200");
  return res.body.items.filter((n) => n.link === `/warnings/${id}`).map((n) => n.title);
}

describe("000 §3.3.1 第2项: 由区应急办…报请区应急委主管或主要领导批准", () => {
  it("the leader may approve only after the office submitted; the approval names who submitted", async () => {
    const id = await orangeProposal();
    const director = await as("director");
    const office = await as("office_staff");
    // Proposed to the office: the leaders do not see it yet, the office is told and may submit.
    const early = await director.post<Problem>(`/api/warnings/${id}/approve`, {});
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain("报请");
    expect((await director.get<View>(`/api/warnings/${id}`)).body.allowedActions).not.toContain("approve");
    const seen = await office.get<View>(`/api/warnings/${id}`);
    expect(seen.body.allowedActions).toContain("submit");
    expect(seen.body.awaiting).toEqual(["区应急办"]);
    expect(await noticesOf("office_staff", id)).toEqual(["收到预警建议：燃气管网橙色预警"]);

    const submitted = await office.post<View>(`/api/warnings/${id}/submit`, { note: "请审批" });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe("submitted");
    expect(submitted.body.submittedBy?.name).toBe("应急办 李静");
    expect(submitted.body.submittedAt).toBe(clock.now().toISOString());
    expect(await noticesOf("director", id)).toEqual(["报请批准：燃气管网橙色预警"]);
    expect((await office.post<Problem>(`/api/warnings/${id}/submit`, {})).status).toBe(409);

    const approved = await director.post<View>(`/api/warnings/${id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("approved");
    expect(approved.body.approvedBy?.name).toBe("区应急委主任 吴刚");
    expect(approved.body.submittedBy?.name).toBe("应急办 李静");
    expect(approved.body.history.map((h) => h.action)).toEqual(["create", "propose", "submit", "approve"]);
  });

  it("the office may return a proposal it does not submit; the leaders may not before it is submitted", async () => {
    const id = await orangeProposal();
    const director = await as("director");
    expect((await director.post(`/api/warnings/${id}/reject`, { reason: "不同意" })).status).toBe(403);
    const office = await as("office");
    const back = await office.post<View>(`/api/warnings/${id}/reject`, { reason: "请补充研判依据" });
    expect(back.status).toBe(200);
    expect(back.body.status).toBe("draft");
  });

  it("blue and yellow go straight to 主管区领导 (报主管区领导批准): nothing to submit", async () => {
    const staff = await as("chengguan_staff");
    const w = await staff.post<View>("/api/warnings", draftBody({ colour: "yellow" }));
    await staff.post(`/api/warnings/${w.body.id}/propose`, {});
    const office = await as("office_staff");
    expect((await office.post<Problem>(`/api/warnings/${w.body.id}/submit`, {})).status).toBe(403);
    expect((await (await as("leader")).post(`/api/warnings/${w.body.id}/approve`, {})).status).toBe(200);
  });
});

describe("000 §3.3.1 第2项 区应急委主管领导 = the deputy director 主管应急工作 (§2.1.1), any portfolio", () => {
  const cases: [string, string, string[], number][] = [
    // 常务副主任由…区政府主管应急工作的领导…担任: in charge of emergency work, no portfolio needed.
    ["deputy_none", "committee_deputy_director", [], 200],
    // A deputy whose 分管 is another category is still the committee's 主管 leader for emergencies.
    ["deputy_nature", "committee_deputy_director", ["自然灾害"], 200],
    ["deputy_accidents", "committee_deputy_director", ["事故灾难"], 200],
    // 主管区领导 approves blue/yellow only; an orange warning needs the committee's leaders.
    ["leader_accidents", "district_leader", ["事故灾难"], 403],
  ];

  it.each(cases)(
    "%s (%s, %j) approving a submitted orange 燃气 warning → %i",
    async (username, role, categories, status) => {
      const admin = await as("admin");
      const committee = (await findUserByUsername(server.ctx.db, "director"))?.unit_id ?? "";
      const created = await admin.post("/api/users", {
        username,
        displayName: username,
        unitId: committee,
        roles: [role],
        categories,
        password: TEST_PASSWORD,
      });
      expect(created.status).toBe(201);
      const id = await orangeProposal();
      expect((await (await as("office_staff")).post(`/api/warnings/${id}/submit`, {})).status).toBe(200);
      const user = await server.login(username);
      expect((await user.post<Problem>(`/api/warnings/${id}/approve`, {})).status).toBe(status);
    },
  );
});

describe("000 §2.1.3 vs §3.3.1: the duty room takes information in, the 发布中心 publishes", () => {
  it("the duty officer may draft for a department but not submit, publish, release or lift an orange warning", async () => {
    const duty = await as("duty");
    const drafted = await duty.post<View>(
      "/api/warnings",
      draftBody({ colour: "orange", issuingUnitId: "dept-chengguan" }),
    );
    expect(drafted.status).toBe(201);
    const id = await orangeProposal();
    const submit = await duty.post<Problem>(`/api/warnings/${id}/submit`, {});
    expect(submit.status).toBe(403);
    expect(submit.body.needed).toEqual(["区应急办"]);
    const office = await as("office_staff");
    await office.post(`/api/warnings/${id}/submit`, {});
    await (await as("director")).post(`/api/warnings/${id}/approve`, {});
    expect((await duty.get<View>(`/api/warnings/${id}`)).body.allowedActions).toEqual([]);
    expect((await duty.post<Problem>(`/api/warnings/${id}/publish`, { channels: ["inApp"] })).status).toBe(
      403,
    );
    expect((await office.post(`/api/warnings/${id}/publish`, { channels: ["inApp"] })).status).toBe(200);
    expect((await duty.post<Problem>(`/api/warnings/${id}/lift`, { reason: "危险解除" })).status).toBe(403);
    expect((await office.post(`/api/warnings/${id}/lift`, { reason: "危险解除" })).status).toBe(200);
  });
});

describe("000 §3.3.1 第5项: 危险已经解除时…立即宣布解除 — a reminder as the expected end nears", () => {
  it("reminds the users who may lift it once, liftReminderMinutes before its end, on the clock", async () => {
    const staff = await as("chengguan_staff");
    const leader = await as("leader");
    const expiresAt = new Date(clock.now().getTime() + 3 * 3_600_000).toISOString();
    const w = await staff.post<View>(
      "/api/warnings",
      draftBody({ title: "待解除提醒的黄色预警", expiresAt }),
    );
    const id = w.body.id;
    await staff.post(`/api/warnings/${id}/propose`, {});
    await leader.post(`/api/warnings/${id}/approve`, {});
    expect((await staff.post(`/api/warnings/${id}/publish`, { channels: ["inApp"] })).status).toBe(200);
    const reminder = "预警即将到期，请确认是否解除：待解除提醒的黄色预警";
    await server.ctx.scheduler.runOnce(server.ctx);
    expect(await noticesOf("chengguan", id)).not.toContain(reminder);
    // 60 minutes (the default) before the end: the blue/yellow lift is 区相关专项应急指挥部办公室或部门's.
    clock.advanceMinutes(2 * 60);
    await server.ctx.scheduler.runOnce(server.ctx);
    await server.ctx.scheduler.runOnce(server.ctx);
    for (const user of ["chengguan", "chengguan_staff", "hqoffice"]) {
      expect(
        (await noticesOf(user, id)).filter((t) => t === reminder),
        user,
      ).toHaveLength(1);
    }
    for (const user of ["leader", "office_staff", "duty"]) {
      expect(await noticesOf(user, id), user).not.toContain(reminder);
    }
    const view = await staff.get<View>(`/api/warnings/${id}`);
    expect(view.body.status).toBe("published");
    expect(view.body.history.filter((h) => h.action === "lift_reminder")).toHaveLength(1);
  });
});
