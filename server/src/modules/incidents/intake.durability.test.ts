/** A `kill -9` during intake loses no incident that was answered 201 (SQLite WAL + synchronous=FULL). */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cliEnv } from "../../../../tests/support/cli.js";
import { createTestDatabase, type TestDatabase } from "../../../../tests/support/db.js";
import { ApiClient } from "../../../../tests/support/server.js";
import { openDatabase } from "../../db/index.js";
import { gasLeak } from "./support.js";

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

describe("intake durability", () => {
  it("keeps every incident answered 201 when the server is killed with SIGKILL mid-intake", async () => {
    const { child, url } = await startServer();
    const client = await ApiClient.login(url, "duty", PASSWORD);
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await client.post<{ id: string; number: string }>(
            "/api/incidents",
            gasLeak(new Date(), { title: `写入 ${w}-${i}` }),
          );
          if (res.status === 201) {
            acknowledged.push(res.body.number);
          }
        } catch {
          return; // connection refused/reset once the process is gone
        }
      }
    });
    while (acknowledged.length < 120) {
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
      const rows = await reopened.db.selectFrom("incidents").select("number").execute();
      const stored = new Set(rows.map((r) => r.number));
      expect(acknowledged.length).toBeGreaterThanOrEqual(120);
      expect(acknowledged.filter((n) => !stored.has(n))).toEqual([]);
      // Every stored incident has its deadlines: the registration is one transaction.
      const orphans = await reopened.db
        .selectFrom("incidents as i")
        .leftJoin("incident_deadlines as d", "d.incident_id", "i.id")
        .select("i.number")
        .where("d.id", "is", null)
        .execute();
      expect(orphans).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
