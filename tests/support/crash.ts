import { spawn } from "node:child_process";
import { type DatabaseHandle, openDatabase } from "../../server/src/db/index.js";
import { CLI, cliEnv } from "./cli.js";
import type { TestDatabase } from "./db.js";
import { ApiClient } from "./server.js";

/**
 * Crash tests: starts `fenghuo serve --demo` as a real child process on the test database, runs
 * 8 concurrent writers until at least `minimum` writes were acknowledged, then kills the process
 * with SIGKILL. Returns the keys of every acknowledged write, to be looked up after reopening.
 */
export async function writeUntilKilled(
  db: TestDatabase,
  options: {
    username: string;
    minimum: number;
    /** One write; returns the acknowledged key, or undefined when the server did not answer 201. */
    write(client: ApiClient, writer: number, i: number): Promise<string | undefined>;
  },
): Promise<string[]> {
  const password = "crash-test-password-1";
  const child = spawn("node", [CLI, "serve", "--demo"], {
    env: cliEnv(db, { PORT: "0", HOST: "127.0.0.1", FENGHUO_DEMO_PASSWORD: password }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /已启动: (\S+)/.exec(out);
      if (m?.[1]) {
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const client = await ApiClient.login(url, options.username, password);
  const acknowledged: string[] = [];
  let stop = false;
  const writers = Array.from({ length: 8 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      try {
        const key = await options.write(client, w, i);
        if (key !== undefined) {
          acknowledged.push(key);
        }
      } catch {
        return; // connection refused/reset once the process is gone
      }
    }
  });
  while (acknowledged.length < options.minimum) {
    await new Promise((r) => setTimeout(r, 5));
  }
  child.removeAllListeners("exit");
  child.kill("SIGKILL");
  stop = true;
  await Promise.all(writers);
  return acknowledged;
}

/** Opens the test database again from scratch, as a restarted server would. */
export function reopenDatabase(db: TestDatabase): DatabaseHandle {
  return openDatabase({
    databaseUrl: db.databaseUrl,
    sqliteFile: `${db.dataDir}/fenghuo.db`,
    ...(db.pgSchema ? { pgSchema: db.pgSchema } : {}),
  });
}
