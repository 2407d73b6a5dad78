/**
 * What issue 14 found at the edge of the pipeline, on the real server: browser security headers,
 * trusted proxies and the login limit, validation-error amplification, NUL bytes, impossible times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type Problem, startTestServer, type TestServer } from "../../../tests/support/server.js";
import { isStrictDateTime, MAX_REPORTED_ERRORS } from "./validation.js";

const login = (url: string, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ username, password }),
  });

describe("the edge of the pipeline", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("sends the browser security headers, with a CSP that allows no inline script", async () => {
    for (const path of ["/api/health", "/login", "/public"]) {
      const res = await fetch(server.url + path);
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc.trim(), path).toBe("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      // Plain HTTP from a client that is not a trusted proxy: no HSTS.
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("reports a bounded list of errors for a large invalid request, quickly", async () => {
    const street = await server.login("jianwai");
    const flags = Array.from({ length: 70_000 }, (_, i) => `bad${i}`);
    const res = await street.post<Problem>("/api/incidents", {
      title: "大量无效数据",
      subtypeId: "gas",
      flags,
    });
    const raw = JSON.stringify(res.body);
    expect(res.status).toBe(400);
    expect(res.body.errors?.length ?? 0).toBeGreaterThan(0);
    expect(res.body.errors?.length ?? 0).toBeLessThanOrEqual(MAX_REPORTED_ERRORS);
    expect(raw.length).toBeLessThan(20_000);
    // Not a timing assertion on the work itself: the server must still answer health right after.
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it("still names every field of a small invalid request", async () => {
    const street = await server.login("jianwai");
    const res = await street.post<Problem>("/api/incidents", {
      title: "缺字段",
      subtypeId: { id: "gas" },
      extra: 1,
    });
    expect(res.status).toBe(400);
    const paths = (res.body.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["subtypeId", "occurredAt", "sourceChannel", "extra"]));
  });

  it.each([
    ["a login name", "/api/auth/login", { username: "adm\u0000in", password: "x" }, "username"],
    ["an incident title", "/api/incidents", { title: "燃气\u0000泄漏", subtypeId: "gas" }, "title"],
  ])("refuses NUL in %s with 400 naming the field, on any database", async (_what, path, body, field) => {
    const client = path === "/api/auth/login" ? ApiClient.anonymous(server.url) : await server.login("duty");
    const res = await client.post<Problem>(path, body);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.path).toBe(field);
  });

  it("refuses NUL in a public path parameter", async () => {
    const res = await fetch(`${server.url}/api/public/warnings/abc%00def`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Problem;
    expect(body.errors?.[0]?.path).toBe("params.id");
  });

  it.each([
    ["a leap second", "2026-06-30T23:59:60Z"],
    ["an impossible date", "2026-02-31T08:00:00+08:00"],
    ["year 0000", "0000-01-01T00:00:00Z"],
    ["no offset", "2026-06-30T08:00:00"],
  ])("refuses %s as an incident time, naming the field", async (_what, occurredAt) => {
    const duty = await server.login("duty");
    const res = await duty.post<Problem>("/api/incidents", {
      title: "时间校验",
      subtypeId: "gas",
      occurredAt,
      sourceChannel: "110",
      divisionCode: "110105001",
    });
    expect(res.status).toBe(400);
    expect((res.body.errors ?? []).map((e) => e.path)).toContain("occurredAt");
  });
});

describe("the login limit without trusted proxies", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { auth: { loginRateLimit: 3 } } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("ignores X-Forwarded-For from untrusted clients, so rotating it does not pass the login limit", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await login(server.url, "nobody", "wrong", { "x-forwarded-for": `203.0.113.${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("strict RFC 3339 times", () => {
  it.each([
    ["2026-12-04T18:00:00Z", true],
    ["2026-12-04T18:00:00.123+08:00", true],
    ["2024-02-29T00:00:00Z", true],
    ["2026-02-29T00:00:00Z", false],
    ["2026-04-31T00:00:00Z", false],
    ["2026-06-30T23:59:60Z", false],
    ["2026-06-30T24:00:00Z", false],
    ["1899-12-31T23:59:59Z", false],
    ["2026-06-30T08:00:00+15:00", false],
  ])("%s → %s", (value, ok) => {
    expect(isStrictDateTime(value)).toBe(ok);
  });
});

describe("trusted proxies", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      config: { auth: { loginRateLimit: 2 }, server: { trustedProxies: ["127.0.0.1", "::1"] } },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("counts the login limit per forwarded client and sends HSTS behind a TLS proxy", async () => {
    const a = [];
    for (let i = 0; i < 3; i++) {
      a.push((await login(server.url, "nobody", "wrong", { "x-forwarded-for": "198.51.100.7" })).status);
    }
    expect(a).toEqual([401, 401, 429]);
    expect((await login(server.url, "nobody", "wrong", { "x-forwarded-for": "198.51.100.8" })).status).toBe(
      401,
    );
    const res = await fetch(`${server.url}/api/health`, { headers: { "x-forwarded-proto": "https" } });
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    const signIn = await login(server.url, "duty", server.password, {
      "x-forwarded-proto": "https",
      "x-forwarded-for": "198.51.100.9",
    });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get("set-cookie")).toMatch(/Secure/i);
  });
});
