import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiClient,
  type Problem,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from "../../../../tests/support/server.js";
import { ManualClock } from "../../clock.js";

// Issue 14 (security): lockout abuse, token lifetime, streams after logout, password policy, the
// last administrator. Clients are told apart by X-Forwarded-For from a trusted proxy (127.0.0.1).
let server: TestServer;
const clock = new ManualClock("2026-11-27T02:00:00Z");

beforeAll(async () => {
  server = await startTestServer({
    clock,
    config: {
      server: { trustedProxies: ["127.0.0.1"] },
      auth: { loginRateLimit: 10_000, accountMaxFailedLogins: 12, accountLoginDelaySeconds: 5 },
    },
  });
});
afterAll(() => server.close());

interface Answer {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  body: Problem & { requestId?: string };
}

async function loginFrom(client: string, username: string, password: string): Promise<Answer> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": client },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    contentType: res.headers.get("content-type"),
    body: (await res.json()) as Problem,
  };
}

describe("failed logins slow the guessing client, never lock the owner out", () => {
  it("makes the client wait 1 s, 2 s, 4 s … while the owner signs in from elsewhere", async () => {
    const attacker = "203.0.113.5";
    for (let i = 0; i < 5; i++) {
      expect((await loginFrom(attacker, "admin", "wrong-guess")).status).toBe(401);
    }
    const held = await loginFrom(attacker, "admin", TEST_PASSWORD);
    expect(held.status).toBe(429);
    expect(held.retryAfter).toBe("1");
    expect(held.contentType).toMatch(/application\/problem\+json/);
    // The owner at another desk is not refused (before: the account was locked for 15 minutes).
    expect((await loginFrom("198.51.100.7", "admin", TEST_PASSWORD)).status).toBe(200);

    clock.advance(1000);
    expect((await loginFrom(attacker, "admin", "wrong-guess")).status).toBe(401);
    expect((await loginFrom(attacker, "admin", "wrong-guess")).retryAfter).toBe("2");
    clock.advance(2000);
    expect((await loginFrom(attacker, "admin", "wrong-guess")).status).toBe(401);
    expect((await loginFrom(attacker, "admin", "wrong-guess")).retryAfter).toBe("4");
    const lockouts = await server.ctx.db
      .selectFrom("audit_log")
      .select("seq")
      .where("action", "=", "auth.lockout")
      .execute();
    expect(lockouts).toEqual([]);
  });

  it("answers an unknown username exactly like a wrong password, throttling included", async () => {
    const answers = async (client: string, username: string) => {
      const seen: Answer[] = [];
      for (let i = 0; i < 6; i++) {
        seen.push(await loginFrom(client, username, "wrong-guess"));
      }
      // Everything but the request id (different on every answer by design).
      return seen.map(({ status, retryAfter, body: { requestId: _id, ...body } }) => ({
        status,
        retryAfter,
        body,
      }));
    };
    const known = await answers("203.0.113.20", "duty");
    const unknown = await answers("203.0.113.21", "nobody-here");
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(known[0]?.body.detail).toBe("用户名或密码错误");
  });

  it("only slows an account guessed at from many clients: the right password gets in after the wait", async () => {
    for (let i = 0; i < 12; i++) {
      expect((await loginFrom(`192.0.2.${i + 1}`, "office", "wrong-guess")).status).toBe(401);
    }
    const slowed = await loginFrom("198.51.100.8", "office", TEST_PASSWORD);
    expect(slowed.status).toBe(429);
    expect(slowed.retryAfter).toBe("5");
    clock.advance(5000);
    expect((await loginFrom("198.51.100.8", "office", TEST_PASSWORD)).status).toBe(200);
  });
});

describe("API tokens end", () => {
  it("expire: the default and longest lifetime is tokenMaxDays, past it 401", async () => {
    const admin = await server.login("admin");
    const created = await admin.post<{ id: string; token: string; expiresAt: string }>("/api/tokens", {
      name: "到期测试",
      scopes: ["read"],
    });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(new Date(clock.now().getTime() + 90 * 86_400_000).toISOString());
    const tooLong = await admin.post<Problem>("/api/tokens", {
      name: "太长",
      scopes: ["read"],
      expiresAt: new Date(clock.now().getTime() + 91 * 86_400_000).toISOString(),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors?.[0]?.path).toBe("expiresAt");
    const past = await admin.post<Problem>("/api/tokens", {
      name: "已过期",
      scopes: ["read"],
      expiresAt: "2020-01-01T00:00:00Z",
    });
    expect(past.status).toBe(400);
    const short = await admin.post<{ token: string; expiresAt: string }>("/api/tokens", {
      name: "一天",
      scopes: ["read"],
      expiresAt: new Date(clock.now().getTime() + 86_400_000).toISOString(),
    });
    const machine = ApiClient.withToken(server.url, short.body.token);
    expect((await machine.get("/api/org/units")).status).toBe(200);
    const listed = await admin.get<{ items: { name: string; expiresAt: string }[] }>("/api/tokens");
    expect(listed.body.items.find((t) => t.name === "一天")?.expiresAt).toBe(short.body.expiresAt);
    clock.advance(86_400_000 + 1000);
    expect((await machine.get("/api/org/units")).status).toBe(401);
  });

  it("cannot mint tokens: only a signed-in session creates one (403 naming it)", async () => {
    const duty = await server.login("duty");
    const write = await duty.post<{ token: string }>("/api/tokens", {
      name: "写",
      scopes: ["read", "write"],
    });
    const machine = ApiClient.withToken(server.url, write.body.token);
    const minted = await machine.post<Problem>("/api/tokens", { name: "再造", scopes: ["read", "write"] });
    expect(minted.status).toBe(403);
    expect(minted.body.needed).toEqual(["登录会话"]);
    expect(minted.body.detail).toMatch(/登录会话/);
  });

  it("are revoked when an administrator resets the password or disables the account", async () => {
    const admin = await server.login("admin");
    const chengguan = await server.login("chengguan");
    const token = await chengguan.post<{ token: string }>("/api/tokens", { name: "平台", scopes: ["read"] });
    const machine = ApiClient.withToken(server.url, token.body.token);
    expect((await machine.get("/api/org/units")).status).toBe(200);
    const me = await chengguan.get<{ user: { id: string } }>("/api/me");
    const id = me.body.user.id;
    expect((await admin.post(`/api/users/${id}/password`, { password: "Reset-by-admin-1" })).status).toBe(
      204,
    );
    expect((await machine.get("/api/org/units")).status).toBe(401);

    const again = await ApiClient.login(server.url, "chengguan", "Reset-by-admin-1");
    const second = await again.post<{ id: string }>("/api/tokens", { name: "平台2", scopes: ["read"] });
    expect((await admin.patch(`/api/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await admin.patch(`/api/users/${id}`, { disabled: false })).status).toBe(200);
    const row = await server.ctx.db
      .selectFrom("api_tokens")
      .select("revoked_at")
      .where("id", "=", second.body.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();
  });
});

/** Opens /api/stream and collects its text until the server ends it. */
async function openStream(client: ApiClient) {
  const res = await fetch(`${server.url}/api/stream`, { headers: { cookie: client.cookie ?? "" } });
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  if (!reader) {
    throw new Error("no stream body");
  }
  const decoder = new TextDecoder();
  let text = "";
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      text += decoder.decode(value);
    }
  };
  await readUntil("event: ready");
  return {
    /** Reads to the end of the stream (the test times out if the server keeps it open). */
    async rest(): Promise<string> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return text;
        }
        text += decoder.decode(value);
      }
    },
  };
}

describe("live streams end with the session", () => {
  it("closes the stream on logout and delivers nothing more", async () => {
    const duty = await server.login("duty");
    const stream = await openStream(duty);
    expect((await duty.post("/api/auth/logout")).status).toBe(204);
    const text = await stream.rest();
    expect(text).toContain("event: session.ended");
  }, 10_000);

  it("closes the user's streams when an administrator resets the password", async () => {
    const admin = await server.login("admin");
    const leader = await server.login("leader");
    const stream = await openStream(leader);
    const me = await leader.get<{ user: { id: string } }>("/api/me");
    await admin.post(`/api/users/${me.body.user.id}/password`, { password: "Lingdao-reset-2026" });
    expect(await stream.rest()).toContain("event: session.ended");
  }, 10_000);
});

describe("password policy and changing one's own password", () => {
  const newUser = (password: string, username = "policy1") => ({
    username,
    displayName: "密码策略",
    unitId: "office",
    roles: ["office_staff"],
    password,
  });

  it.each([
    ["12345678", "密码过于常见"],
    ["abcdefghijkl", "至少 2 类"],
    ["Short-12", "至少 10 个字符"],
    ["policy1-secret", "不能包含用户名"],
  ])("refuses %s on create (400 naming password: %s)", async (password, message) => {
    const admin = await server.login("admin");
    const res = await admin.post<Problem>("/api/users", newUser(password));
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.path).toBe("password");
    expect(res.body.detail).toContain(message);
  });

  it("refuses a weak password on reset", async () => {
    const admin = await server.login("admin");
    const me = await (await server.login("deputy")).get<{ user: { id: string } }>("/api/me");
    const res = await admin.post<Problem>(`/api/users/${me.body.user.id}/password`, {
      password: "password1",
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.path).toBe("password");
  });

  it("changes one's own password: current one checked, other sessions and tokens end, this one stays", async () => {
    const here = await server.login("director");
    const elsewhere = await server.login("director");
    const token = await here.post<{ token: string }>("/api/tokens", { name: "t", scopes: ["read", "write"] });
    const machine = ApiClient.withToken(server.url, token.body.token);

    const wrong = await here.post<Problem>("/api/me/password", {
      currentPassword: "not-it-at-all",
      newPassword: "Zhuren-new-2026!",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors?.[0]?.path).toBe("currentPassword");
    const weak = await here.post<Problem>("/api/me/password", {
      currentPassword: TEST_PASSWORD,
      newPassword: "qwertyuiop",
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors?.[0]?.path).toBe("newPassword");
    const byToken = await machine.post<Problem>("/api/me/password", {
      currentPassword: TEST_PASSWORD,
      newPassword: "Zhuren-new-2026!",
    });
    expect(byToken.status).toBe(403);

    const ok = await here.post("/api/me/password", {
      currentPassword: TEST_PASSWORD,
      newPassword: "Zhuren-new-2026!",
    });
    expect(ok.status).toBe(204);
    expect((await here.get("/api/me")).status).toBe(200);
    expect((await elsewhere.get("/api/me")).status).toBe(401);
    expect((await machine.get("/api/org/units")).status).toBe(401);
    await expect(ApiClient.login(server.url, "director", TEST_PASSWORD)).rejects.toThrow(/401/);
    expect((await ApiClient.login(server.url, "director", "Zhuren-new-2026!")).csrfToken).toBeTruthy();
    const audit = await server.ctx.db
      .selectFrom("audit_log")
      .select("action")
      .where("action", "=", "user.password_change")
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe("an active administrator always remains", () => {
  it("refuses an administrator removing their own admin role (409), allows it for another admin", async () => {
    const admin = await server.login("admin");
    const me = await admin.get<{ user: { id: string } }>("/api/me");
    const self = await admin.patch<Problem>(`/api/users/${me.body.user.id}`, { roles: ["office_staff"] });
    expect(self.status).toBe(409);
    expect(self.body.detail).toMatch(/自己的系统管理员角色/);

    const second = await admin.post<{ id: string }>("/api/users", {
      username: "admin2",
      displayName: "第二管理员",
      unitId: "office",
      roles: ["admin"],
      password: "Second-admin-2026",
    });
    const other = await admin.patch(`/api/users/${second.body.id}`, { roles: ["office_staff"] });
    expect(other.status).toBe(200);
  });
});
