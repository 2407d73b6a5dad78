// Issue 6 §2 performance: importing 10,000 team rows from an .xlsx through the real HTTP route
// (parse, validate every row incl. the district check, write all rows with a per-record audit row
// and map point in one transaction). Target ≤ 10 s. DATABASE_URL set = PostgreSQL.
import ExcelJS from "exceljs";
import { report } from "./support/report.js";
import { BOX, benchServer, rng } from "./support/resources.js";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);

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
