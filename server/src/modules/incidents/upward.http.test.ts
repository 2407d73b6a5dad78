/**
 * Who already knows and who must approve (issue 13 items 6, 11), under a ManualClock on the real server:
 * - 000 §4.1 "区应急办对于接报的各类突发事件信息，在报请区应急委相关领导批准后，按规定及时向市应急办（市应急
 *   指挥中心）报告": the report to the city counts as sent only once a leader approved it;
 * - 000 §4.1 "…要立即报告区应急办" with §2.1.3 (区应急办统一接收、研判): the office's own level change is the
 *   office's knowledge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { deadline, gasLeak, getIncident, type IncidentDto, reportFields } from "./support.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
const clients = new Map<string, ApiClient>();

async function login(username: string): Promise<ApiClient> {
  let client = clients.get(username);
  if (!client) {
    client = await server.login(username);
    clients.set(username, client);
  }
  return client;
}

beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

async function register(body: Record<string, unknown>, as = "duty"): Promise<IncidentDto> {
  const res = await (await login(as)).post<IncidentDto>("/api/incidents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const sweep = () => server.ctx.scheduler.runOnce(server.ctx);

async function auditActions(entityId: string, action: string) {
  return server.ctx.db
    .selectFrom("audit_log")
    .select(["action", "actor_id"])
    .where("entity_id", "=", entityId)
    .where("action", "=", action)
    .execute();
}

describe("reports to the city need a committee leader's approval (000 §4.1)", () => {
  it("holds the duty officer's initial report as 待领导批准上报 until the director approves; then it is sent and the deadline met", async () => {
    const inc = await register(gasLeak(clock.now(), { title: "某小区燃气泄漏待批" }));
    const duty = await login("duty");
    clock.advanceMinutes(5);
    const filed = await duty.post(`/api/incidents/${inc.id}/reports`, {
      kind: "initial",
      fields: reportFields(),
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    let current = await getIncident(duty, inc.id);
    const city = deadline(current, "undetermined_to_city");
    // The initial report alone does not count as sent to the city.
    expect(city).toMatchObject({ state: "pending", awaitingApproval: true, metBy: null });
    expect(deadline(current, "initial").state).toBe("met");
    expect(current.timeline.map((e) => e.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining("待领导批准上报：暂时无法判明等级的事件报市应急办")]),
    );
    // The button is the approver's: not the duty officer's, not the office director's.
    expect(current.allowedActions).not.toContain("approveUpward");
    const office = await login("office");
    expect((await getIncident(office, inc.id)).allowedActions).not.toContain("approveUpward");
    const director = await login("director");
    expect((await getIncident(director, inc.id)).allowedActions).toContain("approveUpward");
    const deputy = await login("deputy");
    expect((await getIncident(deputy, inc.id)).allowedActions).toContain("approveUpward");

    // 403 names who may (the profile's reporting.upward.approvedBy).
    const refused = await duty.post<{ detail: string }>(
      `/api/incidents/${inc.id}/deadlines/${city.id}/approve-upward`,
      {},
    );
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("区应急委主任");

    // The approvers were told.
    const notices = await director.get<{ items: { title: string }[] }>("/api/notifications");
    expect(notices.body.items.map((n) => n.title)).toContain(`待批准上报：${inc.number}`);

    clock.advanceMinutes(10);
    const approved = await director.post<IncidentDto>(
      `/api/incidents/${inc.id}/deadlines/${city.id}/approve-upward`,
      { note: "同意报市应急办" },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    current = approved.body;
    expect(deadline(current, "undetermined_to_city")).toMatchObject({
      state: "met",
      lateMinutes: 0,
      awaitingApproval: false,
      approvedByName: expect.any(String),
      metBy: filed.body && (filed.body as { id: string }).id,
    });
    expect(current.allowedActions).not.toContain("approveUpward");
    expect(await auditActions(inc.id, "incident.upward_approved")).toHaveLength(1);

    // Approving twice is a 409 naming the state.
    const again = await director.post<{ detail: string }>(
      `/api/incidents/${inc.id}/deadlines/${city.id}/approve-upward`,
      {},
    );
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("没有待领导批准上报的报告");
    const unknown = await director.post(`/api/incidents/${inc.id}/deadlines/nope/approve-upward`, {});
    expect(unknown.status).toBe(404);
  });

  it("lets the 30-minute deadline go overdue while the report waits, and counts the approval's minutes as 迟报", async () => {
    const inc = await register(gasLeak(clock.now(), { title: "某小区燃气泄漏迟批" }));
    const duty = await login("duty");
    clock.advanceMinutes(5);
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: reportFields() });
    clock.advanceMinutes(26); // 31 min after receipt: the city report was due at 30
    await sweep();
    let current = await getIncident(duty, inc.id);
    const city = deadline(current, "undetermined_to_city");
    expect(city).toMatchObject({ state: "overdue", awaitingApproval: true });
    clock.advanceMinutes(4);
    const director = await login("director");
    const approved = await director.post<IncidentDto>(
      `/api/incidents/${inc.id}/deadlines/${city.id}/approve-upward`,
      {},
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    current = approved.body;
    expect(deadline(current, "undetermined_to_city")).toMatchObject({ state: "met", lateMinutes: 5 });
  });
});

describe("the office's own knowledge (000 §4.1, §2.1.3)", () => {
  // 000 §4.1 "能够判定为较大及以上突发事件等级的…要立即报告区应急办"; §2.1.3 区应急办统一接收、研判: when the office
  // itself raises the level, the report owed to the office is the office's own knowledge (issue 13 item 11).
  it("does not owe the office a report of the office's own level change: met at once, never overdue", async () => {
    const inc = await register(gasLeak(clock.now(), { title: "某小区燃气泄漏后爆燃" }));
    expect(inc.deadlines.map((d) => d.ruleId)).not.toContain("immediate_to_office");
    clock.advanceMinutes(3);
    const office = await login("office");
    const raised = await office.post<IncidentDto>(`/api/incidents/${inc.id}/level`, {
      level: "larger",
      reason: "现场确认 3 人死亡",
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(deadline(raised.body, "immediate_to_office")).toMatchObject({ state: "met", lateMinutes: 0 });
    expect(
      raised.body.timeline.some(
        (e) => e.type === "deadline.met" && e.summary.includes("区应急办自行研判调整等级"),
      ),
    ).toBe(true);
    clock.advanceMinutes(2);
    await sweep();
    const after = await getIncident(office, inc.id);
    expect(deadline(after, "immediate_to_office")).toMatchObject({
      state: "met",
      lateMinutes: 0,
      escalatedAt: null,
    });
    const audit = await auditActions(inc.id, "incident.deadlines_known_to_office");
    expect(audit).toHaveLength(1);

    // A level raised by someone who is not the office (the committee's leader) still owes the office the report.
    const other = await register(gasLeak(clock.now(), { title: "某小区燃气管道破裂" }), "chengguan_staff");
    const leader = await login("director");
    const byLeader = await leader.post<IncidentDto>(`/api/incidents/${other.id}/level`, {
      level: "larger",
      reason: "区应急委研判",
    });
    expect(byLeader.status, JSON.stringify(byLeader.body)).toBe(200);
    expect(deadline(byLeader.body, "immediate_to_office").state).toBe("pending");
  });
});
