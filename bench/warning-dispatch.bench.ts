// Issue 5 §Performance: dispatch from the transactional outbox to a local HTTP sink (its own
// process) with the retry machinery on — leases, per-message state, backoff on failure — on SQLite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ManualClock } from "../server/src/clock.js";
import { loadConfig } from "../server/src/config.js";
import {
  dispatchDue,
  enqueue,
  type OutboundMessage,
  smsAdapter,
} from "../server/src/modules/notify/index.js";
import { openRuntime } from "../server/src/server.js";
import { startChild, stopChild } from "./support/child.js";
import { report } from "./support/report.js";

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-dispatch-"));
const clock = new ManualClock("2026-11-27T03:00:00Z");
const runtime = await openRuntime(loadConfig({ ...process.env, FENGHUO_DATA_DIR: dir, DATABASE_URL: "" }), {
  clock,
});
const sink = await startChild("bench/support/sink.ts", {});
try {
  const messages: OutboundMessage[] = Array.from({ length: N }, (_, i) => ({
    channel: "sms",
    recipient: `139${String(i).padStart(8, "0")}`,
    dedupeKey: `bench:${i}`,
    body: "【朝阳区预警】北京市气象台暴雨黄色预警（朝阳区转发）：减少外出，不要在下凹式立交桥、地下通道停留。咨询电话：010-65099999",
    sourceType: "warning",
    sourceId: "bench",
  }));
  await runtime.ctx.db.transaction().execute((trx) => enqueue(trx, clock.now(), messages));
  const channels = new Map([["sms", smsAdapter({ endpoint: sink.url, ratePerSecond: 1_000_000 })]]);
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const n = await dispatchDue(runtime.ctx, channels, { batch: 1000, concurrency: 64 });
    if (n === 0) {
      break;
    }
    sent += n;
  }
  const seconds = (performance.now() - started) / 1000;
  const failed = await runtime.ctx.db
    .selectFrom("outbox")
    .select("id")
    .where("state", "!=", "sent")
    .execute();
  if (failed.length > 0) {
    throw new Error(`${failed.length} messages not sent`);
  }
  report({ name: "warning_dispatch.messages", value: sent, unit: "messages" });
  report({
    name: "warning_dispatch.throughput",
    value: sent / seconds,
    unit: "msg/s",
    baseline: 5000,
    ratio: sent / seconds / 5000,
  });
} finally {
  await stopChild(sink.child);
  await runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
