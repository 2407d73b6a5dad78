// Shelters (issue 6 §5, 000 §6.9): activation by the authority the profile names, occupancy, the
// public list of open shelters nearest first; the map and nearest-K search with distances.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";

let server: TestServer;
const cache = new Map<string, Promise<ApiClient>>();
const as = (username: string) => {
  let c = cache.get(username);
  if (!c) {
    c = server.login(username);
    cache.set(username, c);
  }
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Shelter {
  id: string;
  code: string;
  name: string;
  status: string;
  occupancy: number;
  capacity: number;
}

async function shelter(code: string): Promise<Shelter> {
  const duty = await as("duty");
  const res = await duty.get<{ items: Shelter[] }>(`/api/shelters?q=${code}`);
  const found = res.body.items.find((s) => s.code === code);
  if (!found) {
    throw new Error(`no shelter ${code}`);
  }
  return found;
}

describe("shelter activation (000 §6.9: 区应急委启用)", () => {
  it("refuses anyone but the committee director or deputy, naming them", async () => {
    const target = await shelter("BN-003");
    for (const username of ["office", "duty", "jianwai", "leader"]) {
      const res = await (await as(username)).post<Problem>(`/api/shelters/${target.id}/open`, {});
      expect(res.status, username).toBe(403);
      expect(res.body.needed).toEqual(["区应急委主任", "区应急委副主任"]);
    }
    const who = await (await as("office")).get<{ by: string[]; allowed: boolean; source: string }>(
      `/api/shelters/${target.id}/activation`,
    );
    expect(who.body).toEqual({ by: ["区应急委主任", "区应急委副主任"], source: "000 §6.9", allowed: false });
  });

  it("opens, records occupancy, appears on the public list nearest first, and closes only when empty", async () => {
    const target = await shelter("BN-005"); // 团结湖公园
    const deputy = await as("deputy");
    const opened = await deputy.post<Shelter>(`/api/shelters/${target.id}/open`, {});
    expect(opened.status).toBe(200);
    expect(opened.body.status).toBe("open");
    expect((await deputy.post<Problem>(`/api/shelters/${target.id}/open`, {})).status).toBe(409);

    // Occupancy is reported by the shelter's street, the duty room or the scene.
    const street = await as("jianwai");
    const occ = await street.post<Shelter>(`/api/shelters/${target.id}/occupancy`, { occupancy: 350 });
    expect(occ.body.occupancy).toBe(350);
    const negative = await street.post<Problem>(`/api/shelters/${target.id}/occupancy`, { occupancy: -1 });
    expect(negative.status).toBe(400);
    const chengguan = await as("chengguan");
    expect((await chengguan.post(`/api/shelters/${target.id}/occupancy`, { occupancy: 1 })).status).toBe(403);

    // Public, no session: nearest first from a point next to 团结湖.
    const anon = ApiClient.anonymous(server.url);
    const near = await anon.get<{ items: { name: string; distanceM: number; occupancy: number }[] }>(
      "/api/public/shelters?lat=39.93&lng=116.47",
    );
    expect(near.status).toBe(200);
    expect(near.body.items.map((s) => s.name)).toEqual(["团结湖公园应急避难场所", "朝阳公园应急避难场所"]);
    expect(near.body.items[0]?.distanceM).toBeLessThan(200);
    expect(near.body.items[0]?.occupancy).toBe(350);
    const halfPoint = await anon.get<Problem>("/api/public/shelters?lat=39.93");
    expect(halfPoint.status).toBe(400);

    const full = await deputy.post<Problem & { occupancy: number }>(`/api/shelters/${target.id}/close`, {});
    expect(full.status).toBe(409);
    expect(full.body.occupancy).toBe(350);
    await street.post(`/api/shelters/${target.id}/occupancy`, { occupancy: 0 });
    expect((await deputy.post<Shelter>(`/api/shelters/${target.id}/close`, {})).body.status).toBe("closed");
    const after = await anon.get<{ items: { name: string }[] }>("/api/public/shelters");
    expect(after.body.items.map((s) => s.name)).toEqual(["朝阳公园应急避难场所"]);

    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", target.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "shelter.create",
      "shelter.open",
      "shelter.occupancy",
      "shelter.occupancy",
      "shelter.close",
    ]);
  });

  it("keeps status and occupancy out of ordinary edits", async () => {
    const target = await shelter("BN-006");
    const office = await as("office_staff");
    const res = await office.patch<Problem>(`/api/shelters/${target.id}`, { status: "open" });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: "status", message: "未知字段 status" }]);
  });
});

describe("map and nearest-K", () => {
  it("returns the nearest teams with distances, filtered by kind, status and specialty", async () => {
    const duty = await as("duty");
    const res = await duty.get<{
      items: { name: string; kind: string; distanceM: number; status: string }[];
    }>("/api/resources/nearest?lat=39.9081&lng=116.4512&kind=team&limit=3");
    expect(res.status).toBe(200);
    expect(res.body.items.map((r) => r.name)).toEqual([
      "建外街道应急小分队",
      "朝阳消防救援支队综合应急救援队",
      "区卫生健康委紧急医疗救援队",
    ]);
    const d = res.body.items.map((r) => r.distanceM);
    expect([...d].sort((a, b) => a - b)).toEqual(d);

    const gas = await duty.get<{ items: { name: string }[] }>(
      "/api/resources/nearest?lat=39.9081&lng=116.4512&kind=team&tag=燃气&limit=5",
    );
    expect(gas.body.items.map((r) => r.name)).toEqual(["区城管委燃气抢险队"]);
    const resting = await duty.get<{ items: { name: string }[] }>(
      "/api/resources/nearest?lat=39.9081&lng=116.4512&kind=team&status=resting",
    );
    expect(resting.body.items.map((r) => r.name)).toEqual(["蓝天救援队（朝阳）"]);
    const bad = await duty.get<Problem>("/api/resources/nearest?lat=139&lng=116.4&kind=ufo");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(["querystring.kind", "querystring.lat"]);
  });

  it("serves the map points and an offline basemap of the district outline", async () => {
    const duty = await as("duty");
    const map = await duty.get<{ items: { kind: string }[]; truncated: boolean }>(
      "/api/resources/map?kinds=shelter,warehouse",
    );
    expect(new Set(map.body.items.map((p) => p.kind))).toEqual(new Set(["shelter", "warehouse"]));
    expect(map.body.truncated).toBe(false);
    const base = await ApiClient.anonymous(server.url).get<{
      district: { name: string };
      outline: { geometry: { type: string } };
      tileUrl: string | null;
    }>("/api/resources/basemap");
    expect(base.body.district.name).toBe("朝阳区");
    expect(base.body.outline.geometry.type).toBe("MultiPolygon");
    expect(base.body.tileUrl).toBeNull();
  });
});
