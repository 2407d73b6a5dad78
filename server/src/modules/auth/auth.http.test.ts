import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";

let server: TestServer;
const clock = new ManualClock("2026-11-27T02:00:00Z");

beforeAll(async () => {
  server = await startTestServer({ clock, config: { auth: { loginRateLimit: 1000 } } });
});
afterAll(() => server.close());

describe("login and sessions", () => {
  it("returns the user and a CSRF token and sets an HttpOnly SameSite=Strict cookie", async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "duty", password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      user: { username: string; roles: string[]; unitName: string };
      csrfToken: string;
    };
    expect(body.user.username).toBe("duty");
    expect(body.user.roles).toEqual(["duty_officer"]);
    expect(body.user.unitName).toBe("总值班室");
    expect(body.csrfToken.length).toBeGreaterThan(20);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/fh_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it("does not believe X-Forwarded-Proto from a client that is not a trusted proxy", async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ username: "duty", password: TEST_PASSWORD }),
    });
    // Behind a configured TLS proxy the cookie is Secure (http/hardening.http.test.ts).
    expect(res.headers.get("set-cookie")).not.toMatch(/Secure/i);
  });

  it("rejects a wrong password with 401 problem+json, and logout ends the session", async () => {
    const bad = await ApiClient.anonymous(server.url).post<Problem>("/api/auth/login", {
      username: "duty",
      password: "nope",
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(bad.body.detail).toBe("用户名或密码错误");

    const client = await server.login("office");
    expect((await client.get("/api/me")).status).toBe(200);
    expect((await client.post("/api/auth/logout")).status).toBe(204);
    expect((await client.get("/api/me")).status).toBe(401);
  });

  it("rate-limits login attempts per client", async () => {
    const limited = await startTestServer({ config: { auth: { loginRateLimit: 3 } } });
    try {
      const anon = ApiClient.anonymous(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await anon.post("/api/auth/login", { username: "nobody", password: "x" })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe("CSRF and status codes", () => {
  it("refuses a cookie-authenticated write without the CSRF header", async () => {
    const client = await server.login("duty");
    const res = await client.request<Problem>(
      "PUT",
      "/api/me/preferences",
      { locale: "en-US" },
      { "x-csrf-token": "" },
    );
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/CSRF/);
    expect((await client.put("/api/me/preferences", { locale: "en-US" })).status).toBe(200);
  });

  it("answers 401 without a session, 400 for bad input, 403 for the wrong role, in that order", async () => {
    const anon = ApiClient.anonymous(server.url);
    const noSession = await anon.post<Problem>("/api/users", { username: 1 });
    expect(noSession.status).toBe(401);

    const admin = await server.login("admin");
    const duty = await server.login("duty");
    const invalid = await duty.post<Problem>("/api/users", { username: "x!", extra: true });
    expect(invalid.status).toBe(400);
    const paths = invalid.body.errors?.map((e) => e.path) ?? [];
    expect(paths).toContain("extra");
    expect(paths).toContain("displayName");
    expect(invalid.body.errors?.find((e) => e.path === "extra")?.message).toBe("未知字段 extra");

    const valid = {
      username: "newbie",
      displayName: "新人",
      unitId: "office",
      roles: ["office_staff"],
      password: "longenough1",
    };
    const wrongRole = await duty.post<Problem>("/api/users", valid);
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.needed).toEqual(["系统管理员"]);
    expect(wrongRole.body.detail).toContain("系统管理员");

    const created = await admin.post<{ username: string }>("/api/users", valid);
    expect(created.status).toBe(201);
    const again = await admin.post<Problem>("/api/users", valid);
    expect(again.status).toBe(409);
  });

  it("rejects bodies over 1 MB with 413", async () => {
    const admin = await server.login("admin");
    const res = await admin.request<Problem>(
      "PUT",
      "/api/me/preferences",
      JSON.stringify({ locale: "x".repeat(1_100_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.status).toBe(413);
  });

  it("returns problem+json 404 for unknown API paths", async () => {
    const admin = await server.login("admin");
    const res = await admin.get<Problem>("/api/nothing-here");
    expect(res.status).toBe(404);
    expect(res.body.title).toBe("未找到");
  });
});

describe("Idempotency-Key", () => {
  it("replays the first result for a repeated key and creates nothing new", async () => {
    const admin = await server.login("admin");
    const body = {
      username: "idem1",
      displayName: "幂等",
      unitId: "office",
      roles: ["office_staff"],
      password: "longenough1",
    };
    const first = await admin.post<{ id: string }>("/api/users", body, { "idempotency-key": "k-1" });
    const second = await admin.post<{ id: string }>("/api/users", body, { "idempotency-key": "k-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const rows = await server.ctx.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "idem1")
      .execute();
    expect(rows).toHaveLength(1);
    const audits = await server.ctx.db
      .selectFrom("audit_log")
      .select("seq")
      .where("action", "=", "user.create")
      .where("entity_id", "=", first.body.id)
      .execute();
    expect(audits).toHaveLength(1);
  });

  it("refuses the same key for a different request", async () => {
    const admin = await server.login("admin");
    await admin.put("/api/me/preferences", { locale: "zh-CN" });
    const a = await admin.request(
      "PUT",
      "/api/me/preferences",
      { locale: "zh-CN" },
      { "idempotency-key": "k-2" },
    );
    expect(a.status).toBe(200);
    const b = await admin.post<Problem>(
      "/api/tokens",
      { name: "t", scopes: ["read"] },
      { "idempotency-key": "k-2" },
    );
    expect(b.status).toBe(409);
  });
});

describe("API bearer tokens", () => {
  it("are shown once, stored hashed, scoped and revocable", async () => {
    const admin = await server.login("admin");
    const created = await admin.post<{ id: string; token: string }>("/api/tokens", {
      name: "城市平台对接",
      scopes: ["read"],
    });
    expect(created.status).toBe(201);
    const stored = await server.ctx.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.body.token.split(".")[1]);

    const machine = ApiClient.withToken(server.url, created.body.token);
    expect((await machine.get("/api/org/units?type=street")).status).toBe(200);
    const write = await machine.put<Problem>("/api/me/preferences", { locale: "zh-CN" });
    expect(write.status).toBe(403);
    expect(write.body.detail).toMatch(/write/);

    expect((await admin.delete(`/api/tokens/${created.body.id}`)).status).toBe(204);
    expect((await machine.get("/api/org/units")).status).toBe(401);
  });
});
