// Issue 2 §10: an authenticated write that appends one audited row, against the ceiling of a bare
// Fastify route inserting one row into the same kind of database, both driven by autocannon.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { startChild, stopChild } from "./support/child.js";
import { report, versus } from "./support/report.js";
import { signIn } from "./support/signIn.js";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 20;
const PASSWORD = "bench-password-1";

function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: "PUT",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ locale: "zh-CN" }),
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-"));
const env = { FENGHUO_DATA_DIR: dir, FENGHUO_DEMO_PASSWORD: PASSWORD };

const bare = await startChild("bench/support/bareServer.ts", env);
const bareResult = await load(`${bare.url}/bare`, {});
await stopChild(bare.child);

const full = await startChild("bench/support/fullServer.ts", env);
const { headers } = await signIn(full.url, "duty", PASSWORD);
const fullResult = await load(`${full.url}/api/me/preferences`, headers);
await stopChild(full.child);
fs.rmSync(dir, { recursive: true, force: true });

if (fullResult.non2xx > 0 || bareResult.non2xx > 0) {
  throw new Error(`non-2xx responses: full ${fullResult.non2xx}, bare ${bareResult.non2xx}`);
}
versus("audited_write.req_per_s", fullResult.requests.average, bareResult.requests.average, "req/s");
report({ name: "audited_write.p99", value: fullResult.latency.p99, unit: "ms" });
report({ name: "bare_insert.p99", value: bareResult.latency.p99, unit: "ms" });
report({ name: "audited_write.connections", value: CONNECTIONS, unit: "connections" });
