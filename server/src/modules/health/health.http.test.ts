import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("health and API documentation", () => {
  it("reports status, database dialect, version and plan without a session", async () => {
    const res = await ApiClient.anonymous(server.url).get<{
      status: string;
      db: string;
      version: string;
      plan: string;
    }>("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "ok",
      db: process.env.DATABASE_URL ? "postgres" : "sqlite",
      version: "0.1.0",
      plan: "chaoyang-2022",
    });
  });

  it("serves an OpenAPI 3 document generated from the route schemas, and browsable docs", async () => {
    const anon = ApiClient.anonymous(server.url);
    const doc = await anon.get<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: { properties: object; additionalProperties: boolean } }>;
            };
          }
        >
      >;
    }>("/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      "/api/auth/login",
      "/api/me",
      "/api/org/units",
      "/api/org/units/{id}",
      "/api/users",
      "/api/audit",
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    // The schema that validates the body is the one documented.
    const create = doc.body.paths["/api/users"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(Object.keys(create?.properties ?? {})).toEqual(
      expect.arrayContaining(["username", "displayName", "unitId", "roles", "password"]),
    );
    expect(create?.additionalProperties).toBe(false);
    const docs = await fetch(`${server.url}/api/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });
});
