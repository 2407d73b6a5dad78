// Dispatch approval per the plan profile (issue 6 §4) through plans/rules.ts dispatchApproval:
// Chaoyang 000 §6.7 — own supplies dispatched by the department; another unit's need 区应急办审核 and
// 区应急委领导批准, then 区应急办 issues the order; city/other districts → 区应急委 coordinates.
// Luolong 002 §4.3, §5.1.2 (4) — own stock by the department head; another unit's: the command post
// or lead department asks, 区应急委 decides, 区发改委/区财政局 carry it out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { findIncident } from "../incidents/index.js";
import { leadDepartments } from "../plans/rules.js";
import { ledgerSum, stockQuantity } from "./repository.js";
import { testIncidentId } from "./testing.js";

interface Dispatch {
  id: string;
  state: string;
  ruleCase: string;
  ruleName: string;
  steps: { action: string; name: string; by: { label: string }[]; doneByName: string | null }[];
  pending: { name: string; by: string[] } | null;
  allowedActions: string[];
}

interface Listed {
  items: {
    id: string;
    code: string;
    status?: string;
    quantity?: number;
    warehouseCode?: string;
    supplyCode?: string;
  }[];
}

/** Signs each user in once per server (the login route is rate limited). */
function clients(server: TestServer) {
  const cache = new Map<string, Promise<ApiClient>>();
  return (username: string) => {
    let c = cache.get(username);
    if (!c) {
      c = server.login(username);
      cache.set(username, c);
    }
    return c;
  };
}

async function makeUser(
  server: TestServer,
  username: string,
  unitId: string,
  roles: string[],
): Promise<ApiClient> {
  const admin = await server.login("admin");
  const res = await admin.post("/api/users", {
    username,
    displayName: username,
    unitId,
    roles,
    password: "dispatch-test-pass-1",
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return ApiClient.login(server.url, username, "dispatch-test-pass-1");
}

describe("Chaoyang (000 §6.7)", () => {
  let server: TestServer;
  let incidentId: string;
  let as: (username: string) => Promise<ApiClient>;
  beforeAll(async () => {
    server = await startTestServer();
    as = clients(server);
    incidentId = await testIncidentId(server, await as("duty"));
  });
  afterAll(() => server.close());

  const teamId = async (code: string) => {
    const duty = await as("duty");
    const list = await duty.get<Listed>(`/api/teams?q=${code}`);
    return list.body.items.find((t) => t.code === code)?.id ?? "";
  };
  const stockId = async (warehouseCode: string, supplyCode: string) => {
    const duty = await as("duty");
    const list = await duty.get<Listed>("/api/stock?limit=100");
    return (
      list.body.items.find((s) => s.warehouseCode === warehouseCode && s.supplyCode === supplyCode)?.id ?? ""
    );
  };

  it("lets a department dispatch its own team at once; the team's status moves with the dispatch", async () => {
    const chengguan = await as("chengguan");
    const team = await teamId("DW-ZY-001");
    const created = await chengguan.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: team,
      destination: "建外街道永安里",
      lat: 39.908,
      lng: 116.45,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // 000 §6.2: 区属专业应急队伍由主管专项应急指挥部或相关部门指挥调度 (the team rule, not §6.7's supplies).
    expect(created.body).toMatchObject({
      state: "approved",
      ruleCase: "own",
      ruleName: "调派区属专业应急队伍",
    });
    expect(created.body.allowedActions).toContain("dispatch");

    const street = await as("jianwai");
    const refused = await street.post<Problem>(`/api/dispatches/${created.body.id}/dispatch`);
    expect(refused.status).toBe(403);
    expect(refused.body.needed).toEqual(["区相关专项应急指挥部或部门"]);

    const staff = await as("chengguan_staff");
    expect((await staff.post(`/api/dispatches/${created.body.id}/dispatch`)).status).toBe(200);
    const deployed = await staff.get<{ status: string }>(`/api/teams/${team}`);
    expect(deployed.body.status).toBe("deployed");

    const again = await chengguan.post<Problem>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: team,
    });
    expect(again.status).toBe(409);

    const commander = await as("commander");
    expect((await commander.post(`/api/dispatches/${created.body.id}/arrive`)).status).toBe(200);
    const back = await commander.post<Dispatch>(`/api/dispatches/${created.body.id}/return`, {
      outcome: "returned",
      teamStatus: "resting",
    });
    expect(back.body.state).toBe("returned");
    expect((await staff.get<{ status: string }>(`/api/teams/${team}`)).body.status).toBe("resting");
    expect(
      (await commander.post<Problem>(`/api/dispatches/${created.body.id}/return`, { outcome: "returned" }))
        .status,
    ).toBe(409);
  });

  describe("teams by 000 §6.2, not the §6.7 supplies chain (issue 13 item 7)", () => {
    // 000 §6.2: “区属专业应急队伍由主管专项应急指挥部或相关部门指挥调度；区相关专项应急指挥部或部门需要
    // 调用其他应急队伍时，通过该队伍行业主管部门或区应急办协调调度。驻京解放军、武警、民兵预备役部队组成
    // 的应急队伍按照相关规定执行调用程序。” Before the fix each of these ran “提出应急物资需求 → 区应急办审核
    // → 区应急委领导批准 → 下达应急物资调拨指令”.
    const SUPPLY_STEPS = ["提出应急物资需求", "区应急办审核", "区应急委领导批准", "下达应急物资调拨指令"];
    const titles = async (id: string) =>
      (
        await server.ctx.db.selectFrom("notifications").select("title").where("source_id", "=", id).execute()
      ).map((n) => n.title);

    it("has another unit's team (区水务局排水抢险队) coordinated by its 行业主管部门 or the office", async () => {
      const chengguan = await as("chengguan");
      const team = await teamId("DW-ZY-002");
      const d = await chengguan.post<Dispatch>("/api/dispatches", {
        incidentId,
        resourceType: "team",
        resourceId: team,
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expect(d.body).toMatchObject({
        state: "requested",
        ruleCase: "other_unit",
        ruleName: "调用其他应急队伍",
        pending: { name: "通过该队伍行业主管部门或区应急办协调调度", by: ["该队伍行业主管部门", "区应急办"] },
      });
      expect(d.body.steps.map((s) => s.name)).toEqual([
        "提出调派队伍需求",
        "通过该队伍行业主管部门或区应急办协调调度",
      ]);
      for (const name of SUPPLY_STEPS) {
        expect(d.body.steps.map((s) => s.name)).not.toContain(name);
      }
      // The committee's leaders are not in a team's chain; the requester cannot coordinate itself.
      const deputy = await as("deputy");
      const refused = await deputy.post<Problem>(`/api/dispatches/${d.body.id}/approve`);
      expect(refused.status).toBe(403);
      expect(refused.body.needed).toEqual(["该队伍行业主管部门", "区应急办"]);
      expect((await chengguan.get<Dispatch>(`/api/dispatches/${d.body.id}`)).body.allowedActions).toEqual([
        "reject",
      ]);
      // Team wording in the notice to the coordinators.
      expect(await titles(d.body.id)).toContain(
        "待通过该队伍行业主管部门或区应急办协调调度：调派队伍区水务局排水抢险队",
      );
      const office = await as("office_staff");
      const done = await office.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
      expect(done.body.state).toBe("approved");
      expect(await titles(d.body.id)).toContain("请安排出发：调派队伍区水务局排水抢险队");
      const rejected = await office.post<Dispatch>(`/api/dispatches/${d.body.id}/reject`, { reason: "改派" });
      expect(rejected.body.state).toBe("rejected");
      expect(await titles(d.body.id)).toContain("调派队伍申请被驳回：区水务局排水抢险队");
    });

    it("has the comprehensive rescue team (消防救援支队) coordinated by the office (区综合应急救援队由区应急办协调调度)", async () => {
      const chengguan = await as("chengguan");
      const d = await chengguan.post<Dispatch>("/api/dispatches", {
        incidentId,
        resourceType: "team",
        resourceId: await teamId("DW-ZH-001"),
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expect(d.body).toMatchObject({
        ruleCase: "comprehensive",
        pending: { name: "区应急办协调调度", by: ["区应急办"] },
      });
      const director = await as("director");
      expect((await director.post<Problem>(`/api/dispatches/${d.body.id}/approve`)).status).toBe(403);
      const duty = await as("duty");
      expect((await duty.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`)).body.state).toBe("approved");
      await (await as("office_staff")).post(`/api/dispatches/${d.body.id}/reject`, { reason: "测试结束" });
    });

    it("records a request to the armed police (武警) with no approval chain in the district", async () => {
      const chengguan = await as("chengguan");
      const d = await chengguan.post<Dispatch>("/api/dispatches", {
        incidentId,
        resourceType: "team",
        resourceId: await teamId("DW-WJ-001"),
      });
      expect(d.status, JSON.stringify(d.body)).toBe(201);
      expect(d.body).toMatchObject({
        state: "approved",
        ruleCase: "armed_forces",
        ruleName: "调用驻区解放军、武警和民兵预备役部队",
        pending: null,
      });
      expect(d.body.steps.map((s) => [s.name, s.doneByName])).toEqual([
        ["按相关规定向部队提出用兵需求", "城管委负责人 刘强"],
      ]);
      // The departure is the force's own (or recorded by the office), not the requester's.
      expect(d.body.allowedActions).toEqual(["reject"]);
      const office = await as("office_staff");
      expect((await office.get<Dispatch>(`/api/dispatches/${d.body.id}`)).body.allowedActions).toContain(
        "dispatch",
      );
      await office.post(`/api/dispatches/${d.body.id}/reject`, { reason: "测试结束" });
    });

    it("previews a team's rule, not the supplies chain", async () => {
      const duty = await as("duty");
      const team = await teamId("DW-ZY-002");
      const res = await duty.get<{ case: string; source: string; steps: { name: string }[] }>(
        `/api/dispatches/rule?requestingUnitId=dept-chengguan&owningUnitId=dept-water&teamId=${team}`,
      );
      expect(res.body).toMatchObject({ case: "other_unit", source: "000 §6.2" });
      const missing = await duty.get<Problem>(
        "/api/dispatches/rule?requestingUnitId=dept-chengguan&owningUnitId=dept-water&teamId=no-such-team",
      );
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ path: "teamId", message: "队伍 no-such-team 不存在" }]);
    });
  });

  it("routes another unit's supplies through office review, committee-leader approval and the office's order", async () => {
    const line = await stockId("CK-QJ-001", "WZ-001"); // 区应急局's tents
    const before = (await stockQuantity(server.ctx.db, line)) ?? 0;
    const chengguan = await as("chengguan");
    const d = await chengguan.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: line,
      quantity: 50,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({ state: "requested", ruleCase: "other_unit" });
    expect(d.body.steps.map((s) => s.name)).toEqual([
      "提出应急物资需求",
      "区应急办审核",
      "区应急委领导批准",
      "下达应急物资调拨指令",
    ]);
    expect(d.body.pending).toEqual({ name: "区应急办审核", by: ["区应急办主任", "区应急办工作人员"] });

    // Authority before state (issue 12: 403 before 409): the requester is not who dispatches another
    // unit's supplies, so it hears 403; the office, which may, hears that it is too early.
    const notYours = await chengguan.post<Problem>(`/api/dispatches/${d.body.id}/dispatch`);
    expect(notYours.status).toBe(403);
    const notYet = await (await as("office_staff")).post<Problem>(`/api/dispatches/${d.body.id}/dispatch`);
    expect(notYet.status).toBe(409);

    const selfApprove = await chengguan.post<Problem>(`/api/dispatches/${d.body.id}/approve`);
    expect(selfApprove.status).toBe(403);
    expect(selfApprove.body.needed).toEqual(["区应急办主任", "区应急办工作人员"]);

    const office = await as("office_staff");
    const reviewed = await office.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`, {
      comment: "库存充足，同意",
    });
    expect(reviewed.body.pending?.name).toBe("区应急委领导批准");

    for (const wrong of ["office", "leader", "chengguan"]) {
      const client = await as(wrong);
      const res = await client.post<Problem>(`/api/dispatches/${d.body.id}/approve`);
      expect(res.status, wrong).toBe(403);
      expect(res.body.needed).toEqual(["区应急委主任", "区应急委副主任"]);
      expect(res.body.detail).toContain("区应急委领导批准");
    }
    const deputy = await as("deputy");
    const approved = await deputy.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
    expect(approved.body.pending).toEqual({ name: "下达应急物资调拨指令", by: ["区应急办"] });
    const ordered = await office.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
    expect(ordered.body.state).toBe("approved");
    expect(ordered.body.steps.map((s) => s.doneByName)).toEqual([
      "城管委负责人 刘强",
      "应急办 李静",
      "区应急委副主任 周涛",
      "应急办 李静",
    ]);

    expect((await office.post(`/api/dispatches/${d.body.id}/dispatch`)).status).toBe(200);
    expect(await stockQuantity(server.ctx.db, line)).toBe(before - 50);
    const commander = await as("commander");
    await commander.post(`/api/dispatches/${d.body.id}/arrive`);
    const consumed = await commander.post<Dispatch>(`/api/dispatches/${d.body.id}/return`, {
      outcome: "consumed",
      quantity: 12,
    });
    expect(consumed.body.state).toBe("consumed");
    expect(await stockQuantity(server.ctx.db, line)).toBe(before - 38);
    expect(await ledgerSum(server.ctx.db, line)).toBe(before - 38);

    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", d.body.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "dispatch.request",
      "dispatch.approve",
      "dispatch.approve",
      "dispatch.approve",
      "dispatch.dispatch",
      "dispatch.arrive",
      "dispatch.consume",
    ]);
    const notices = await deputy.get<{ items: { title: string }[] }>("/api/notifications");
    expect(notices.body.items.map((n) => n.title)).toContain(
      "待区应急委领导批准：调用救灾帐篷（12 平方米）（区应急物资储备库）",
    );
  });

  it("answers an overdraw at request time with 409 and the available quantity", async () => {
    const line = await stockId("CK-JD-001", "WZ-009");
    const street = await as("jianwai");
    const res = await street.post<Problem & { available: number; requested: number }>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: line,
      quantity: 51,
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ available: 50, requested: 51 });
  });

  it("validates the request: unknown incident, unknown resource, a missing quantity", async () => {
    const chengguan = await as("chengguan");
    const line = await stockId("CK-QJ-002", "WZ-006");
    const bad = await chengguan.post<Problem>("/api/dispatches", {
      incidentId: "",
      resourceType: "boat",
      resourceId: line,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(["incidentId", "resourceType"]);
    const noQty = await chengguan.post<Problem>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: line,
    });
    expect(noQty.body.errors).toEqual([{ path: "quantity", message: "调用物资须填写数量" }]);
    const ghost = await chengguan.post<Problem>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: "nope",
    });
    expect(ghost.body.errors).toEqual([{ path: "resourceId", message: "队伍 nope 不存在" }]);
    if (incidentId !== "INC-TEST-0001") {
      const noIncident = await chengguan.post<Problem>("/api/dispatches", {
        incidentId: "no-such-incident",
        resourceType: "team",
        resourceId: await teamId("DW-ZH-001"),
      });
      expect(noIncident.body.errors).toEqual([
        { path: "incidentId", message: "突发事件 no-such-incident 不存在" },
      ]);
    }
  });

  it("lets the office reject a request, and sends city requests to the committee (external_request)", async () => {
    const office = await as("office_staff");
    const team = await teamId("DW-ZH-001");
    const ext = await office.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: team,
      requestingUnitId: "ext-city-office",
    });
    expect(ext.body).toMatchObject({
      ruleCase: "external_request",
      pending: { name: "区应急委统一调度", by: ["区应急委"] },
    });
    const officeTry = await office.post<Problem>(`/api/dispatches/${ext.body.id}/approve`);
    expect(officeTry.status).toBe(403);
    const director = await as("director");
    expect((await director.post<Dispatch>(`/api/dispatches/${ext.body.id}/approve`)).body.state).toBe(
      "approved",
    );

    const chengguan = await as("chengguan");
    const other = await chengguan.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: await stockId("CK-QJ-001", "WZ-002"),
      quantity: 5,
    });
    const rejected = await office.post<Dispatch>(`/api/dispatches/${other.body.id}/reject`, {
      reason: "已由属地街道保障",
    });
    expect(rejected.body.state).toBe("rejected");
    expect(
      (
        await server.ctx.db
          .selectFrom("notifications")
          .select("title")
          .where("source_id", "=", other.body.id)
          .execute()
      ).map((n) => n.title),
    ).toContain("调用申请被驳回：折叠床（区应急物资储备库）");
  });

  it("never lets the system administrator sign a dispatch order (issue 12)", async () => {
    // Before issue 12 the dispatch resolver let `admin` fill 「下达应急物资调拨指令」 (区应急办): the
    // view offered approve and the order was recorded as signed by 系统管理员. The admin administers
    // the system and fills no plan party.
    const chengguan = await as("chengguan");
    const d = await chengguan.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: await stockId("CK-QJ-001", "WZ-002"),
      quantity: 1,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    await (await as("office_staff")).post(`/api/dispatches/${d.body.id}/approve`);
    const approved = await (await as("director")).post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
    expect(approved.body.pending?.name).toBe("下达应急物资调拨指令");
    const admin = await as("admin");
    const view = await admin.get<Dispatch>(`/api/dispatches/${d.body.id}`);
    expect(view.body.allowedActions).not.toContain("approve");
    const refused = await admin.post<Problem>(`/api/dispatches/${d.body.id}/approve`);
    expect(refused.status).toBe(403);
    expect(refused.body.needed).toEqual(["区应急办"]);
    const after = await admin.get<Dispatch>(`/api/dispatches/${d.body.id}`);
    expect(after.body.state).toBe("requested");
    expect(after.body.steps.at(-1)?.doneByName).toBeNull();
  });

  it("lets the HQ-office head act for the HQ whose office its department hosts (issue 12)", async () => {
    // hq-public-facilities keeps its office in 区城管委 (plans/org/chaoyang.yaml, 000 §2.1.5), so
    // `hqoffice` (区城管委) acts for that HQ. The old dispatch resolver refused it.
    const office = await as("office_staff");
    const team = await office.post<{ id: string }>("/api/teams", {
      name: "区城市公共设施事故应急指挥部抢修队",
      kind: "professional",
      specialties: ["抢修"],
      headcount: 12,
      phone: "13910098888",
      lat: 39.95,
      lng: 116.5,
      ownerUnitId: "hq-public-facilities",
    });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const hqoffice = await as("hqoffice");
    const d = await hqoffice.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "team",
      resourceId: team.body.id,
      requestingUnitId: "hq-public-facilities",
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({ state: "approved", ruleCase: "own" });
    expect(d.body.allowedActions).toContain("dispatch");
    expect((await hqoffice.post(`/api/dispatches/${d.body.id}/dispatch`)).status).toBe(200);
    // A street (another unit) still may not dispatch the HQ's team.
    const street = await as("jianwai");
    expect((await street.get<Dispatch>(`/api/dispatches/${d.body.id}`)).body.allowedActions).not.toContain(
      "arrive",
    );

    // Asking for another unit's supplies in the HQ's name: the request step (own_unit = the HQ).
    const other = await hqoffice.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: await stockId("CK-QJ-001", "WZ-002"),
      quantity: 1,
      requestingUnitId: "hq-public-facilities",
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect(other.body.ruleCase).toBe("other_unit");
    expect(other.body.allowedActions).toContain("reject"); // the requester may withdraw
  });

  // The third issue-12 case (a district leader passing a category-scoped step with no category in
  // the context) cannot be built on Chaoyang's profile, which has no 分管区领导 dispatch step: it is
  // in rules.test.ts ("a category-scoped dispatch step") on a profile variant.

  it("previews the approval chain for a pair of units", async () => {
    const duty = await as("duty");
    const res = await duty.get<{ case: string; steps: { name: string; by: string[] }[]; source: string }>(
      "/api/dispatches/rule?requestingUnitId=dept-chengguan&owningUnitId=dept-water",
    );
    expect(res.body).toMatchObject({ case: "other_unit", source: "000 §6.7" });
    expect(res.body.steps[2]).toEqual({
      action: "approve",
      name: "区应急委领导批准",
      by: ["区应急委主任", "区应急委副主任"],
    });
    const hq = await duty.get<{ case: string }>(
      "/api/dispatches/rule?requestingUnitId=hq-public-facilities&owningUnitId=dept-chengguan",
    );
    expect(hq.body.case).toBe("own"); // the HQ's office sits in 区城管委 (000 §2.1.5)
  });
});

describe("Luolong (002)", () => {
  let server: TestServer;
  let incidentId: string;
  let civilHead: ApiClient;
  let civilStaff: ApiClient;
  let waterHead: ApiClient;
  let finance: ApiClient;
  let tents: string;

  let as: (username: string) => Promise<ApiClient>;

  beforeAll(async () => {
    server = await startTestServer({ plan: "luolong" });
    as = clients(server);
    incidentId = await testIncidentId(server, await as("duty"));
    civilHead = await makeUser(server, "civil_head", "dept-civil-affairs", ["dept_head"]);
    civilStaff = await makeUser(server, "civil_staff", "dept-civil-affairs", ["dept_staff"]);
    waterHead = await makeUser(server, "water_head", "dept-water", ["dept_head"]);
    finance = await makeUser(server, "finance_staff", "dept-finance", ["dept_staff"]);
    const w = await civilHead.post<{ id: string }>("/api/warehouses", {
      name: "洛龙区救灾物资储备库",
      level: "district",
      lat: 34.6197,
      lng: 112.4638,
      ownerUnitId: "dept-civil-affairs",
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    const office = await as("office_staff");
    const s = await office.post<{ id: string }>("/api/supplies", {
      name: "棉帐篷",
      category: "生活保障类",
      unit: "顶",
    });
    const line = await civilHead.post<{ id: string }>("/api/stock", {
      warehouseId: w.body.id,
      supplyId: s.body.id,
      quantity: 200,
    });
    tents = line.body.id;
  });
  afterAll(() => server.close());

  it("lets only the department head dispatch the department's own stock (002 §7.8.1)", async () => {
    const d = await civilStaff.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: tents,
      quantity: 10,
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({ state: "approved", ruleCase: "own", ruleName: "调用本部门储备物资" });
    const staffTry = await civilStaff.post<Problem>(`/api/dispatches/${d.body.id}/dispatch`);
    expect(staffTry.status).toBe(403);
    expect(staffTry.body.needed).toEqual(["本单位部门负责人"]);
    expect((await civilHead.post(`/api/dispatches/${d.body.id}/dispatch`)).status).toBe(200);
    expect(await stockQuantity(server.ctx.db, tents)).toBe(190);
  });

  it("has another unit's stock asked for by the command post, decided by the committee and carried out by finance", async () => {
    // Only the command post or the incident's lead department may ask (002 §4.3 (1)).
    const subtype = (await findIncident(server.ctx.db, incidentId))?.subtype_id;
    const leads = subtype ? leadDepartments(server.ctx.plan.profile, subtype) : [];
    if (!leads.includes("dept-water")) {
      const refused = await waterHead.post<Problem>("/api/dispatches", {
        incidentId,
        resourceType: "stock",
        resourceId: tents,
        quantity: 20,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.needed).toContain("现场指挥长");
    }
    const commander = await as("commander");
    const d = await commander.post<Dispatch>("/api/dispatches", {
      incidentId,
      resourceType: "stock",
      resourceId: tents,
      quantity: 20,
      requestingUnitId: "dept-water",
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({ state: "requested", ruleCase: "other_unit" });
    expect(d.body.pending?.name).toBe("区应急委决定调集专业处置力量和抢险救援物资增援");

    const officeDirector = await as("office");
    const wrong = await officeDirector.post<Problem>(`/api/dispatches/${d.body.id}/approve`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.needed).toEqual(["区应急委主任"]);
    const deputy = await as("deputy");
    expect((await deputy.post(`/api/dispatches/${d.body.id}/approve`)).status).toBe(403);

    const director = await as("director");
    const decided = await director.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
    expect(decided.body.pending?.by).toEqual(["区发改委", "区财政局"]);
    expect((await civilHead.post(`/api/dispatches/${d.body.id}/approve`)).status).toBe(403);
    const done = await finance.post<Dispatch>(`/api/dispatches/${d.body.id}/approve`);
    expect(done.body.state).toBe("approved");
    expect((await civilHead.post(`/api/dispatches/${d.body.id}/dispatch`)).status).toBe(200);
    expect(await stockQuantity(server.ctx.db, tents)).toBe(170);
  });

  it("opens shelters by the units the Luolong profile names (002 §5.4.4 (6): 民政、人防、事发地人民政府)", async () => {
    const office = await as("office_staff");
    const created = await office.post<{ id: string }>("/api/shelters", {
      name: "洛龙区体育中心避难场所",
      type: "stadium",
      class: "II",
      capacity: 5000,
      lat: 34.6197,
      lng: 112.4638,
      ownerUnitId: "dept-education-sports",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const director = await as("director");
    const refused = await director.post<Problem>(`/api/shelters/${created.body.id}/open`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.needed).toEqual(["民政", "人防", "事发地人民政府"]);
    const opened = await civilHead.post<{ status: string }>(`/api/shelters/${created.body.id}/open`, {});
    expect(opened.body.status).toBe("open");
  });
});
