/**
 * The incidents API over real HTTP and a real database: 401 → 400 → 403 → 409 → success for each
 * write, the bad-input list (nothing written), Idempotency-Key, numbering under concurrency,
 * duplicates and merging, reports as DOCX, instructions, the timeline and the live stream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
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

async function countIncidents(): Promise<number> {
  const row = await server.ctx.db
    .selectFrom("incidents")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function register(body: Record<string, unknown>, as = "duty"): Promise<IncidentDto> {
  const res = await (await login(as)).post<IncidentDto>("/api/incidents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("registration", () => {
  it("answers 401 without a session", async () => {
    const res = await ApiClient.anonymous(server.url).post<Problem>("/api/incidents", gasLeak(clock.now()));
    expect(res.status).toBe(401);
  });

  it("names every bad field at once and writes nothing (unknown subtype and division, occurred after received, future, unknown level)", async () => {
    const duty = await login("duty");
    const before = await countIncidents();
    const now = clock.now();
    const res = await duty.post<Problem>("/api/incidents", {
      ...gasLeak(now),
      subtypeId: "alien_invasion",
      divisionCode: "110105999",
      occurredAt: new Date(now.getTime() + 60_000).toISOString(),
      level: "catastrophic",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors).toEqual([
      { path: "subtypeId", message: "预案中没有事件子类“alien_invasion”" },
      { path: "occurredAt", message: "发生时间不能晚于接报时间" },
      { path: "level", message: "预案中没有等级“catastrophic”" },
      { path: "divisionCode", message: "行政区划 110105999 不存在（应为街道、乡、社区或村）" },
    ]);

    const future = await duty.post<Problem>("/api/incidents", {
      ...gasLeak(now),
      occurredAt: new Date(now.getTime() + 86_400_000).toISOString(),
      receivedAt: new Date(now.getTime() + 86_400_000 + 60_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.body.errors?.map((e) => e.path)).toEqual(["occurredAt", "receivedAt"]);

    const negative = await duty.post<Problem>("/api/incidents", {
      ...gasLeak(now),
      figures: { deaths: -1, injuries: 2, economic_loss_yuan: -5 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.errors?.map((e) => e.path).sort()).toEqual([
      "figures.deaths",
      "figures.economic_loss_yuan",
    ]);

    const unknownField = await duty.post<Problem>("/api/incidents", { ...gasLeak(now), severity: "high" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors).toEqual([{ path: "severity", message: "未知字段 severity" }]);

    const noPlace = await duty.post<Problem>("/api/incidents", {
      ...gasLeak(now),
      divisionCode: undefined,
      address: undefined,
    });
    expect(noPlace.status).toBe(400);
    expect(noPlace.body.errors?.[0]?.path).toBe("divisionCode");
    expect(await countIncidents()).toBe(before);
  });

  it("lets the lead department and the street of the area register, refuses others with the authority named", async () => {
    const fireInJianwai = { ...gasLeak(clock.now()), subtypeId: "fire", title: "建外某写字楼火灾" };
    const chengguan = await login("chengguan_staff");
    const refused = await chengguan.post<Problem>("/api/incidents", fireInJianwai);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain("值班员（总值班室）");
    expect(refused.body.needed).toEqual(
      expect.arrayContaining([
        "该事件主责部门（含专项指挥部办公室）的工作人员或负责人",
        "事发地街道（乡）工作人员",
      ]),
    );
    expect((await chengguan.post("/api/incidents", gasLeak(clock.now()))).status).toBe(201);

    const street = await login("jianwai");
    expect((await street.post("/api/incidents", fireInJianwai)).status).toBe(201);
    const elsewhere = await street.post<Problem>("/api/incidents", {
      ...fireInJianwai,
      divisionCode: "110105026",
    });
    expect(elsewhere.status).toBe(403);
  });

  it("returns the first result for a repeated Idempotency-Key and creates nothing more", async () => {
    const duty = await login("duty");
    const before = await countIncidents();
    const body = gasLeak(clock.now(), { title: "幂等测试" });
    const first = await duty.post<IncidentDto>("/api/incidents", body, { "idempotency-key": "intake-42" });
    const second = await duty.post<IncidentDto>("/api/incidents", body, { "idempotency-key": "intake-42" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.number).toBe(first.body.number);
    expect(await countIncidents()).toBe(before + 1);
  });

  it("answers 201 with the incident exactly as a later read shows it (deadlines, timeline, duplicates)", async () => {
    const duty = await login("duty");
    const first = await register(gasLeak(clock.now(), { title: "201 与读取一致（一）", level: "major" }));
    const second = await register(gasLeak(clock.now(), { title: "201 与读取一致（二）", level: "major" }));
    expect(second.possibleDuplicates.map((d) => d.id)).toContain(first.id);
    // The duty room registered a 重大 event: the immediate report to the office is the office's own
    // knowledge, and the timeline says so (000 §4.1, §2.1.3).
    expect(second.timeline.map((e) => e.type)).toEqual([
      "incident.registered",
      "incident.possible_duplicate",
      "deadline.met",
    ]);
    expect(second.deadlines.length).toBeGreaterThan(2);
    const read = await duty.get<IncidentDto>(`/api/incidents/${second.id}`);
    expect(read.status).toBe(200);
    expect(second).toEqual(read.body);
  });

  it("gives gap-free, unique numbers to concurrent registrations", async () => {
    const duty = await login("duty");
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        duty.post<IncidentDto>("/api/incidents", gasLeak(clock.now(), { title: `并发 ${i}` })),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const rows = await server.ctx.db.selectFrom("incidents").select("number").orderBy("number").execute();
    const seqs = rows.map((r) => Number(r.number.slice(-6)));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it("lists with filters and pages with a cursor", async () => {
    const duty = await login("duty");
    await register(gasLeak(clock.now(), { title: "望京火灾", subtypeId: "fire", divisionCode: "110105026" }));
    const fires = await duty.get<{ items: IncidentDto[] }>("/api/incidents?subtype=fire&division=110105026");
    expect(fires.body.items.length).toBeGreaterThanOrEqual(1);
    expect(fires.body.items.every((i) => i.subtypeId === "fire")).toBe(true);
    const pageOne = await duty.get<{ items: IncidentDto[]; nextCursor: string | null }>(
      "/api/incidents?limit=3",
    );
    expect(pageOne.body.items).toHaveLength(3);
    const pageTwo = await duty.get<{ items: IncidentDto[] }>(
      `/api/incidents?limit=3&cursor=${pageOne.body.nextCursor ?? ""}`,
    );
    expect(pageTwo.body.items[0]?.id).not.toBe(pageOne.body.items[2]?.id);
    const bad = await duty.get<Problem>("/api/incidents?level=1&limit=0");
    expect(bad.status).toBe(400);
  });
});

describe("level", () => {
  it("goes 401 → 400 → 403 → 409 → 200 and keeps the reason in the timeline and the audit log", async () => {
    const inc = await register(gasLeak(clock.now()));
    const path = `/api/incidents/${inc.id}/level`;
    expect((await ApiClient.anonymous(server.url).post(path, { level: "general", reason: "x" })).status).toBe(
      401,
    );
    const office = await login("office_staff");
    const bad = await office.post<Problem>(path, { level: "apocalyptic", reason: "x" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "level", message: "预案中没有等级“apocalyptic”" }]);
    const duty = await login("duty");
    const refused = await duty.post<Problem>(path, { level: "general", reason: "电话核实" });
    expect(refused.status).toBe(403);
    expect(refused.body.needed?.[0]).toContain("区应急办工作人员");
    const ok = await office.post<IncidentDto>(path, {
      level: "general",
      reason: "燃气集团现场核实，无人员伤亡",
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ level: "general", levelConfirmed: true });
    // 一般 is determined: the undetermined → city report no longer applies.
    expect(deadline(ok.body, "undetermined_to_city").state).toBe("cancelled");
    expect(ok.body.timeline.find((t) => t.type === "incident.level")?.summary).toBe(
      "调整等级：暂时无法判明等级 → 一般（燃气集团现场核实，无人员伤亡）",
    );

    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "initial", fields: reportFields() });
    await duty.post(`/api/incidents/${inc.id}/reports`, { kind: "final", fields: reportFields() });
    const closed = await office.post<Problem>(path, { level: "larger", reason: "迟到的信息" });
    expect(closed.status).toBe(409);
    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select(["action", "after"])
      .where("entity_id", "=", inc.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "incident.create",
      "incident.level",
      "incident.report",
      "incident.report",
    ]);
  });
});

describe("reports", () => {
  it("names each missing required field, then 403, 409 on a second initial report, and a DOCX document", async () => {
    const inc = await register(gasLeak(clock.now()));
    const path = `/api/incidents/${inc.id}/reports`;
    const duty = await login("duty");
    const missing = await duty.post<Problem>(path, {
      kind: "initial",
      fields: reportFields({ cause: "", trend: "  ", signer: "" }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { path: "fields.cause", message: "缺少必报内容“原因”" },
      { path: "fields.trend", message: "缺少必报内容“发展趋势”" },
      { path: "fields.signer", message: "缺少必报内容“签发人”" },
    ]);
    const unknownKind = await duty.post<Problem>(path, { kind: "interim", fields: reportFields() });
    expect(unknownKind.status).toBe(400);
    const leader = await login("leader");
    expect((await leader.post<Problem>(path, { kind: "initial", fields: reportFields() })).status).toBe(403);

    const preview = await duty.post<{ missing: unknown[]; addressees: string[]; meets: { name: string }[] }>(
      `${path}/preview`,
      { kind: "initial", fields: reportFields({ cause: "" }) },
    );
    expect(preview.body.missing).toEqual([{ path: "fields.cause", message: "缺少必报内容“原因”" }]);
    expect(preview.body.meets.map((m) => m.name)).toContain("信息初报");

    const chengguan = await login("chengguan_staff");
    const filed = await chengguan.post<{ id: string; documentUrl: string; kind: string }>(path, {
      kind: "initial",
      fields: reportFields(),
    });
    expect(filed.status).toBe(201);
    expect((await duty.post<Problem>(path, { kind: "initial", fields: reportFields() })).status).toBe(409);
    const reports = await server.ctx.db
      .selectFrom("incident_reports")
      .select("id")
      .where("incident_id", "=", inc.id)
      .execute();
    expect(reports).toHaveLength(1);

    const doc = await fetch(server.url + filed.body.documentUrl, { headers: { cookie: duty.cookie ?? "" } });
    expect(doc.status).toBe(200);
    expect(doc.headers.get("content-type")).toContain("wordprocessingml");
    const bytes = Buffer.from(await doc.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    // The body XML carries the title, the unit and every required field's name.
    const xml = await unzipDocumentXml(bytes);
    for (const text of [
      "突发事件信息报告",
      "初报",
      "区城管委",
      "签发人",
      "潜在次生灾害",
      "已采取的措施",
      inc.number,
    ]) {
      expect(xml).toContain(text);
    }
  });
});

describe("duplicates, merge, instructions, timeline", () => {
  it("flags a same-subtype incident nearby within the window, and merging keeps both sources and their reports", async () => {
    const near = { lat: 39.9087, lng: 116.4526 };
    const first = await register(
      gasLeak(clock.now(), { location: near, divisionCode: "110105001", title: "永安里燃气味" }),
    );
    clock.advanceMinutes(3);
    const second = await register(
      gasLeak(clock.now(), {
        location: { lat: 39.9095, lng: 116.4531 },
        sourceChannel: "110",
        title: "永安里燃气泄漏（110转）",
      }),
    );
    expect(second.possibleDuplicates.map((d) => d.id)).toContain(first.id);
    expect(second.possibleDuplicates.find((d) => d.id === first.id)?.distanceM).toBeLessThan(200);
    const far = await register(gasLeak(clock.now(), { location: { lat: 40.0, lng: 116.5 } }));
    expect(far.possibleDuplicates.map((d) => d.id)).not.toContain(first.id);

    const duty = await login("duty");
    await duty.post(`/api/incidents/${second.id}/reports`, { kind: "initial", fields: reportFields() });
    const street = await login("jianwai");
    expect((await street.post(`/api/incidents/${second.id}/merge`, { into: first.id })).status).toBe(403);
    const self = await duty.post<Problem>(`/api/incidents/${second.id}/merge`, { into: second.id });
    expect(self.status).toBe(400);
    const merged = await duty.post<IncidentDto>(`/api/incidents/${second.id}/merge`, {
      into: first.id,
      reason: "同一地点同一事件",
    });
    expect(merged.status).toBe(200);
    expect(merged.body.mergedFrom.map((m) => m.id)).toEqual([second.id]);
    expect(merged.body.reports).toHaveLength(1);
    const source = await getIncident(duty, second.id);
    expect(source.status).toBe("merged");
    expect(source.deadlines.filter((d) => d.state === "pending")).toEqual([]);
    expect((await duty.post<Problem>(`/api/incidents/${second.id}/merge`, { into: first.id })).status).toBe(
      409,
    );
    expect(
      (
        await duty.post<Problem>(`/api/incidents/${second.id}/reports`, {
          kind: "continuing",
          fields: reportFields(),
        })
      ).status,
    ).toBe(409);
  });

  it("records a leader's instruction, relays it to the lead department and takes its feedback", async () => {
    const inc = await register(gasLeak(clock.now()));
    const duty = await login("duty");
    const bad = await duty.post<Problem>(`/api/incidents/${inc.id}/instructions`, {
      leader: "孙伟",
      content: "x",
      relayTo: ["dept-chengguan", "dept-nowhere"],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "relayTo.1", message: "组织单元 dept-nowhere 不存在" }]);
    const street = await login("jianwai");
    const refused = await street.post<Problem>(`/api/incidents/${inc.id}/instructions`, {
      leader: "孙伟",
      content: "x",
    });
    expect(refused.status).toBe(403);
    const rec = await duty.post<{ id: string; relayTo: { name: string }[] }>(
      `/api/incidents/${inc.id}/instructions`,
      {
        leader: "分管区领导 孙伟",
        content: "全力做好居民疏散安置，及时报告进展。",
        relayTo: ["dept-chengguan"],
      },
    );
    expect(rec.status).toBe(201);
    expect(rec.body.relayTo.map((u) => u.name)).toEqual(["区城管委"]);
    const chengguan = await login("chengguan");
    const notes = await chengguan.get<{ items: { title: string }[] }>("/api/notifications");
    expect(notes.body.items.map((n) => n.title)).toContain(`领导批示：${inc.number}`);
    const fb = await chengguan.post<{ feedback: { channel: string }[] }>(
      `/api/incidents/${inc.id}/instructions/${rec.body.id}/feedback`,
      { channel: "phone", content: "已电话反馈：疏散 40 人，无伤亡。" },
    );
    expect(fb.status).toBe(200);
    expect(fb.body.feedback.map((f) => f.channel)).toEqual(["phone"]);
    const timeline = (await getIncident(duty, inc.id)).timeline;
    const own = timeline.filter((t) => t.type !== "incident.possible_duplicate");
    expect(own.map((t) => t.type)).toEqual([
      "incident.registered",
      "instruction.recorded",
      "instruction.feedback",
    ]);
    expect(own.map((t) => t.actorName)).toEqual(["值班员 王明", "值班员 王明", "城管委负责人 刘强"]);
  });

  it("streams new incidents, level changes, reports and deadline changes to signed-in users", async () => {
    const office = await login("office");
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/stream`, {
      headers: { cookie: office.cookie ?? "" },
      signal: controller.signal,
    });
    const reader = res.body?.getReader();
    if (!reader) {
      throw new Error("no stream");
    }
    const decoder = new TextDecoder();
    const seen: { type: string; entityId: string }[] = [];
    let buffer = "";
    let id = "";
    const wanted = ["incident.created", "deadline.state", "report.filed", "incident.level_changed"];
    while (!wanted.every((w) => seen.some((s) => s.type === w && s.entityId === id))) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const name = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (name === "ready") {
          const inc = await register(gasLeak(clock.now(), { title: "直播测试" }));
          id = inc.id;
          await (await login("duty")).post(`/api/incidents/${id}/reports`, {
            kind: "initial",
            fields: reportFields(),
          });
          await office.post(`/api/incidents/${id}/level`, { level: "general", reason: "核实" });
        } else if (name && data) {
          seen.push({ type: name, entityId: (JSON.parse(data) as { entityId: string }).entityId });
        }
      }
    }
    controller.abort();
    expect(wanted.every((w) => seen.some((s) => s.type === w && s.entityId === id))).toBe(true);
  });

  it("serves the intake form's plan data", async () => {
    const meta = await (await login("duty")).get<{
      numberPrefix: string;
      categories: { subtypes: { id: string; name: string }[] }[];
      levels: { id: string }[];
      requiredFields: { id: string }[];
    }>("/api/incidents/meta");
    expect(meta.body.numberPrefix).toBe("CY");
    expect(meta.body.categories.flatMap((c) => c.subtypes.map((s) => s.id))).toContain("gas");
    expect(meta.body.levels.map((l) => l.id)).toEqual([
      "especially_major",
      "major",
      "larger",
      "general",
      "below_general",
      "undetermined",
    ]);
    expect(meta.body.requiredFields).toHaveLength(15);
  });
});

/** Extracts word/document.xml from a DOCX (a zip) with the zip central directory, no extra package. */
async function unzipDocumentXml(zip: Buffer): Promise<string> {
  const { inflateRawSync } = await import("node:zlib");
  let offset = 0;
  while (offset < zip.length - 30 && zip.readUInt32LE(offset) === 0x04034b50) {
    const method = zip.readUInt16LE(offset + 8);
    const compressed = zip.readUInt32LE(offset + 18);
    const nameLength = zip.readUInt16LE(offset + 26);
    const extraLength = zip.readUInt16LE(offset + 28);
    const name = zip.subarray(offset + 30, offset + 30 + nameLength).toString();
    const start = offset + 30 + nameLength + extraLength;
    const data = zip.subarray(start, start + compressed);
    if (name === "word/document.xml") {
      return (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    }
    offset = start + compressed;
  }
  throw new Error("word/document.xml not found");
}
