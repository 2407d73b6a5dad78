import type { FastifyInstance } from "fastify";
import { type Clock, ManualClock } from "../../server/src/clock.js";
import { type Config, loadConfig } from "../../server/src/config.js";
import type { AppContext } from "../../server/src/context.js";
import { openRuntime, startServer } from "../../server/src/server.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export const TEST_PASSWORD = "Fenghuo-test-2026";

/** The twelve demo accounts every module's authority tests walk (one per role of the first demo). */
export const CORE_DEMO_USERS = [
  "duty",
  "office_staff",
  "office",
  "chengguan",
  "chengguan_staff",
  "hqoffice",
  "leader",
  "deputy",
  "director",
  "jianwai",
  "commander",
  "admin",
] as const;

export interface TestServer {
  url: string;
  password: string;
  ctx: AppContext;
  app: FastifyInstance;
  clock: Clock;
  db: TestDatabase;
  close(): Promise<void>;
  /** Signs in over HTTP and returns a client that sends the cookie and CSRF token. */
  login(username: string, password?: string): Promise<ApiClient>;
}

/** Settings a test changes, by section: `{ auth: { loginRateLimit: 3 } }`. */
export type ConfigOverrides = {
  [K in keyof Config]?: Config[K] extends unknown[]
    ? Config[K]
    : Config[K] extends object
      ? Partial<Config[K]>
      : Config[K];
};

/**
 * The configuration of a test server: the defaults (not the runner's environment), the test
 * database, a random port, the test password for the demo accounts, then `overrides`.
 */
export function testConfig(db: TestDatabase, overrides: ConfigOverrides = {}): Config {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "test",
    FENGHUO_DATA_DIR: db.dataDir,
    FENGHUO_DEMO_PASSWORD: TEST_PASSWORD,
    // Quiet test output; a test that reads the logs sets `log: { level: "info" }` and a logStream.
    FENGHUO_LOG_LEVEL: "silent",
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  });
  const sections = config as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const base = sections[key];
    sections[key] =
      typeof value === "object" && !Array.isArray(value) && typeof base === "object"
        ? { ...base, ...value }
        : value;
  }
  return config;
}

export interface StartOptions {
  plan?: string;
  clock?: Clock;
  demo?: boolean;
  config?: ConfigOverrides;
  /** Where the server's JSON log lines go (with `config: { log: { level } }`). */
  logStream?: { write(line: string): void };
}

/** The real server on a random port over a fresh database, seeded with the demo accounts. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const db = await createTestDatabase();
  const config = testConfig(db, { plan: options.plan ?? "chaoyang-2022", ...options.config });
  const clock = options.clock ?? new ManualClock(new Date());
  const runtime = await openRuntime(config, { clock, ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}) });
  // Tests drive sweeps themselves (ctx.scheduler.runOnce) after moving the clock; they count their
  // own incidents, so the demo brings the accounts, resources and warnings but no incidents.
  const { app, url } = await startServer(runtime, {
    demo: options.demo ?? true,
    demoIncidents: false,
    sweepIntervalMs: 0,
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  const server: TestServer = {
    url,
    password: TEST_PASSWORD,
    ctx: runtime.ctx,
    app,
    clock,
    db,
    close: async () => {
      await app.close();
      await runtime.close();
      await db.drop();
    },
    login: (username, password = TEST_PASSWORD) => ApiClient.login(url, username, password),
  };
  return server;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny HTTP client for tests: real requests, cookie and CSRF handled like the web app does. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly cookie: string | undefined,
    readonly csrfToken: string | undefined,
    private bearer?: string,
  ) {}

  static anonymous(baseUrl: string): ApiClient {
    return new ApiClient(baseUrl, undefined, undefined);
  }

  static withToken(baseUrl: string, token: string): ApiClient {
    return new ApiClient(baseUrl, undefined, undefined, token);
  }

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) {
      throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
    }
    const body = (await res.json()) as { csrfToken: string };
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    return new ApiClient(baseUrl, cookie, body.csrfToken);
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) {
      h["content-type"] = "application/json";
    }
    if (this.cookie) {
      h.cookie = this.cookie;
    }
    if (this.bearer) {
      h.authorization = `Bearer ${this.bearer}`;
    }
    if (this.csrfToken && method !== "GET" && !("x-csrf-token" in headers)) {
      h["x-csrf-token"] = this.csrfToken;
    }
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (XML, HTML): keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = unknown>(path: string) {
    return this.request<T>("GET", path);
  }

  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }

  patch<T = unknown>(path: string, body: unknown) {
    return this.request<T>("PATCH", path, body);
  }

  put<T = unknown>(path: string, body: unknown) {
    return this.request<T>("PUT", path, body);
  }

  delete<T = unknown>(path: string) {
    return this.request<T>("DELETE", path);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  needed?: string[];
}
