import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../../tests/support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db.js";
import { ApiClient } from "../../../tests/support/server.js";
import { openDatabase } from "./index.js";

const PASSWORD = "durability-test-1";
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn("node", [CLI, "serve", "--demo"], {
    env: cliEnv(db, { PORT: "0", HOST: "127.0.0.1", FENGHUO_DEMO_PASSWORD: PASSWORD }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /已启动: (\S+)/.exec(out);
      if (m?.[1]) {
        resolve({ child, url: m[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

describe("durability", () => {
  it("keeps every write that was answered 201 when the server is killed with SIGKILL mid-stream", async () => {
    const { child, url } = await startServer();
    const client = await ApiClient.login(url, "admin", PASSWORD);
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await client.post<{ id: string }>("/api/tokens", {
            name: `w${w}-${i}`,
            scopes: ["read"],
          });
          if (res.status === 201) {
            acknowledged.push(res.body.id);
          }
        } catch {
          return; // connection refused/reset once the process is gone
        }
      }
    });
    while (acknowledged.length < 150) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill("SIGKILL");
    stop = true;
    await Promise.all(writers);
    child.removeAllListeners("exit");

    const reopened = openDatabase({
      databaseUrl: db.databaseUrl,
      sqliteFile: `${db.dataDir}/fenghuo.db`,
      ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}),
    });
    try {
      const rows = await reopened.db.selectFrom("api_tokens").select("id").execute();
      const stored = new Set(rows.map((r) => r.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);
      expect(lost).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
