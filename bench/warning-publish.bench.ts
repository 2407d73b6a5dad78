// Issue 5 §Performance: approve → published and visible in the public CAP feed, end to end over
// HTTP on the real server (SQLite, demo data): the committee director approves an orange warning
// the 区城管委 proposed and the office submitted (untimed), the emergency office publishes it to the
// public, and the Atom feed is read until the new CAP identifier appears. p50 / p95 over the runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../server/src/config.js";
import { runCommand } from "../server/src/http/command.js";
import { findUserByUsername } from "../server/src/modules/users/index.js";
import { createWarning, getWarning, proposeWarning } from "../server/src/modules/warnings/index.js";
import { openRuntime, startServer } from "../server/src/server.js";
import { ApiClient } from "../tests/support/server.js";
import { report } from "./support/report.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const PASSWORD = "bench-password-1";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fenghuo-bench-publish-"));
const runtime = await openRuntime(
  loadConfig({
    ...process.env,
    FENGHUO_DATA_DIR: dir,
    FENGHUO_DEMO_PASSWORD: PASSWORD,
    DATABASE_URL: "",
    PORT: "0",
    HOST: "127.0.0.1",
  }),
);
const { app, url } = await startServer(runtime, { demo: true, sweepIntervalMs: 0 });
const ctx = runtime.ctx;
try {
  const director = await ApiClient.login(url, "director", PASSWORD);
  const office = await ApiClient.login(url, "office", PASSWORD);
  const staffRow = await findUserByUsername(ctx.db, "chengguan_staff");
  const staff = { id: staffRow?.id ?? null, name: "城管委 赵敏", unitId: "dept-chengguan" };
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = await runCommand(ctx, { id: "bench" }, (s) =>
      createWarning(ctx, s, staff, {
        colour: "orange",
        subtypeId: "gas",
        issuingUnitId: "dept-chengguan",
        title: `基准测试燃气橙色预警 ${i}`,
        onsetAt: "2026-11-27T12:00:00+08:00",
        expiresAt: "2027-11-28T12:00:00+08:00",
        content: {
          precautions: "燃气管网压力异常",
          situation: "抢修中",
          governmentMeasures: "关闭阀门",
          publicAdvice: "远离现场",
          hotline: "96777",
        },
        area: {
          divisionCodes: ["110105001"],
          features: [
            {
              type: "Feature",
              properties: null,
              geometry: {
                type: "Polygon",
                coordinates: [
                  [
                    [116.45, 39.9],
                    [116.48, 39.9],
                    [116.48, 39.93],
                    [116.45, 39.9],
                  ],
                ],
              },
            },
          ] as never,
        },
      }),
    );
    await runCommand(ctx, { id: "bench" }, async (s) =>
      proposeWarning(ctx, s, staff, await getWarning(s.trx, id), undefined),
    );
    // 000 §3.3.1 第2项: the office submits (报请) the proposal before the director may approve it.
    const submitted = await office.post(`/api/warnings/${id}/submit`, {});
    if (submitted.status !== 200) {
      throw new Error(`submit ${submitted.status}`);
    }
    ids.push(id);
  }
  const latencies: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const approved = await director.post<{ status: string }>(`/api/warnings/${id}/approve`, {});
    const published = await office.post<{ messages: { identifier: string }[] }>(
      `/api/warnings/${id}/publish`,
      {
        channels: ["inApp", "public"],
      },
    );
    const identifier = published.body.messages.at(-1)?.identifier ?? "?";
    let visible = false;
    while (!visible) {
      const feed = await fetch(`${url}/api/public/cap.atom`);
      visible = (await feed.text()).includes(identifier);
    }
    latencies.push(performance.now() - t0);
    if (approved.status !== 200 || published.status !== 200) {
      throw new Error(`approve ${approved.status}, publish ${published.status}`);
    }
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  report({ name: "warning_approve_to_feed.p50", value: pct(50), unit: "ms" });
  report({
    name: "warning_approve_to_feed.p95",
    value: pct(95),
    unit: "ms",
    baseline: 200,
    ratio: pct(95) / 200,
  });
  report({ name: "warning_approve_to_feed.runs", value: RUNS, unit: "warnings" });
} finally {
  await app.close();
  await runtime.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
