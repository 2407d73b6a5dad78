/**
 * Logging in every mode (issue 14 §3): JSON lines from Fastify's pino logger, each request's lines
 * carrying its reqId, a 500 logged under the same id its problem shows as requestId, and no
 * password, token, cookie or CSRF header in any line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../../tests/support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db.js";
import { ApiClient, TEST_PASSWORD, testConfig } from "../../../tests/support/server.js";
import { buildApp } from "../app.js";
import { openRuntime, prepareDemo, type Runtime } from "../server.js";

type LogLine = Record<string, unknown> & { level: number; reqId?: string; msg?: string };

/** Collects what the logger writes, one parsed JSON object per line. */
class LogCapture {
  readonly raw: string[] = [];
  write(chunk: string): void {
    this.raw.push(...chunk.split("\n").filter(Boolean));
  }
  get lines(): LogLine[] {
    return this.raw.map((l) => JSON.parse(l) as LogLine);
  }
  of(reqId: string): LogLine[] {
    return this.lines.filter((l) => l.reqId === reqId);
  }
}

describe("request logs of the real app", () => {
  const logs = new LogCapture();
  let db: TestDatabase;
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    runtime = await openRuntime(testConfig(db, { plan: "chaoyang-2022", log: { level: "info" } }), {
      ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}),
    });
    await prepareDemo(runtime.ctx, { incidents: false });
    app = await buildApp(runtime.ctx, { logStream: logs });
    // Test-only routes on this instance: one that fails as no production route should, and one that
    // logs what a careless handler might (its body and headers).
    app.get("/api/test/boom", { config: { public: true } }, async () => {
      throw new Error("test-only failure");
    });
    app.post("/api/test/echo", { config: { public: true } }, async (req) => {
      req.log.info({ body: req.body, headers: req.headers }, "echo");
      return { ok: true };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    await db?.drop();
  });

  it("a request produces JSON lines with its reqId (the incoming request and its completion)", async () => {
    const res = await fetch(`${url}/api/health`);
    expect(res.status).toBe(200);
    const completed = logs.lines.find((l) => l.msg === "request completed");
    expect(completed?.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const own = logs.of(completed?.reqId ?? "");
    expect(own.map((l) => l.msg)).toEqual(["incoming request", "request completed"]);
    expect(own.every((l) => l.level === 30)).toBe(true); // info
  });

  it("a 500 is logged at error level under the requestId its problem body shows", async () => {
    const res = await fetch(`${url}/api/test/boom`);
    expect(res.status).toBe(500);
    const problem = (await res.json()) as { requestId: string; detail: string };
    expect(problem.detail).toContain(problem.requestId);
    const own = logs.of(problem.requestId);
    const error = own.find((l) => l.level === 50);
    expect(error?.msg).toBe("unhandled error");
    expect(JSON.stringify(error?.err)).toContain("test-only failure");
    expect(own.find((l) => l.msg === "request completed")?.res).toEqual({ statusCode: 500 });
  });

  it("never logs a password, token, cookie or CSRF header — not even when a handler logs them", async () => {
    const client = await ApiClient.login(url, "duty", TEST_PASSWORD);
    const failed = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "duty", password: "Wrong-Secret-42" }),
    });
    expect(failed.status).toBe(401);
    const secrets = {
      password: "Echo-Password-77",
      token: "fh_echo_token_secret",
      cookie: client.cookie ?? "",
      csrf: client.csrfToken ?? "",
      bearer: "fh_bearer_secret_99",
    };
    const echoed = await fetch(`${url}/api/test/echo`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: secrets.cookie,
        "x-csrf-token": secrets.csrf,
        authorization: `Bearer ${secrets.bearer}`,
      },
      body: JSON.stringify({ password: secrets.password, token: secrets.token, note: "visible" }),
    });
    expect(echoed.status).toBe(200);
    const all = logs.raw.join("\n");
    expect(all).toContain('"note":"visible"'); // the echo line was written …
    expect(all).toContain("[redacted]"); // … with its secrets replaced
    const sessionValue = secrets.cookie.split("=")[1] ?? "";
    for (const secret of [TEST_PASSWORD, "Wrong-Secret-42", ...Object.values(secrets), sessionValue]) {
      expect(secret.length).toBeGreaterThan(5);
      expect(all).not.toContain(secret);
    }
  });
});

describe("fenghuo serve --demo", () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await db.drop();
  });

  it("logs requests in demo mode too (JSON lines with reqId on stdout)", async () => {
    const started = spawn(process.execPath, [CLI, "serve", "--demo"], {
      env: cliEnv(db, { PORT: "0", HOST: "127.0.0.1", FENGHUO_DEMO_PASSWORD: TEST_PASSWORD }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let stdout = "";
    const url = await new Promise<string>((resolve, reject) => {
      started.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /已启动: (\S+)/.exec(stdout);
        if (m?.[1]) {
          resolve(m[1]);
        }
      });
      started.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
    });
    const res = await fetch(`${url}/api/health`);
    expect(res.status).toBe(200);
    const completed = await new Promise<LogLine>((resolve) => {
      const look = () => {
        const line = stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as LogLine)
          .find((l) => l.msg === "request completed");
        if (line) {
          resolve(line);
        }
      };
      started.stdout?.on("data", look);
      look();
    });
    expect(completed.reqId).toMatch(/^[0-9a-f-]{36}$/);
  }, 90_000); // a child process seeding the demo data, on a shared CI machine
});
