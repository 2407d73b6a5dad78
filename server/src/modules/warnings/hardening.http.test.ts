/**
 * Security issue 14 on the warnings' edges: a CAP import nested without bound is a 400 naming the
 * body and the limit (not a 500), and the public Atom feed never takes its links from the client's
 * Host header.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, startTestServer, type TestServer } from "../../../../tests/support/server.js";
import { CAP_LIMITS } from "./cap/import.js";

interface Problem {
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** GET with a Host header of the caller's choosing (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

const hrefs = (feed: string) => [...feed.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? "");

describe("CAP import of a deeply nested file", () => {
  let server: TestServer;
  let office: ApiClient;
  beforeAll(async () => {
    server = await startTestServer();
    office = await server.login("office_staff");
  });
  afterAll(() => server.close());

  const deep = (depth: number) =>
    `<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${"<info>".repeat(depth)}${"</info>".repeat(depth)}</alert>`;

  it("a 10,000-deep CAP XML body is a 400 naming the body and the depth limit", async () => {
    const res = await fetch(`${server.url}/api/cap/import`, {
      method: "POST",
      headers: {
        "content-type": "application/xml",
        cookie: office.cookie ?? "",
        "x-csrf-token": office.csrfToken ?? "",
      },
      body: deep(10_000),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as Problem;
    expect(problem.detail).toContain(`嵌套超过 ${CAP_LIMITS.maxDepth} 层`);
    expect(problem.errors).toEqual([
      { path: "body", message: `CAP 消息的元素嵌套超过 ${CAP_LIMITS.maxDepth} 层` },
    ]);
  });

  it("the same file wrapped in JSON by the web app ({xml}) is the same 400", async () => {
    const res = await office.post<Problem>("/api/cap/import", { xml: deep(10_000) });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(["body"]);
  });

  it("a JSON body nested 10,000 deep is a 400 naming the body, on the public login route too", async () => {
    const nested = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    for (const [path, client] of [
      ["/api/auth/login", undefined],
      ["/api/warnings", office],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(client ? { cookie: client.cookie ?? "", "x-csrf-token": client.csrfToken ?? "" } : {}),
        },
        body: `{"username":"duty","password":"x","title":${nested}}`,
      });
      expect(res.status, path).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem.errors).toEqual([{ path: "body", message: "JSON 嵌套超过 64 层" }]);
    }
  });
});

describe("Atom feed links", () => {
  let unconfigured: TestServer;
  let configured: TestServer;
  beforeAll(async () => {
    unconfigured = await startTestServer();
    configured = await startTestServer({ config: { warnings: { publicBaseUrl: "https://yj.example.cn" } } });
  });
  afterAll(async () => {
    await unconfigured.close();
    await configured.close();
  });

  it("without FENGHUO_PUBLIC_BASE_URL: no trace of the Host header, root-relative links, a URN id", async () => {
    const res = await getWithHost(`${unconfigured.url}/api/public/cap.atom`, "evil.example");
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("evil.example");
    const links = hrefs(res.body);
    // The demo's released warnings are in the feed: self + two links per entry.
    expect(links.length).toBeGreaterThan(1);
    for (const href of links) {
      expect(href).toMatch(/^\/(api\/)?public\//);
    }
    expect(res.body).toContain("<id>urn:fenghuo:110105:cap.atom</id>");
  });

  it("with FENGHUO_PUBLIC_BASE_URL: every link is absolute on the configured base, whatever Host says", async () => {
    const res = await getWithHost(`${configured.url}/api/public/cap.atom`, "evil.example");
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("evil.example");
    const links = hrefs(res.body);
    expect(links.length).toBeGreaterThan(1);
    for (const href of links) {
      expect(href.startsWith("https://yj.example.cn/")).toBe(true);
    }
    expect(res.body).toContain("<id>https://yj.example.cn/api/public/cap.atom</id>");
  });
});
