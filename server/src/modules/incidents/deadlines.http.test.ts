/**
 * Every Chaoyang reporting deadline (000 §4.1; notes §7.1) under a controlled clock: met, late (迟报
 * with minutes), overdue and escalated (in-app, and through the outbox by SMS and webhook to local
 * fake endpoints), over real HTTP and a real database.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { smsAdapter } from "../notify/sms.js";
import { deadline, gasLeak, getIncident, type IncidentDto, reportFields } from "./support.js";

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
const clients = new Map<string, ApiClient>();

/** One session per user for the whole file (logins are rate-limited per minute). */
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

const MIN = 60_000;
const at = (base: string, minutes: number) =>
  new Date(new Date(base).getTime() + minutes * MIN).toISOString();

async function register(body: Record<string, unknown>, as = "duty"): Promise<IncidentDto> {
  const client = await login(as);
  const res = await client.post<IncidentDto>("/api/incidents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function sweep() {
  return server.ctx.scheduler.runOnce(server.ctx);
}

async function notificationsOf(username: string) {
  const client = await login(username);
  const res = await client.get<{ items: { title: string; body: string; link: string | null }[] }>(
    "/api/notifications",
  );
  return res.body.items;
}

describe("Chaoyang deadlines (000 §4.1)", () => {
  it("sets initial ≤10 min after receipt, detailed ≤2 h after occurrence, undetermined → city ≤30 min, 宣传部 with the initial report", async () => {
    const now = clock.now();
    const occurred = new Date(now.getTime() - 50 * MIN);
    const inc = await register(gasLeak(now, { occurredAt: occurred.toISOString() }));
    expect(inc.number).toMatch(/^CY-2026-\d{6}$/);
    expect(inc.leadDepartments.map((d) => d.name)).toEqual(["区城管委"]);
    // 000 §1.2.4: Chaoyang has no quantitative criteria, so the grade is "not yet determinable".
    expect(inc.level).toBe("undetermined");
    expect(inc.suggestedLevel.kind).toBe("not_determinable");
    const receipt = now.toISOString();
    expect(deadline(inc, "initial").dueAt).toBe(at(receipt, 10));
    expect(deadline(inc, "detailed").dueAt).toBe(at(occurred.toISOString(), 120));
    expect(deadline(inc, "undetermined_to_city").dueAt).toBe(at(receipt, 30));
    expect(deadline(inc, "publicity_with_report").dueAt).toBe(at(receipt, 10));
    expect(inc.deadlines.map((d) => d.ruleId)).not.toContain("immediate_to_office");
    expect(inc.deadlines.every((d) => d.state === "pending")).toBe(true);
  });

  it("an initial report within 10 minutes meets the initial deadline on time, and the city / 宣传部 ones with it", async () => {
    const inc = await register(gasLeak(clock.now()));
    clock.advanceMinutes(8);
    const duty = await login("duty");
    const filed = await duty.post<{ addressees: string[]; metDeadlines: string[] }>(
      `/api/incidents/${inc.id}/reports`,
      { kind: "initial", fields: reportFields() },
    );
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.addressees).toEqual(expect.arrayContaining(["区应急办", "区委宣传部", "市应急办"]));
    const after = await getIncident(duty, inc.id);
    expect(deadline(after, "initial")).toMatchObject({ state: "met", lateMinutes: 0 });
    // 000 §4.1 报请区应急委相关领导批准后: the report to the city waits for the leader (upward.http.test.ts).
    expect(deadline(after, "undetermined_to_city")).toMatchObject({
      state: "pending",
      awaitingApproval: true,
    });
    expect(deadline(after, "publicity_with_report")).toMatchObject({ state: "met", lateMinutes: 0 });
    expect(deadline(after, "detailed").state).toBe("pending");
    expect(after.timeline.map((t) => t.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining("信息初报：按时报送")]),
    );
  });

  it("marks a missed initial report overdue at 10 min, escalates it to the duty officers and the director, and a later report is 迟报 with the minutes", async () => {
    const inc = await register(
      gasLeak(clock.now(), { title: "望京某餐馆燃气泄漏", divisionCode: "110105026" }),
    );
    clock.advanceMinutes(9);
    await sweep();
    const duty = await login("duty");
    expect(deadline(await getIncident(duty, inc.id), "initial").state).toBe("pending");

    clock.advanceMinutes(2); // 11 min after receipt
    const handled = await sweep();
    expect(handled["incident-deadlines"]).toBeGreaterThanOrEqual(2);
    const overdue = await getIncident(duty, inc.id);
    expect(deadline(overdue, "initial")).toMatchObject({
      state: "overdue",
      escalatedAt: clock.now().toISOString(),
    });
    expect(deadline(overdue, "publicity_with_report").state).toBe("overdue");
    // The entry names the missed time in Beijing time, as the duty desk reads it.
    const dueAt = new Date(deadline(overdue, "initial").dueAt);
    const beijing = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(dueAt);
    expect(overdue.timeline.find((t) => t.type === "deadline.overdue")?.summary).toContain(
      `信息初报（应于 ${beijing} 前）`,
    );

    for (const user of ["duty", "office"]) {
      const notes = await notificationsOf(user);
      expect(notes.find((n) => n.title === `报送超时：${inc.number}`)?.link).toBe(
        `/duty/incidents/${inc.id}`,
      );
    }
    expect((await notificationsOf("chengguan")).some((n) => n.title.includes(inc.number))).toBe(false);

    const list = await duty.get<{ items: { incidentId: string; ruleId: string }[] }>(
      "/api/deadlines?state=overdue",
    );
    expect(list.body.items.filter((d) => d.incidentId === inc.id).map((d) => d.ruleId)).toEqual(
      expect.arrayContaining(["initial", "publicity_with_report"]),
    );

    clock.advanceMinutes(2); // 13 min after receipt: 3 minutes late
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: reportFields() });
    const late = await getIncident(duty, inc.id);
    expect(deadline(late, "initial")).toMatchObject({ state: "met", lateMinutes: 3 });
    expect(late.timeline.map((t) => t.summary)).toContain("信息初报：迟报 3 分钟");
    // A second sweep does not escalate the same deadline again.
    const before = (await notificationsOf("duty")).length;
    await sweep();
    expect((await notificationsOf("duty")).length).toBe(before);
  });

  it("counts the detailed report from occurrence: a late-received event can be due sooner, and a continuing report meets it", async () => {
    const now = clock.now();
    const inc = await register(
      gasLeak(now, { occurredAt: new Date(now.getTime() - 100 * MIN).toISOString() }),
    );
    expect(deadline(inc, "detailed").dueAt).toBe(at(now.toISOString(), 20));
    const duty = await login("duty");
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: reportFields() });
    clock.advanceMinutes(21);
    await sweep();
    expect(deadline(await getIncident(duty, inc.id), "detailed").state).toBe("overdue");
    clock.advanceMinutes(4);
    const res = await duty.post(`/api/incidents/${inc.id}/reports`, {
      kind: "continuing",
      fields: reportFields(),
    });
    expect(res.status).toBe(201);
    expect(deadline(await getIncident(duty, inc.id), "detailed")).toMatchObject({
      state: "met",
      lateMinutes: 5,
    });
  });

  it("reports 较大 and above to the office at once: met by the office's own registration, and the office notifies 宣传部/网信办 at once", async () => {
    const inc = await register(gasLeak(clock.now(), { title: "某商场燃气爆燃", level: "larger" }));
    expect(deadline(inc, "immediate_to_office")).toMatchObject({ state: "met", lateMinutes: 0 });
    expect(deadline(inc, "office_notifies_sensitive").dueAt).toBe(clock.now().toISOString());
    expect(inc.deadlines.map((d) => d.ruleId)).not.toContain("undetermined_to_city");

    // The same event reported by the lead department is an immediate report still owed to the office.
    const byDept = await register(
      gasLeak(clock.now(), { title: "燃气管线破损", level: "larger" }),
      "chengguan_staff",
    );
    expect(deadline(byDept, "immediate_to_office").state).toBe("pending");
    clock.advance(30_000);
    await sweep();
    const duty = await login("duty");
    expect(deadline(await getIncident(duty, byDept.id), "immediate_to_office").state).toBe("overdue");
  });

  it("for an important event, a key area or a special period with major impact, the immediate report applies too", async () => {
    const flagged = await register(
      gasLeak(clock.now(), { flags: ["key_area", "major_impact"] }),
      "chengguan_staff",
    );
    expect(deadline(flagged, "immediate_to_office").state).toBe("pending");
    const keyAreaOnly = await register(gasLeak(clock.now(), { flags: ["key_area"] }), "chengguan_staff");
    expect(keyAreaOnly.deadlines.map((d) => d.ruleId)).not.toContain("immediate_to_office");
  });

  it("notifies 区台办 and 区外办 together and immediately for foreign / HK-Macao-Taiwan events", async () => {
    const inc = await register(gasLeak(clock.now(), { flags: ["foreign"] }));
    const d = deadline(inc, "foreign_taiwan");
    expect(d.dueAt).toBe(clock.now().toISOString());
    const duty = await login("duty");
    const filed = await duty.post<{ addressees: string[] }>(`/api/incidents/${inc.id}/reports`, {
      kind: "initial",
      fields: reportFields(),
    });
    expect(filed.body.addressees).toEqual(expect.arrayContaining(["区台办", "区外办"]));
  });

  it("asks for a continuing report every 30 minutes for 重大 while handling goes on, and stops at the final report", async () => {
    const inc = await register(gasLeak(clock.now()));
    const duty = await login("duty");
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: reportFields() });
    clock.advanceMinutes(10);
    const office = await login("office");
    const raised = await office.post<IncidentDto>(`/api/incidents/${inc.id}/level`, {
      level: "major",
      reason: "现场确认 3 人死亡",
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body).toMatchObject({ level: "major", levelConfirmed: true });
    // Raised to 重大 now: the first continuing report is due 30 min from now (its clock cannot start before).
    const first = deadline(raised.body, "continuing", 1);
    expect(first.dueAt).toBe(at(clock.now().toISOString(), 30));
    // The grade is now determined: the 30-minute rule for undetermined grades no longer applies, and
    // its report, still waiting for approval, is not owed any more.
    expect(deadline(raised.body, "undetermined_to_city").state).toBe("cancelled");

    clock.advanceMinutes(24);
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "continuing", fields: reportFields() });
    let current = await getIncident(duty, inc.id);
    // 000 §4.1: reports to the city go out once a committee leader approved them.
    expect(deadline(current, "continuing", 1)).toMatchObject({ state: "pending", awaitingApproval: true });
    clock.advanceMinutes(1);
    const director = await login("director");
    const approved = await director.post<IncidentDto>(
      `/api/incidents/${inc.id}/deadlines/${deadline(current, "continuing", 1).id}/approve-upward`,
      {},
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    current = approved.body;
    expect(deadline(current, "continuing", 1)).toMatchObject({ state: "met", lateMinutes: 0 });
    const second = deadline(current, "continuing", 2);
    expect(second.dueAt).toBe(at(clock.now().toISOString(), 30));

    clock.advanceMinutes(31);
    await sweep();
    current = await getIncident(duty, inc.id);
    expect(deadline(current, "continuing", 2).state).toBe("overdue");

    clock.advanceMinutes(1);
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "final", fields: reportFields() });
    current = await getIncident(duty, inc.id);
    expect(current.status).toBe("closed");
    // The final report to the city, too, waits for the leader; the approval sends it (迟报 from due).
    expect(deadline(current, "continuing", 2)).toMatchObject({ state: "overdue", awaitingApproval: true });
    const sent = await director.post<IncidentDto>(
      `/api/incidents/${inc.id}/deadlines/${deadline(current, "continuing", 2).id}/approve-upward`,
      {},
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    current = sent.body;
    expect(deadline(current, "continuing", 2)).toMatchObject({ state: "met", lateMinutes: 2 });
    expect(current.deadlines.filter((d) => d.ruleId === "continuing")).toHaveLength(2);
    expect(current.deadlines.filter((d) => d.state === "pending")).toEqual([]);
  });

  it("sends each escalation once through the outbox to the configured webhook", async () => {
    const { url, received, close } = await collector<{ payload: { incidentNumber: string; kind: string } }>();
    try {
      server.ctx.config.incidents.escalationWebhookUrl = `${url}/escalate`;
      await sweep(); // drain anything already due before this test
      received.length = 0;
      const inc = await register(
        gasLeak(clock.now(), { title: "双井某小区燃气泄漏", divisionCode: "110105018" }),
      );
      clock.advanceMinutes(11);
      await sweep(); // marks overdue, writes the outbox rows
      await sweep(); // the outbox sweep delivers them
      await sweep();
      const mine = received.filter((r) => r.body.payload.incidentNumber === inc.number);
      expect(mine.map((r) => r.body.payload.kind).sort()).toEqual(["initial", "notification"]);
      expect(new Set(mine.map((r) => r.key)).size).toBe(2);
    } finally {
      server.ctx.config.incidents.escalationWebhookUrl = undefined;
      close();
    }
  });

  it("texts the duty officers and the office director who have a mobile number, once per sweep", async () => {
    const gateway = await collector<{ to: string; text: string }>();
    const admin = await login("admin");
    const phones = new Map([
      ["duty", "13800000001"],
      ["office", "13800000002"],
      ["office_staff", "13800000003"],
    ]);
    const users = (await admin.get<{ items: { id: string; username: string }[] }>("/api/users?limit=200"))
      .body;
    for (const [username, phone] of phones) {
      const user = users.items.find((u) => u.username === username);
      expect((await admin.patch(`/api/users/${user?.id}`, { phone })).status).toBe(200);
    }
    server.ctx.channels.set("sms", smsAdapter({ endpoint: `${gateway.url}/sms`, ratePerSecond: 10_000 }));
    try {
      await sweep(); // drain anything already due before this test
      gateway.received.length = 0;
      const inc = await register(
        gasLeak(clock.now(), { title: "劲松某小区燃气泄漏", divisionCode: "110105018" }),
      );
      clock.advanceMinutes(11);
      await sweep(); // marks the initial report and the publicity notice overdue, queues the texts
      await sweep(); // the outbox sweep sends them
      await sweep();
      // The office director and the duty officer, each once, naming the incident; office staff are
      // not escalated to.
      expect(gateway.received.map((r) => r.body.to).sort()).toEqual(["13800000001", "13800000002"]);
      for (const { body, key } of gateway.received) {
        expect(body.text).toContain(inc.number);
        expect(body.text).toContain("已超过时限");
        expect(key).toBeDefined();
      }
    } finally {
      server.ctx.channels.delete("sms");
      gateway.close();
    }
  });
});

/** A local HTTP endpoint that answers 204 and keeps every JSON body it is sent, with its idempotency key. */
async function collector<T>() {
  const received: { key: string | undefined; body: T }[] = [];
  const sink = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      received.push({
        key: req.headers["idempotency-key"] as string | undefined,
        body: JSON.parse(body) as T,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}`,
    received,
    close: () => sink.close(),
  };
}
