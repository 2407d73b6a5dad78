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

interface User {
  id: string;
  username: string;
  unitName: string;
  roles: string[];
  categories: string[];
  disabled: boolean;
  allowedActions: string[];
}

describe("user administration", () => {
  it("has one demo account per role with the units the issue names", async () => {
    const admin = await server.login("admin");
    const res = await admin.get<{ items: User[] }>("/api/users?limit=100");
    const byName = new Map(res.body.items.map((u) => [u.username, u]));
    expect(byName.get("duty")?.roles).toEqual(["duty_officer"]);
    expect(byName.get("duty")?.unitName).toBe("总值班室");
    expect(byName.get("chengguan")).toMatchObject({ roles: ["dept_head"], unitName: "区城管委" });
    expect(byName.get("chengguan_staff")).toMatchObject({ roles: ["dept_staff"], unitName: "区城管委" });
    expect(byName.get("jianwai")).toMatchObject({ roles: ["street_staff"], unitName: "建外街道" });
    expect(byName.get("leader")?.categories).toEqual(["事故灾难"]);
    const roles = new Set(res.body.items.flatMap((u) => u.roles));
    expect(roles.size).toBe(12);
  });

  it("creates, edits, disables and resets passwords, each audited", async () => {
    const admin = await server.login("admin");
    const created = await admin.post<User>("/api/users", {
      username: "wangjing",
      displayName: "望京街道 王芳",
      unitId: "110105026",
      roles: ["street_staff"],
      password: "initial-pass-1",
    });
    expect(created.status).toBe(201);
    expect(created.body.unitName).toBe("望京街道");
    expect(created.body.allowedActions).toContain("update");

    const edited = await admin.patch<User>(`/api/users/${created.body.id}`, {
      roles: ["street_staff", "commander"],
    });
    expect(edited.body.roles).toEqual(["street_staff", "commander"]);

    const user = await ApiClient.login(server.url, "wangjing", "initial-pass-1");
    expect((await user.get("/api/me")).status).toBe(200);
    expect(
      (await admin.post(`/api/users/${created.body.id}/password`, { password: "second-pass-2" })).status,
    ).toBe(204);
    expect((await user.get("/api/me")).status).toBe(401); // a reset ends existing sessions
    await ApiClient.login(server.url, "wangjing", "second-pass-2");

    await admin.patch(`/api/users/${created.body.id}`, { disabled: true });
    const refused = await ApiClient.anonymous(server.url).post<Problem>("/api/auth/login", {
      username: "wangjing",
      password: "second-pass-2",
    });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/停用/);

    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("entity_id", "=", created.body.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["user.create", "user.update", "user.password_reset"]),
    );
  });

  it("names unknown units and categories, and writes nothing", async () => {
    const admin = await server.login("admin");
    const res = await admin.post<Problem>("/api/users", {
      username: "ghost",
      displayName: "幽灵",
      unitId: "dept-nowhere",
      roles: ["district_leader"],
      categories: ["外星入侵"],
      password: "whatever-123",
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: "unitId", message: "组织单元 dept-nowhere 不存在" },
      { path: "categories.0", message: "预案中没有分类“外星入侵”" },
    ]);
    const rows = await server.ctx.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "ghost")
      .execute();
    expect(rows).toEqual([]);
  });

  it("lets a user read themselves but not others", async () => {
    const duty = await server.login("duty");
    const me = await duty.get<{ user: { id: string } }>("/api/me");
    expect((await duty.get(`/api/users/${me.body.user.id}`)).status).toBe(200);
    const list = await duty.get<Problem>("/api/users");
    expect(list.status).toBe(403);
  });
});
