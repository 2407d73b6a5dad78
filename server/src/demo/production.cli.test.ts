import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../../tests/support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db.js";
import { testConfig } from "../../../tests/support/server.js";
import { listAudit } from "../modules/audit/index.js";
import { openRuntime, prepareDemo, startServer } from "../server.js";
import { activeDemoAccounts } from "./seed.js";

const run = promisify(execFile);

/** Runs the CLI; resolves with its exit code and output instead of throwing on a non-zero code. */
async function fenghuo(db: TestDatabase, args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("node", [CLI, ...args], { env: cliEnv(db, extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Issue 14: a data directory once run with --demo must not start in production with the demo
// accounts on their known password.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  const runtime = await openRuntime(testConfig(db), db.pgSchema ? { pgSchema: db.pgSchema } : {});
  await prepareDemo(runtime.ctx, { incidents: false });
  await runtime.close();
});
afterAll(() => db.drop());

describe("demo accounts in production", () => {
  it("refuses to start, names the accounts and the way out; disable-demo keeps an administrator", async () => {
    const production = { NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1" };
    const refused = await fenghuo(db, ["serve"], production);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/演示账号.*admin, duty/);
    expect(refused.stderr).toContain("fenghuo users disable-demo");

    // The demo admin is the only administrator: disabling it would leave none.
    const lastAdmin = await fenghuo(db, ["users", "disable-demo"], production);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toMatch(/没有在用的系统管理员/);

    const created = await fenghuo(
      db,
      ["users", "create", "--username", "ops", "--name", "运维", "--unit", "office", "--roles", "admin"],
      { ...production, FENGHUO_PASSWORD: "Yunwei-admin-2026!" },
    );
    expect(created.code).toBe(0);
    const disabled = await fenghuo(db, ["users", "disable-demo"], production);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/已停用演示账号: admin, duty/);

    const config = testConfig(db, { production: true });
    const runtime = await openRuntime(config, db.pgSchema ? { pgSchema: db.pgSchema } : {});
    try {
      expect(await activeDemoAccounts(runtime.ctx)).toEqual([]);
      const audits = await listAudit(runtime.ctx.db, { action: "user.update", limit: 100 });
      expect(audits.filter((a) => a.request_id === "cli").length).toBeGreaterThanOrEqual(12);
      const { app } = await startServer(runtime, { demo: false, sweepIntervalMs: 0 });
      await app.close();
    } finally {
      await runtime.close();
    }
  }, 120_000);

  it("refuses a demo password that breaks the password policy", async () => {
    const weak = await createTestDatabase();
    try {
      const runtime = await openRuntime(
        { ...testConfig(weak), demo: { password: "12345678" } },
        weak.pgSchema ? { pgSchema: weak.pgSchema } : {},
      );
      try {
        await expect(prepareDemo(runtime.ctx)).rejects.toThrow(/FENGHUO_DEMO_PASSWORD 不符合密码规则/);
      } finally {
        await runtime.close();
      }
    } finally {
      await weak.drop();
    }
  });
});
