import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";
import { CAP_EXAMPLES, CBD_SQUARE, draftBody, JIANWAI, xmllint } from "./testSupport.js";

interface View {
  id: string;
  status: string;
  colour: string;
  version: number;
  publicState: string;
  awaiting: string[];
  allowedActions: string[];
  pending: { kind: string; state: string } | null;
  history: { action: string; actorName: string; version: number }[];
  messages: { seq: number; identifier: string; msgType: string; scope: string }[];
  tasks: { id: string; kind: string; title: string; unitName: string; state: string }[];
  deliveries: { channel: string; state: string; count: number }[];
  response: { activatedBy: { label: string }[] } | null;
  source: Record<string, unknown> | null;
  area: { divisionCodes: string[]; features: unknown[] };
  smsSegments: number;
}

const clock = new ManualClock("2026-11-27T03:00:00Z");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

/** One session per account for the whole file (logins are rate limited per IP). */
const sessions = new Map<string, Promise<ApiClient>>();
function as(username: string): Promise<ApiClient> {
  let s = sessions.get(username);
  if (!s) {
    s = server.login(username);
    sessions.set(username, s);
  }
  return s;
}

/** POSTs raw XML (the test client always sends JSON). */
async function postXml(client: ApiClient, xml: string, contentType = "application/xml") {
  const res = await fetch(`${server.url}/api/cap/import`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      cookie: client.cookie ?? "",
      "x-csrf-token": client.csrfToken ?? "",
    },
    body: xml,
  });
  return { status: res.status, body: (await res.json()) as View & Problem & Record<string, unknown> };
}

async function draft(as: ApiClient, overrides: Record<string, unknown> = {}) {
  const res = await as.post<View>("/api/warnings", draftBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe("warning lifecycle over HTTP (000 §3.3.1)", () => {
  it("401 → 400 → 403 → 409 → success on the draft route", async () => {
    const anon = ApiClient.anonymous(server.url);
    expect((await anon.post("/api/warnings", draftBody())).status).toBe(401);
    const staff = await as("chengguan_staff");
    const bad = await staff.post<Problem>("/api/warnings", { ...draftBody(), colour: "purple", extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["colour", "extra"]));
    const admin = await as("admin");
    const refused = await admin.post<Problem>("/api/warnings", draftBody());
    expect(refused.status).toBe(403);
    expect(refused.body.needed).toEqual(["起草单位工作人员", "区应急办"]);
    const created = await draft(staff);
    expect(created.status).toBe("draft");
    expect(created.allowedActions).toEqual(expect.arrayContaining(["edit", "propose"]));
    expect(created.awaiting).toEqual(["区相关专项应急指挥部办公室或部门"]);
  });

  it("names every invalid geometry field and writes nothing", async () => {
    const staff = await as("chengguan_staff");
    const before = await staff.get<{ items: unknown[] }>("/api/warnings");
    const open = {
      ...CBD_SQUARE,
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.45, 39.9],
            [116.48, 39.9],
            [116.48, 39.93],
            [116.45, 39.93],
          ],
        ],
      },
    };
    const bowtie = {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.45, 39.9],
            [116.48, 39.93],
            [116.48, 39.9],
            [116.45, 39.93],
            [116.45, 39.9],
          ],
        ],
      },
    };
    const outside = {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [116.2, 39.9],
            [116.25, 39.9],
            [116.25, 39.95],
            [116.2, 39.9],
          ],
        ],
      },
    };
    const many = {
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            ...Array.from({ length: 120 }, (_, i) => [
              116.46 + 0.01 * Math.cos((2 * Math.PI * i) / 120),
              39.92 + 0.01 * Math.sin((2 * Math.PI * i) / 120),
            ]),
            [116.47, 39.92],
          ],
        ],
      },
    };
    many.geometry.coordinates[0]?.push(many.geometry.coordinates[0]?.[0] ?? []);
    const bigCircle = {
      type: "Feature",
      properties: { radiusKm: 30 },
      geometry: { type: "Point", coordinates: [116.46, 39.92] },
    };
    const res = await staff.post<Problem>(
      "/api/warnings",
      draftBody({
        area: { divisionCodes: [JIANWAI, "110108001"], features: [open, bowtie, outside, many, bigCircle] },
      }),
    );
    expect(res.status).toBe(400);
    const paths = res.body.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual([
      "area.divisionCodes.1",
      "area.features.0.geometry.coordinates",
      "area.features.1.geometry.coordinates",
      "area.features.2.geometry.coordinates",
      "area.features.3.geometry.coordinates",
      "area.features.4.properties.radiusKm",
    ]);
    const messages = res.body.errors?.map((e) => e.message).join("\n") ?? "";
    expect(messages).toMatch(/未闭合/);
    expect(messages).toMatch(/自相交/);
    expect(messages).toMatch(/超出朝阳区辖区/);
    expect(messages).toMatch(/超过 100 个/);
    const after = await staff.get<{ items: unknown[] }>("/api/warnings");
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it("drafts, proposes to the leader in charge, approves, publishes; the drafter cannot approve their own", async () => {
    const staff = await as("chengguan_staff");
    const w = await draft(staff);
    const incomplete = await draft(staff, { content: { precautions: "待补充" }, expiresAt: null });
    const missing = await staff.post<Problem>(`/api/warnings/${incomplete.id}/propose`, {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.map((e) => e.path)).toEqual([
      "expiresAt",
      "content.situation",
      "content.governmentMeasures",
      "content.publicAdvice",
      "content.hotline",
    ]);
    // Publishing an unapproved warning is a wrong state, once the publisher holds the authority.
    const early = await staff.post<Problem>(`/api/warnings/${w.id}/publish`, { channels: ["inApp"] });
    expect(early.status).toBe(409);
    expect((await staff.post(`/api/warnings/${w.id}/propose`, { note: "请审批" })).status).toBe(200);
    // The department head is not the district leader in charge.
    const head = await as("chengguan");
    const wrong = await head.post<Problem>(`/api/warnings/${w.id}/approve`, {});
    expect(wrong.status).toBe(403);
    expect(wrong.body.needed).toEqual(["主管区领导"]);
    expect(wrong.body.detail).toContain("000 §3.3.1 第2项");
    const leader = await as("leader");
    const approved = await leader.post<View>(`/api/warnings/${w.id}/approve`, { note: "同意发布" });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("approved");
    const published = await staff.post<View>(`/api/warnings/${w.id}/publish`, {
      channels: ["inApp", "sms", "public"],
    });
    expect(published.status).toBe(200);
    const v = published.body;
    expect(v.status).toBe("published");
    expect(v.version).toBe(1);
    // A department publishes within the system; society is the emergency office's (第8项).
    expect(v.publicState).toBe("requested");
    expect(v.messages).toEqual([expect.objectContaining({ seq: 1, msgType: "Alert", scope: "Restricted" })]);
    expect(v.messages[0]?.identifier).toMatch(/^110105\d{3}00100_20261127110000_0$/);
    expect(v.history.map((h) => h.action)).toEqual([
      "create",
      "propose",
      "approve",
      "response",
      "publish",
      "file",
      "request_release",
    ]);
    // Warning response (§3.3.2): yellow → HQ office or lead department; measures checklist (§3.3.3).
    expect(v.response?.activatedBy.map((a) => a.label)).toEqual(["区相关专项应急指挥部办公室或主责部门"]);
    const measures = v.tasks.filter((t) => t.kind === "measure");
    expect(measures).toHaveLength(11); // the ten numbered measures + 法律、法规、规章规定的其他… (L233)
    expect(measures[10]?.title).toContain("其他必要的防范性、保护性措施");
    expect(new Set(measures.map((t) => t.unitName))).toEqual(
      new Set(["区城市公共设施事故应急指挥部、区城管委"]),
    );
    // Filing (备案) with the office and the city (第2项); door-to-door for 建外's communities (第6项).
    expect(v.tasks.filter((t) => t.kind === "filing").map((t) => t.unitName)).toEqual([
      "区应急办（区突发事件预警信息发布中心）",
      "市应急办",
      "市有关部门",
    ]);
    expect(v.tasks.filter((t) => t.kind === "door_to_door").length).toBeGreaterThan(5);
    // Not visible to the public yet.
    const anon = ApiClient.anonymous(server.url);
    const before = await anon.get<{ items: { id: string }[] }>("/api/public/warnings");
    expect(before.body.items.map((i) => i.id)).not.toContain(w.id);
    const office = await as("office");
    const inbox = await office.get<{ items: { id: string }[] }>("/api/warnings?inbox=true");
    expect(inbox.body.items.map((i) => i.id)).toContain(w.id);
    const released = await office.post<View>(`/api/warnings/${w.id}/release`, {});
    expect(released.body.publicState).toBe("released");
    expect(released.body.messages.map((m) => `${m.msgType}/${m.scope}`)).toEqual([
      "Alert/Restricted",
      "Alert/Public",
    ]);
    const after = await anon.get<{ items: { id: string; colourName: string }[] }>("/api/public/warnings");
    expect(after.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: w.id, colourName: "黄色" })]),
    );
    const atom = await fetch(`${server.url}/api/public/cap.atom`);
    expect(atom.headers.get("content-type")).toContain("application/atom+xml");
    const feed = await atom.text();
    expect(feed).toContain(released.body.messages[1]?.identifier);
    expect(feed).toContain(`/api/public/warnings/${w.id}/cap.xml`);
  });

  it("the drafter can never approve their own warning, even holding the authority", async () => {
    // Relayed yellow: signed off by the relaying unit's principal leader (000 §3.3.1 第1项).
    const head = await as("chengguan");
    const w = await draft(head, { origin: "relayed" });
    expect(w.awaiting).toEqual(["本单位主要领导"]);
    const own = await head.post<Problem>(`/api/warnings/${w.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.detail).toContain("不能审批本人起草");
    const hq = await as("hqoffice");
    const signed = await hq.post<View>(`/api/warnings/${w.id}/approve`, {});
    expect(signed.status).toBe(200);
    expect(signed.body.history.map((h) => h.action)).toEqual(["create", "sign_off"]);
    const relayed = await head.post<View>(`/api/warnings/${w.id}/publish`, { channels: ["inApp"] });
    expect(relayed.body.history.map((h) => h.action)).toContain("relay");
    expect(relayed.body.tasks.filter((t) => t.kind === "filing").map((t) => t.unitName)).toEqual([
      "区应急办（区突发事件预警信息发布中心）",
    ]);
  });

  it("adjusts (CAP Update) and lifts (CAP Cancel); lifting a lifted warning is 409; every message validates against the XSD", async () => {
    const staff = await as("chengguan_staff");
    const leader = await as("leader");
    const w = await draft(staff);
    await staff.post(`/api/warnings/${w.id}/propose`, {});
    await leader.post(`/api/warnings/${w.id}/approve`, {});
    await staff.post(`/api/warnings/${w.id}/publish`, { channels: ["inApp"] });
    clock.advanceMinutes(30);
    // An adjustment of a yellow warning needs the leader in charge again (profile: adjust.approvedBy).
    const adj = await staff.post<View>(`/api/warnings/${w.id}/adjust`, {
      reason: "压力持续下降，缩小范围",
      changes: { expiresAt: "2026-11-28T06:00:00+08:00", content: { publicAdvice: "继续保持通风" } },
    });
    expect(adj.status).toBe(200);
    expect(adj.body.pending).toEqual(expect.objectContaining({ kind: "adjust", state: "proposed" }));
    expect((await staff.post<Problem>(`/api/warnings/${w.id}/approve`, {})).status).toBe(403);
    expect((await leader.post(`/api/warnings/${w.id}/approve`, {})).status).toBe(200);
    const updated = await staff.post<View>(`/api/warnings/${w.id}/publish`, { channels: ["inApp"] });
    expect(updated.body.version).toBe(2);
    expect(updated.body.messages.map((m) => m.msgType)).toEqual(["Alert", "Update"]);
    clock.advanceMinutes(30);
    const lifted = await staff.post<View>(`/api/warnings/${w.id}/lift`, { reason: "危险已解除" });
    expect(lifted.status).toBe(200);
    expect(lifted.body.status).toBe("lifted");
    expect(lifted.body.messages.map((m) => m.msgType)).toEqual(["Alert", "Update", "Cancel"]);
    const again = await staff.post<Problem>(`/api/warnings/${w.id}/lift`, { reason: "再次解除" });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe("预警已解除");
    for (const m of lifted.body.messages) {
      const res = await fetch(`${server.url}/api/warnings/${w.id}/cap.xml?seq=${m.seq}`, {
        headers: { cookie: staff.cookie ?? "" },
      });
      const xml = await res.text();
      const check = await xmllint(xml);
      expect(check.output, xml).toContain("validates");
      expect(check.ok).toBe(true);
      expect(xml).toContain(`<msgType>${m.msgType}</msgType>`);
      expect(xml).toMatch(/<sent>2026-11-27T\d\d:\d\d:00\+08:00<\/sent>/);
      if (m.msgType !== "Alert") {
        const refs = /<references>([^<]+)<\/references>/.exec(xml)?.[1]?.split(" ") ?? [];
        expect(refs.map((r) => r.split(",")[1])).toEqual(
          lifted.body.messages.filter((x) => x.seq < m.seq).map((x) => x.identifier),
        );
      }
    }
    const alert = await (
      await fetch(`${server.url}/api/warnings/${w.id}/cap.xml?seq=1`, {
        headers: { cookie: staff.cookie ?? "" },
      })
    ).text();
    expect(alert).toContain("<severity>Moderate</severity>");
    expect(alert).toContain("<language>zh-CN</language>");
    expect(alert).toContain(
      "<polygon>39.9,116.45 39.9,116.48 39.93,116.48 39.93,116.45 39.9,116.45</polygon>",
    );
    expect(alert).toContain("<value>110105001</value>");
  });

  it("reports an orange warning that may affect other areas to the city and notifies those areas (第3项)", async () => {
    server.ctx.config.warnings.upstreamUrl = "http://127.0.0.1:9/city-intake";
    try {
      const staff = await as("chengguan_staff");
      const w = await draft(staff, { colour: "orange", affectsOtherAreas: true, affectedAreas: ["通州区"] });
      await staff.post(`/api/warnings/${w.id}/propose`, {});
      // 由区应急办…报请区应急委主管或主要领导批准 (000 §3.3.1 第2项).
      expect((await (await as("office")).post(`/api/warnings/${w.id}/submit`, {})).status).toBe(200);
      expect((await (await as("director")).post(`/api/warnings/${w.id}/approve`, {})).status).toBe(200);
      const published = await (await as("office")).post<View>(`/api/warnings/${w.id}/publish`, {
        channels: ["inApp", "public"],
      });
      expect(published.body.publicState).toBe("released"); // the office publishes to society itself
      const cross = published.body.tasks.filter((t) => t.kind === "cross_area");
      expect(cross.map((t) => [t.title.replace(/（.*$/, ""), t.state])).toEqual([
        ["上报市应急办或相关单位", "in_progress"],
        ["向可能受到危害的通州区通报", "pending"],
      ]);
      const upstream = await server.ctx.db
        .selectFrom("outbox")
        .select(["recipient", "subject"])
        .where("source_id", "=", w.id)
        .where("channel", "=", "webhook")
        .execute();
      expect(upstream.map((u) => u.subject?.split("：")[0]).sort()).toEqual([
        "跨区域预警报告",
        "预警备案",
        "预警备案",
      ]);
      // Orange starts the special HQ's warning response (§3.3.2 第2项).
      expect(published.body.response?.activatedBy.map((a) => a.label)).toEqual([
        "区相关专项应急指挥部（或临时指挥部）",
      ]);
    } finally {
      server.ctx.config.warnings.upstreamUrl = undefined;
    }
  });

  it("expires at its end time through the scheduler sweep", async () => {
    const staff = await as("chengguan_staff");
    const leader = await as("leader");
    const w = await draft(staff, { expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString() });
    await staff.post(`/api/warnings/${w.id}/propose`, {});
    await leader.post(`/api/warnings/${w.id}/approve`, {});
    await staff.post(`/api/warnings/${w.id}/publish`, { channels: ["inApp"] });
    await server.ctx.scheduler.runOnce(server.ctx);
    expect((await staff.get<View>(`/api/warnings/${w.id}`)).body.status).toBe("published");
    clock.advanceMinutes(61);
    await server.ctx.scheduler.runOnce(server.ctx);
    const after = await staff.get<View>(`/api/warnings/${w.id}`);
    expect(after.body.status).toBe("expired");
    expect(after.body.history.at(-1)?.action).toBe("expire");
  });
});

describe("CAP import (000 §3.3.1 第1项 relay)", () => {
  const examples = fs.readdirSync(CAP_EXAMPLES).filter((f) => f.endsWith(".xml"));

  it.each(examples.filter((f) => !f.startsWith("nws-")))("imports %s as a relay draft", async (file) => {
    const office = await as("office_staff");
    const xml = fs.readFileSync(path.join(CAP_EXAMPLES, file), "utf8");
    const res = await postXml(office, xml, "application/xml");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe("draft");
    expect(res.body.source).toEqual(
      expect.objectContaining({ identifier: expect.any(String), sender: expect.any(String) }),
    );
    const again = await postXml(office, xml, "application/xml");
    expect(again.status).toBe(409);
  });

  it("keeps every language of a multi-info alert and a geocode-only area", async () => {
    const office = await as("office_staff");
    const xml = fs
      .readFileSync(path.join(CAP_EXAMPLES, "v1dot2_appendix_adot4.xml"), "utf8")
      .replace("KAR0-0306112239-SW", "KAR0-0306112239-SW-2");
    const res = await postXml(office, xml);
    expect(res.status).toBe(201);
    expect(res.body.source).toEqual(
      expect.objectContaining({
        languages: ["en-US", "es-US"],
        severity: "Severe",
        areas: [
          expect.objectContaining({ areaDesc: "Los Angeles County", geocodes: ["SAME:006037"], polygons: 0 }),
        ],
      }),
    );
    expect(res.body.colour).toBe("orange");
    expect(res.body.area.features).toEqual([]);
  });

  it("maps a Chinese geocode-only city alert onto the district's streets and guesses the subtype", async () => {
    const office = await as("office_staff");
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>11000041600000_20261127100000_1</identifier>
  <sender>bjmb@cma.gov.cn</sender>
  <sent>2026-11-27T10:00:00+08:00</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info>
    <language>zh-CN</language><category>Met</category><event>大风蓝色预警</event>
    <urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty>
    <senderName>北京市气象台</senderName><headline>北京市气象台发布大风蓝色预警</headline>
    <description>预计27日夜间至28日白天，本市大部分地区有5级左右偏北风，阵风7级左右。</description>
    <instruction>加固临时搭建物，远离广告牌。</instruction>
    <area><areaDesc>朝阳区建外街道、望京街道</areaDesc>
      <geocode><valueName>GB/T 2260</valueName><value>110105001</value></geocode>
      <geocode><valueName>GB/T 2260</valueName><value>110105026</value></geocode>
    </area>
  </info>
</alert>`;
    const res = await postXml(office, xml, "application/xml");
    expect(res.status).toBe(201);
    expect(res.body.colour).toBe("blue");
    expect(res.body.subtypeId).toBe("gale");
    expect(res.body.area.divisionCodes).toEqual(["110105001", "110105026"]);
  });

  it("refuses CAP 1.1, non-XML, broken XML and bad CAP with a 400 that says why; nothing is created", async () => {
    const office = await as("office_staff");
    const before = (await office.get<{ items: unknown[] }>("/api/warnings?limit=200")).body.items.length;
    const nws = fs.readFileSync(path.join(CAP_EXAMPLES, "nws-5c2cf27b1f56885d61654dc47fa411d5.xml"), "utf8");
    const v11 = await postXml(office, nws, "application/xml");
    expect(v11.status).toBe(400);
    expect(v11.body.detail).toContain("CAP 1.1");
    const json = await office.post<Problem>("/api/cap/import", { alert: "not xml" });
    expect(json.status).toBe(400);
    expect(json.body.detail).toContain("CAP 1.2 XML");
    const text = await postXml(office, "暴雨预警：请注意", "text/plain");
    expect(text.status).toBe(400);
    expect(text.body.detail).toContain("不是 XML");
    const broken = await postXml(office, "<alert><info></alert>", "application/xml");
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toContain("XML 格式错误");
    const badCap = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x 1</identifier><sender>s</sender><sent>2026-11-27T10:00:00Z</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>e</event><urgency>Soon</urgency><severity>Minor</severity><certainty>Likely</certainty></info></alert>`;
    const bad = await postXml(office, badCap, "application/xml");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path)).toEqual([
      "alert.identifier",
      "alert.sent",
      "alert.info[0].urgency",
    ]);
    const after = (await office.get<{ items: unknown[] }>("/api/warnings?limit=200")).body.items.length;
    expect(after).toBe(before);
  });
});
