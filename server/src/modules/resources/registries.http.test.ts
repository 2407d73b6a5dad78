import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Team {
  id: string;
  code: string;
  name: string;
  kind: string;
  specialties: string[];
  status: string;
  ownerUnitId: string;
  ownerUnitName: string;
  lat: number;
  lng: number;
  allowedActions: string[];
}

const newTeam = (over: Record<string, unknown> = {}) => ({
  name: "区城管委供热抢修队",
  kind: "professional",
  specialties: ["供热"],
  headcount: 30,
  phone: "13910099999",
  lat: 39.95,
  lng: 116.5,
  ownerUnitId: "dept-chengguan",
  ...over,
});

describe("registries (issue 6 §1)", () => {
  it("loads the Chaoyang demo resources", async () => {
    const duty = await server.login("duty");
    const teams = await duty.get<{ items: Team[] }>("/api/teams?limit=100");
    expect(teams.status).toBe(200);
    const names = teams.body.items.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["区城管委燃气抢险队", "蓝天救援队（朝阳）"]));
    const fire = teams.body.items.find((t) => t.code === "DW-ZH-001");
    expect(fire).toMatchObject({
      kind: "comprehensive",
      ownerUnitName: "朝阳消防救援支队",
      status: "available",
    });
    const shelters = await duty.get<{ items: { name: string; status: string }[] }>(
      "/api/shelters?status=open",
    );
    expect(shelters.body.items.map((s) => s.name)).toContain("朝阳公园应急避难场所");
  });

  it("refuses anonymous callers, names bad fields, enforces the owning unit, then creates and audits", async () => {
    expect((await ApiClient.anonymous(server.url).post("/api/teams", newTeam())).status).toBe(401);

    const chengguan = await server.login("chengguan");
    const bad = await chengguan.post<Problem>(
      "/api/teams",
      newTeam({ phone: "12345", kind: "swimmers", headcount: -1 }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(["headcount", "kind", "phone"]);

    const outside = await chengguan.post<Problem>("/api/teams", newTeam({ lat: 39.9, lng: 116.3 }));
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([{ path: "lat", message: "坐标（39.9, 116.3）不在朝阳区范围内" }]);

    const unknownUnit = await chengguan.post<Problem>("/api/teams", newTeam({ ownerUnitId: "dept-nowhere" }));
    expect(unknownUnit.status).toBe(403); // not their unit: authority is checked before references

    const otherUnit = await chengguan.post<Problem>("/api/teams", newTeam({ ownerUnitId: "dept-water" }));
    expect(otherUnit.status).toBe(403);
    expect(otherUnit.body.needed).toContain("资源所属单位的负责人或工作人员");

    const office = await server.login("office_staff");
    const missing = await office.post<Problem>("/api/teams", newTeam({ ownerUnitId: "dept-nowhere" }));
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: "ownerUnitId", message: "组织单元 dept-nowhere 不存在" }]);

    const created = await chengguan.post<Team>("/api/teams", newTeam({ code: "DW-TEST-1" }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: "DW-TEST-1", ownerUnitName: "区城管委", status: "available" });
    expect(created.body.allowedActions).toEqual(expect.arrayContaining(["update", "delete"]));

    const dup = await chengguan.post<Problem>("/api/teams", newTeam({ code: "DW-TEST-1" }));
    expect(dup.status).toBe(409);

    const edited = await chengguan.patch<Team>(`/api/teams/${created.body.id}`, {
      specialties: ["供热", "燃气"],
      lat: 39.96,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.specialties).toEqual(["供热", "燃气"]);

    const deploy = await chengguan.patch<Problem>(`/api/teams/${created.body.id}`, { status: "deployed" });
    expect(deploy.status).toBe(409);

    const history = await chengguan.get<{ items: { action: string }[] }>(
      `/api/teams/${created.body.id}/history`,
    );
    expect(history.body.items.map((h) => h.action)).toEqual(["team.update", "team.create"]);

    const searched = await chengguan.get<{ items: Team[] }>("/api/teams?q=供热抢修&tag=燃气");
    expect(searched.body.items.map((t) => t.code)).toEqual(["DW-TEST-1"]);

    const water = await server.login("chengguan_staff");
    expect((await water.delete(`/api/teams/${created.body.id}`)).status).toBe(204);
    expect((await water.get(`/api/teams/${created.body.id}`)).status).toBe(404);
  });

  it("keeps the supply catalogue to the emergency office", async () => {
    const dept = await server.login("chengguan");
    const denied = await dept.post<Problem>("/api/supplies", {
      name: "沙袋",
      category: "防汛抗旱类",
      unit: "条",
    });
    expect(denied.status).toBe(403);
    const office = await server.login("office_staff");
    const ok = await office.post<{ code: string }>("/api/supplies", {
      name: "沙袋",
      category: "防汛抗旱类",
      unit: "条",
    });
    expect(ok.status).toBe(201);
    expect(ok.body.code).toMatch(/^WZ-/);
  });

  it("pages through a list with a cursor", async () => {
    const duty = await server.login("duty");
    const first = await duty.get<{ items: Team[]; nextCursor: string | null }>("/api/teams?limit=3");
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await duty.get<{ items: Team[] }>(`/api/teams?limit=3&cursor=${first.body.nextCursor}`);
    expect((second.body.items[0]?.code ?? "") > (first.body.items[2]?.code ?? "")).toBe(true);
  });
});
