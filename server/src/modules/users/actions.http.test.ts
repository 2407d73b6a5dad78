import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";

// Listed ⇔ accepted for the user and API-token policies: for the administrator, the office staff and
// the duty officer, on another account, another administrator and their own account, every action a
// response lists succeeds and every other is refused. Each attempt gets a fresh target (and, for
// one's own account, a fresh signed-in account), so attempts do not disturb each other.

let server: TestServer;
let admin: ApiClient;
beforeAll(async () => {
  server = await startTestServer({ config: { auth: { loginRateLimit: 1000 } } });
  admin = await server.login("admin");
});
afterAll(() => server.close());

const PASSWORD = "initial-pass-1";
const VIEWERS = [
  { demo: "admin", role: "admin" },
  { demo: "office_staff", role: "office_staff" },
  { demo: "duty", role: "duty_officer" },
] as const;
type Viewer = (typeof VIEWERS)[number];
type Target = "other" | "otherAdmin" | "self";

let serial = 0;
async function newAccount(role: string): Promise<{ id: string; username: string }> {
  const username = `acct${++serial}`;
  const res = await admin.post<{ id: string }>("/api/users", {
    username,
    displayName: `账号${serial}`,
    unitId: "office",
    roles: [role],
    password: PASSWORD,
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, username };
}

/** The viewer's client and the target's id, fresh for one attempt. */
async function setUp(viewer: Viewer, target: Target): Promise<{ client: ApiClient; id: string }> {
  if (target === "self") {
    const me = await newAccount(viewer.role);
    return { client: await server.login(me.username, PASSWORD), id: me.id };
  }
  const other = await newAccount(target === "otherAdmin" ? "admin" : "street_staff");
  return { client: await server.login(viewer.demo), id: other.id };
}

async function listedOn(client: ApiClient, id: string): Promise<string[]> {
  const res = await client.get<{ allowedActions: string[] }>(`/api/users/${id}`);
  // An account one may not read lists nothing.
  return res.status === 200 ? res.body.allowedActions : [];
}

const MUTATIONS = {
  update: (c: ApiClient, id: string) => c.patch(`/api/users/${id}`, { displayName: "改名" }),
  resetPassword: (c: ApiClient, id: string) =>
    c.post(`/api/users/${id}/password`, { password: "second-pass-2" }),
  disable: (c: ApiClient, id: string) => c.patch(`/api/users/${id}`, { disabled: true }),
} as const;

function expectVerdict(action: string, listed: string[], status: number, who: string) {
  const label = `${who}: ${action} (listed ${listed.join(",") || "nothing"}) → ${status}`;
  if (listed.includes(action)) {
    expect(status, label).toBeGreaterThanOrEqual(200);
    expect(status, label).toBeLessThan(300);
  } else {
    expect([403, 409], label).toContain(status);
  }
}

describe("user policy: listed ⇔ accepted", () => {
  it("list and create follow the permissions /api/me reports", async () => {
    for (const viewer of VIEWERS) {
      const client = await server.login(viewer.demo);
      const { permissions } = (await client.get<{ permissions: string[] }>("/api/me")).body;
      const listed = [
        ...(permissions.includes("user.list") ? ["list"] : []),
        ...(permissions.includes("user.create") ? ["create"] : []),
      ];
      expectVerdict("list", listed, (await client.get("/api/users")).status, viewer.demo);
      const created = await client.post("/api/users", {
        username: `made${++serial}`,
        displayName: "新建",
        unitId: "office",
        roles: ["office_staff"],
        password: PASSWORD,
      });
      expectVerdict("create", listed, created.status, viewer.demo);
      expect(listed.length > 0).toBe(viewer.role === "admin");
    }
  });

  it("read, update, resetPassword and disable on another account, another admin and oneself", async () => {
    const seen = new Map<string, string[]>();
    for (const viewer of VIEWERS) {
      for (const target of ["other", "otherAdmin", "self"] as const) {
        const probe = await setUp(viewer, target);
        const listed = await listedOn(probe.client, probe.id);
        seen.set(`${viewer.role}/${target}`, listed);
        expectVerdict("read", listed, (await probe.client.get(`/api/users/${probe.id}`)).status, viewer.role);
        for (const [action, run] of Object.entries(MUTATIONS)) {
          const attempt = await setUp(viewer, target);
          const before = await listedOn(attempt.client, attempt.id);
          expect(before).toEqual(listed);
          expectVerdict(
            action,
            before,
            (await run(attempt.client, attempt.id)).status,
            `${viewer.role}/${target}`,
          );
        }
      }
    }
    // The rules as they read: the administrator manages everyone but cannot disable themselves;
    // everyone else reads only themselves.
    const all = ["list", "read", "create", "update", "resetPassword", "disable"];
    expect(seen.get("admin/other")).toEqual(all);
    expect(seen.get("admin/otherAdmin")).toEqual(all);
    expect(seen.get("admin/self")).toEqual(all.filter((a) => a !== "disable"));
    expect(seen.get("office_staff/self")).toEqual(["read"]);
    expect(seen.get("duty_officer/other")).toEqual([]);
  });
});

describe("token policy: listed ⇔ accepted", () => {
  interface Token {
    id: string;
    allowedActions: string[];
  }
  async function newToken(client: ApiClient): Promise<string> {
    const res = await client.post<{ id: string }>("/api/tokens", { name: `t${++serial}`, scopes: ["read"] });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function listedToken(client: ApiClient, id: string): Promise<string[]> {
    const res = await client.get<{ items: Token[] }>("/api/tokens");
    return res.body.items.find((t) => t.id === id)?.allowedActions ?? [];
  }

  it("revoke: one's own token, another's, and one already revoked", async () => {
    const owner = await server.login("office_staff");
    for (const viewer of VIEWERS) {
      const client = await server.login(viewer.demo);
      const own = await newToken(client);
      const others = await newToken(viewer.role === "office_staff" ? admin : owner);
      const revoked = await newToken(client);
      expect((await client.delete(`/api/tokens/${revoked}`)).status).toBe(204);
      for (const [what, id] of [
        ["own", own],
        ["another's", others],
        ["revoked", revoked],
      ] as const) {
        const listed = await listedToken(client, id);
        expectVerdict(
          "revoke",
          listed,
          (await client.delete(`/api/tokens/${id}`)).status,
          `${viewer.role}/${what}`,
        );
        if (what === "revoked") {
          expect(listed).toEqual([]);
        }
        if (what === "another's") {
          expect(listed.length > 0).toBe(viewer.role === "admin");
        }
      }
    }
  });
});
