// Excel/CSV import and export (issue 6 §2): a template with Chinese headers, every row validated with
// a report naming row, column and reason, all-or-nothing, progress through an import job.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { auditCount } from "../audit/repository.js";

let server: TestServer;
let office: ApiClient;
let chengguan: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  office = await server.login("office_staff");
  chengguan = await server.login("chengguan");
});
afterAll(() => server.close());

const TEAM_HEADERS = [
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

async function xlsx(headers: string[], rows: (string | number | null)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("应急队伍");
  ws.addRow(headers);
  for (const r of rows) {
    ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer()).toString("base64");
}

interface Job {
  id: string;
  state: string;
  phase: string;
  total: number;
  processed: number;
  created: number;
  updated: number;
  errorCount: number;
  errors: { row: number; column: string; field: string; value: string | null; message: string }[];
}

async function counts() {
  const teams = await server.ctx.db
    .selectFrom("res_teams")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const geo = await server.ctx.db
    .selectFrom("res_geo")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { teams: Number(teams.n), geo: Number(geo.n), audit: await auditCount(server.ctx.db) };
}

describe("import", () => {
  it("names every broken row and column and writes nothing", async () => {
    const before = await counts();
    const content = await xlsx(TEAM_HEADERS, [
      [
        "IMP-001",
        "朝阳区应急志愿服务队",
        "应急志愿者队伍",
        "综合救援、心理援助",
        40,
        "李华",
        "13910011111",
        "朝阳区劲松",
        39.88,
        116.46,
        "区应急局",
        "待命",
      ],
      [
        "IMP-002",
        "电话写错的队伍",
        "专业应急救援队伍",
        "燃气",
        10,
        "张三",
        "12345",
        "",
        39.95,
        116.5,
        "区城管委",
        "",
      ],
      [
        "IMP-003",
        "单位不存在的队伍",
        "专业应急救援队伍",
        "",
        10,
        "",
        "13910011113",
        "",
        39.95,
        116.5,
        "区海洋局",
        "",
      ],
      [
        "IMP-004",
        "人数为负的队伍",
        "单位兼职或专职队伍",
        "",
        -5,
        "",
        "13910011114",
        "",
        39.95,
        116.5,
        "区城管委",
        "",
      ],
      [
        "IMP-005",
        "坐标在海淀的队伍",
        "应急志愿者队伍",
        "",
        10,
        "",
        "13910011115",
        "",
        39.99,
        116.31,
        "区城管委",
        "",
      ],
      [
        "IMP-001",
        "编码重复的队伍",
        "应急志愿者队伍",
        "",
        10,
        "",
        "13910011116",
        "",
        39.95,
        116.5,
        "区城管委",
        "",
      ],
      [
        "DW-ZY-001",
        "编码已存在的队伍",
        "专业应急救援队伍",
        "",
        10,
        "",
        "13910011117",
        "",
        39.95,
        116.5,
        "区城管委",
        "",
      ],
      ["IMP-008", "类型写错的队伍", "游泳队", "", 10, "", "13910011118", "", 39.95, 116.5, "区城管委", ""],
    ]);
    const res = await office.post<Problem & { job: Job }>("/api/teams/import?wait=true", {
      fileName: "队伍.xlsx",
      content,
    });
    expect(res.status).toBe(400);
    const errors = res.body.job.errors.map((e) => [e.row, e.column, e.message]);
    expect(errors).toEqual([
      [3, "24小时联系电话", "电话号码格式不正确（手机 11 位，或座机如 010-65099000）"],
      [4, "主管单位", "组织机构中没有单位「区海洋局」"],
      [5, "人数", "不能为负数"],
      [6, "纬度", "坐标不在朝阳区范围内"],
      [7, "编码", "编码重复（与第 2 行相同）"],
      [8, "编码", "编码已存在（如需更新请选择“按编码更新”）"],
      [9, "队伍类型", expect.stringContaining("「游泳队」不是可选值")],
    ]);
    expect(res.body.job).toMatchObject({ state: "failed", errorCount: 7, created: 0 });
    expect(res.body.errors?.[0]).toEqual({
      path: "rows[3].phone",
      message: "第 3 行「24小时联系电话」（12345）：电话号码格式不正确（手机 11 位，或座机如 010-65099000）",
    });
    const after = await counts();
    expect(after).toEqual({ ...before, audit: after.audit });
    expect(after.audit).toBe(before.audit); // not one audit row: nothing was written
  });

  it("imports a clean sheet in one go, audits each record and puts it on the map; upsert updates by code", async () => {
    const before = await counts();
    const rows = Array.from({ length: 1200 }, (_, i) => [
      `BULK-${String(i).padStart(5, "0")}`,
      `社区应急小分队 ${i}`,
      "单位兼职或专职队伍",
      "综合救援",
      12,
      "",
      "13910012345",
      "",
      39.9 + (i % 100) * 0.001,
      116.45 + Math.floor(i / 100) * 0.005,
      "建外街道",
      "",
    ]);
    const res = await office.post<Job>("/api/teams/import", {
      fileName: "bulk.xlsx",
      content: await xlsx(TEAM_HEADERS, rows),
    });
    expect(res.status).toBe(202);
    expect(res.body.state).toBe("running");
    let job = res.body;
    while (job.state === "running") {
      await new Promise((resolve) => setImmediate(resolve));
      job = (await office.get<Job>(`/api/imports/${job.id}`)).body;
      expect(job.processed).toBeLessThanOrEqual(job.total);
    }
    expect(job).toMatchObject({ state: "done", total: 1200, created: 1200, errorCount: 0 });
    const after = await counts();
    expect(after.teams - before.teams).toBe(1200);
    expect(after.geo - before.geo).toBe(1200);
    expect(after.audit - before.audit).toBe(1200);

    const upsert = await office.post<Job>("/api/teams/import?wait=true&mode=upsert", {
      fileName: "fix.xlsx",
      content: await xlsx(TEAM_HEADERS, [
        [
          "BULK-00000",
          "建外街道应急小分队（改）",
          "单位兼职或专职队伍",
          "综合救援、医疗救护",
          15,
          "",
          "13910012345",
          "",
          39.905,
          116.455,
          "建外街道",
          "休整",
        ],
      ]),
    });
    expect(upsert.body).toMatchObject({ state: "done", created: 0, updated: 1 });
    const fixed = await office.get<{ items: { name: string; specialties: string[]; status: string }[] }>(
      "/api/teams?q=BULK-00000",
    );
    expect(fixed.body.items[0]).toMatchObject({
      name: "建外街道应急小分队（改）",
      specialties: ["综合救援", "医疗救护"],
      status: "resting",
    });
  });

  it("keeps a department to rows of its own unit", async () => {
    const res = await chengguan.post<Problem & { job: Job }>("/api/teams/import?wait=true", {
      fileName: "x.xlsx",
      content: await xlsx(TEAM_HEADERS, [
        ["CG-1", "水务队", "专业应急救援队伍", "", 5, "", "13910011111", "", 39.95, 116.5, "区水务局", ""],
      ]),
    });
    expect(res.status).toBe(400);
    expect(res.body.job.errors[0]).toMatchObject({
      row: 2,
      column: "主管单位",
      message: "无权为其他单位导入（本账号单位：区城管委）",
    });
  });

  it("reads CSV in UTF-8 and in GB18030 (what Excel saves as CSV in Chinese)", async () => {
    const csv = `${TEAM_HEADERS.join(",")}\r\nCSV-1,"双井街道应急队, 二分队",单位兼职或专职队伍,综合救援,8,,010-67712345,,39.89,116.47,双井街道,\r\n`;
    const utf8 = await office.post<Job>("/api/teams/import?wait=true&format=csv", {
      fileName: "a.csv",
      content: Buffer.from(`\uFEFF${csv}`).toString("base64"),
    });
    expect(utf8.body).toMatchObject({ state: "done", created: 1 });
    // A raw upload (API clients): the file itself as the body.
    const res = await fetch(`${server.url}/api/teams/import?wait=true&fileName=b.csv`, {
      method: "POST",
      headers: {
        "content-type": "text/csv",
        cookie: office.cookie ?? "",
        "x-csrf-token": office.csrfToken ?? "",
      },
      body: new Uint8Array(encodeGb18030(csv.replace("CSV-1", "CSV-2"))),
    });
    expect(await res.json()).toMatchObject({ state: "done", created: 1 });
    const found = await office.get<{ items: { name: string }[] }>("/api/teams?q=CSV-2");
    expect(found.body.items[0]?.name).toBe("双井街道应急队, 二分队");
  });

  it("imports stock lines with a negative quantity refused, then as movements on the ledger", async () => {
    const headers = ["储备库编码", "物资编码", "批次", "有效期至", "储备方式", "数量"];
    const bad = await office.post<Problem & { job: Job }>("/api/stock/import?wait=true", {
      fileName: "stock.xlsx",
      content: await xlsx(headers, [
        ["CK-QJ-001", "WZ-003", "2026", "2030-01-01", "实物储备", 100],
        ["CK-QJ-001", "WZ-999", "", "", "实物储备", 10],
        ["CK-QJ-002", "WZ-006", "", "2030-02-30", "", -20],
      ]),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.job.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [3, "物资编码", "没有编码为「WZ-999」的物资"],
      [4, "有效期至", "不是有效日期"],
      [4, "数量", "不能为负数"],
    ]);
    const ok = await office.post<Job>("/api/stock/import?wait=true", {
      fileName: "stock.xlsx",
      content: await xlsx(headers, [["CK-QJ-001", "WZ-003", "2026", "2030-01-01", "实物储备", 100]]),
    });
    expect(ok.body).toMatchObject({ state: "done", created: 1 });
    const lines = await office.get<{ items: { batch: string; quantity: number; id: string }[] }>(
      "/api/stock?q=2026",
    );
    const line = lines.body.items.find((l) => l.batch === "2026");
    expect(line?.quantity).toBe(100);
    const ledger = await office.get<{ items: { kind: string; reason: string }[] }>(
      `/api/stock/movements?stockId=${line?.id}`,
    );
    expect(ledger.body.items).toEqual([expect.objectContaining({ kind: "in", reason: "Excel 导入第 2 行" })]);
  });

  it("refuses a file with a missing required column, and a non-spreadsheet", async () => {
    const res = await office.post<Problem & { job: Job }>("/api/teams/import?wait=true", {
      fileName: "x.xlsx",
      content: await xlsx(["编码", "队伍名称"], [["X-1", "只有名称"]]),
    });
    expect(res.body.job.errors.map((e) => e.column)).toEqual([
      "队伍类型",
      "人数",
      "24小时联系电话",
      "纬度",
      "经度",
      "主管单位",
    ]);
    const junk = await office.post<Problem & { job: Job }>("/api/teams/import?wait=true", {
      fileName: "x.xlsx",
      content: Buffer.from("not a zip").toString("base64"),
    });
    expect(junk.status).toBe(400);
    expect(junk.body.detail).toBe("文件不是有效的 Excel（.xlsx）文件");
  });
});

describe("export and template", () => {
  it("offers a template with Chinese headers and an instructions sheet", async () => {
    const res = await fetch(`${server.url}/api/teams/template.xlsx`, {
      headers: { cookie: office.cookie ?? "" },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(["应急队伍", "填写说明"]);
    const sheet = wb.worksheets[0];
    if (!sheet) {
      throw new Error("no sheet");
    }
    const header = (sheet.getRow(1).values as string[]).slice(1);
    expect(header).toEqual(
      TEAM_HEADERS.slice(0, 7).concat(["主要装备", "地址", "纬度", "经度", "主管单位", "状态", "备注"]),
    );
  });

  it("exports what it imports (xlsx and csv), so an export can be edited and re-imported", async () => {
    const res = await fetch(`${server.url}/api/shelters/export.xlsx?status=open`, {
      headers: { cookie: office.cookie ?? "" },
    });
    expect(res.headers.get("content-disposition")).toContain(encodeURIComponent("应急避难场所.xlsx"));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0];
    if (!ws) {
      throw new Error("no sheet");
    }
    const header = (ws.getRow(1).values as string[]).slice(1);
    const row = (ws.getRow(2).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("场所名称")).toBe("朝阳公园应急避难场所");
    expect(cell("场所类型")).toBe("公园");
    expect(cell("责任单位")).toBe("区园林绿化局");
    expect(String(cell("配套设施"))).toContain("应急棚宿区");

    const csv = await fetch(`${server.url}/api/equipment/export.csv`, {
      headers: { cookie: office.cookie ?? "" },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel opens the Chinese correctly
    const text = bytes.toString("utf8");
    expect(text).toContain("大功率排水抢险车");

    const again = await office.post<Job>("/api/equipment/import?wait=true&mode=upsert&format=csv", {
      fileName: "equipment.csv",
      content: Buffer.from(text).toString("base64"),
    });
    expect(again.body).toMatchObject({ state: "done", created: 0, updated: 5 });
  });
});

/** GB18030 bytes of a string, built from Node's decoder table (Node has no GB18030 encoder). */
function encodeGb18030(text: string): Buffer {
  const decoder = new TextDecoder("gb18030");
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) {
        continue;
      }
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) {
        table.set(ch, [hi, lo]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
    } else {
      const b = table.get(ch);
      if (!b) {
        throw new Error(`no GB18030 two-byte code for ${ch}`);
      }
      bytes.push(...b);
    }
  }
  return Buffer.from(bytes);
}
