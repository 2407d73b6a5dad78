// Issue 6 §2 performance: importing 10,000 team rows from an .xlsx through the real HTTP route
// (parse, validate every row incl. the district check, write all rows with a per-record audit row
// and map point in one transaction). Target ≤ 10 s. DATABASE_URL set = PostgreSQL.
//
// Issue 14 §1 (amplification): a workbook of BENCH_IMPORT_LARGE_ROWS rows (default 600,000, above
// the 50,000-row limit; the reported file had 3 M) is imported while /api/health is polled: peak RSS
// of the process and the health latency (p99, max) while the import runs, and how it was answered.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { report } from "./support/report.js";
import { BOX, benchServer, rng } from "./support/resources.js";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const LARGE_ROWS = Number(process.env.BENCH_IMPORT_LARGE_ROWS ?? 600_000);

const headers = [
  "编码",
  "队伍名称",
  "队伍类型",
  "专业特长",
  "人数",
  "负责人",
  "24小时联系电话",
  "地址",
  "纬度",
  "经度",
  "主管单位",
  "状态",
];

/** The large workbook, written by a child process (bench/support/largeWorkbook.ts) and kept in tmp. */
function largeWorkbook(rows: number): Buffer {
  const file = path.join(os.tmpdir(), `fenghuo-bench-import-${rows}.xlsx`);
  if (!fs.existsSync(file)) {
    const script = fileURLToPath(new URL("./support/largeWorkbook.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", "tsx", script, String(rows), file], {
      stdio: "inherit",
    });
    if (r.status !== 0) {
      throw new Error(`generating the large workbook failed (exit ${r.status})`);
    }
  }
  return fs.readFileSync(file);
}

{
  const file = largeWorkbook(LARGE_ROWS);
  const server = await benchServer();
  const { cookie, csrfToken } = await server.login("office_staff");
  const rssBefore = process.memoryUsage().rss;
  const latencies: number[] = [];
  let importing = true;
  const probe = (async () => {
    while (importing) {
      const t = performance.now();
      await fetch(`${server.url}/api/health`).then((r) => r.arrayBuffer());
      latencies.push(performance.now() - t);
    }
  })();
  const started = performance.now();
  const res = await fetch(`${server.url}/api/teams/import?wait=true&fileName=large.xlsx`, {
    method: "POST",
    headers: {
      "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      cookie,
      "x-csrf-token": csrfToken,
    },
    body: new Uint8Array(file),
  });
  const answer = (await res.json()) as { detail?: string };
  const elapsed = performance.now() - started;
  importing = false;
  await probe;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const tag = `resources.import_large.${server.dialect}`;
  report({ name: `${tag}.rows`, value: LARGE_ROWS, unit: "rows" });
  report({ name: `${tag}.file_size`, value: file.length / 1024 / 1024, unit: "MiB" });
  report({ name: `${tag}.status`, value: res.status, unit: "http" });
  report({ name: `${tag}.elapsed`, value: elapsed / 1000, unit: "s" });
  report({ name: `${tag}.rss_before`, value: rssBefore / 1024 / 1024, unit: "MiB" });
  // ru_maxrss: the kernel's peak for the process (KiB on Linux), so a stall cannot hide the peak.
  report({ name: `${tag}.peak_rss`, value: process.resourceUsage().maxRSS / 1024, unit: "MiB" });
  report({ name: `${tag}.health_p99`, value: at(0.99), unit: "ms" });
  report({ name: `${tag}.health_max`, value: latencies.at(-1) ?? 0, unit: "ms" });
  report({ name: `${tag}.health_probes`, value: latencies.length, unit: "requests" });
  console.error(`large import answered ${res.status}: ${String(answer.detail ?? "").slice(0, 200)}`);
  await server.close();
}

const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet("应急队伍");
ws.addRow(headers);
const next = rng(5);
// Points in the middle of the district so every row passes the district check.
const mid = { lat: (BOX.minLat + BOX.maxLat) / 2, lng: (BOX.minLng + BOX.maxLng) / 2 };
for (let i = 0; i < ROWS; i++) {
  ws.addRow([
    `IMP-${String(i).padStart(6, "0")}`,
    `社区应急小分队 ${i}`,
    "单位兼职或专职队伍",
    "综合救援、医疗救护",
    10 + (i % 30),
    "王队长",
    "13910012345",
    "朝阳区",
    mid.lat + (next() - 0.5) * 0.08,
    mid.lng + (next() - 0.5) * 0.08,
    i % 2 === 0 ? "建外街道" : "区城管委",
    "待命",
  ]);
}
const file = Buffer.from(await wb.xlsx.writeBuffer());

const server = await benchServer();
const { cookie, csrfToken } = await server.login("office_staff");
const started = performance.now();
const res = await fetch(`${server.url}/api/teams/import?wait=true&fileName=bench.xlsx`, {
  method: "POST",
  headers: {
    "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    cookie,
    "x-csrf-token": csrfToken,
  },
  body: file,
});
const elapsed = performance.now() - started;
const job = (await res.json()) as { state: string; created: number; detail: string | null };
if (res.status !== 200 || job.created !== ROWS) {
  throw new Error(`import failed: ${res.status} ${JSON.stringify(job).slice(0, 500)}`);
}
const tag = `resources.import.${server.dialect}`;
report({ name: `${tag}.rows`, value: ROWS, unit: "rows" });
report({ name: `${tag}.file_size`, value: file.length / 1024, unit: "KiB" });
report({ name: `${tag}.elapsed`, value: elapsed / 1000, unit: "s" });
report({ name: `${tag}.rows_per_s`, value: ROWS / (elapsed / 1000), unit: "rows/s" });
await server.close();
