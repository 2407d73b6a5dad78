import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { up as userRolesMigration } from "../../db/migrations/0010_user_roles.js";
import { usersFilling, usersWithRoles, usersWithRolesOrUnits } from "./index.js";

// Who holds a role is read from user_roles (migration 0010); these tests hold that table to
// users.roles through every write of the API, and check the lookups that read it.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface User {
  id: string;
  username: string;
  roles: string[];
}

describe("roles through user_roles", () => {
  it("backfills user_roles from users.roles (a database migrated before 0010)", async () => {
    await server.ctx.db.schema.dropTable("user_roles").execute();
    await userRolesMigration(server.ctx.db);
    const users = await server.ctx.db.selectFrom("users").select(["id", "roles"]).execute();
    const rows = await server.ctx.db.selectFrom("user_roles").selectAll().execute();
    const expected = users.flatMap((u) => (JSON.parse(u.roles) as string[]).map((role) => `${u.id}:${role}`));
    expect(rows.map((r) => `${r.user_id}:${r.role}`).sort()).toEqual(expected.sort());
  });

  it("finds a user by the roles they hold now, through the lookups and the list filter", async () => {
    const admin = await server.login("admin");
    const created = await admin.post<User>("/api/users", {
      username: "rolechanger",
      displayName: "换岗 孙丽",
      unitId: "110105001",
      roles: ["street_staff"],
      password: "initial-pass-1",
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const listed = async (role: string) =>
      (await admin.get<{ items: User[] }>(`/api/users?role=${role}&limit=100`)).body.items.map((u) => u.id);

    expect(await usersWithRoles(server.ctx.db, ["street_staff"])).toContain(id);
    expect(await usersWithRoles(server.ctx.db, ["commander"])).not.toContain(id);
    expect(await listed("street_staff")).toContain(id);
    expect(await listed("commander")).not.toContain(id);

    await admin.patch(`/api/users/${id}`, { roles: ["commander", "duty_officer"] });
    expect(await usersWithRoles(server.ctx.db, ["street_staff"])).not.toContain(id);
    expect(await usersWithRoles(server.ctx.db, ["commander"])).toContain(id);
    expect(await usersWithRoles(server.ctx.db, ["commander"], ["110105001"])).toEqual([id]);
    expect(await usersWithRoles(server.ctx.db, ["commander"], ["office"])).not.toContain(id);
    expect(await listed("street_staff")).not.toContain(id);
    expect(await listed("duty_officer")).toContain(id);
    const candidates = await usersWithRolesOrUnits(server.ctx.db, ["duty_officer"], []);
    expect(candidates.map((u) => u.id)).toContain(id);

    // Every listed user holds the role filtered by (the old LIKE matched JSON text).
    const leaders = await admin.get<{ items: User[] }>("/api/users?role=district_leader&limit=100");
    // One demo district leader per category (issue 13).
    expect(leaders.body.items.map((u) => u.username).sort()).toEqual([
      "leader",
      "leader_health",
      "leader_nature",
      "leader_security",
    ]);
    expect(
      (await admin.get<{ items: User[] }>("/api/users?role=street_staff&limit=100")).body.items.every((u) =>
        u.roles.includes("street_staff"),
      ),
    ).toBe(true);

    // A disabled user holds their roles but is nobody to notify.
    await admin.patch(`/api/users/${id}`, { disabled: true });
    expect(await usersWithRoles(server.ctx.db, ["commander"])).not.toContain(id);
    expect(await listed("commander")).toContain(id);
  });

  it("usersFilling: the admin never, the duty room for the office, the leader for their category", async () => {
    const { db, plan } = server.ctx;
    const names = async (users: { username: string }[]) => users.map((u) => u.username).sort();

    expect(await usersFilling(db, plan, [{ role: "admin" }], {})).toEqual([]);

    const office = await names(await usersFilling(db, plan, [{ unit: "office" }], {}));
    expect(office).toContain("duty");
    expect(office).toContain("office");
    expect(office).toContain("office_staff");
    expect(office).not.toContain("admin");
    expect(office).not.toContain("commander");

    const inCharge = [{ role: "district_leader" as const, scope: "in_charge_of_category" as const }];
    // hazardous_chemicals is an 事故灾难 subtype; the demo leader is in charge of 事故灾难.
    expect(await names(await usersFilling(db, plan, inCharge, { subtypeId: "hazardous_chemicals" }))).toEqual(
      ["leader"],
    );
    // gale is 自然灾害: the demo leader in charge of natural disasters, not `leader` (issue 13).
    expect(await names(await usersFilling(db, plan, inCharge, { subtypeId: "gale" }))).toEqual([
      "leader_nature",
    ]);
    expect(await usersFilling(db, plan, inCharge, {})).toEqual([]);
  });
});
