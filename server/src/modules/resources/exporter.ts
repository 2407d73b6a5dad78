/** Excel/CSV export of a registry or of stock, and the import templates. */
import type ExcelJS from "exceljs";
import { csvDocument } from "../../csv.js";
import type { Db } from "../../db/index.js";
import { excel } from "./importParse.js";
import type { FieldDef } from "./registries.js";
import * as repo from "./repository.js";

// ---------------------------------------------------------------------------------------------
// export and template
// ---------------------------------------------------------------------------------------------

/** A cell of an export: Chinese labels for enums, joined lists, unit names (so a re-import resolves). */
function exportValue(f: FieldDef, value: unknown, unitNames: Map<string, string>): string | number | null {
  if (value === null || value === undefined) {
    return null;
  }
  const t = f.type;
  switch (t.t) {
    case "enum":
      return t.labels[String(value)] ?? String(value);
    case "list": {
      const items = Array.isArray(value) ? value.map(String) : [];
      return items.map((i) => (t.labels ? (t.labels[i] ?? i) : i)).join("、");
    }
    case "unit":
      return unitNames.get(String(value)) ?? String(value);
    case "int":
    case "number":
    case "lat":
    case "lng":
      return Number(value);
    default:
      return String(value);
  }
}

export interface ExportTable {
  title: string;
  fields: FieldDef[];
  rows: Record<string, unknown>[];
  /** Column → DB value accessor (registries: by column name; stock: by key). */
  get: (row: Record<string, unknown>, f: FieldDef) => unknown;
}

export async function unitNameMap(db: Db): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const u of await repo.allUnits(db)) {
    map.set(u.id, u.short_name ?? u.name);
  }
  return map;
}

export async function toXlsx(table: ExportTable, unitNames: Map<string, string>): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = "烽火 Fenghuo";
  const ws = wb.addWorksheet(table.title);
  ws.columns = table.fields.map((f) => ({
    header: f.label,
    key: f.key,
    width: Math.max(10, f.label.length * 2 + 4),
  }));
  styleHeader(ws, table.fields);
  for (const row of table.rows) {
    ws.addRow(table.fields.map((f) => exportValue(f, table.get(row, f), unitNames)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** CSV through the app's one CSV writer (formula-like text neutralised, numeric columns as numbers). */
export function toCsv(table: ExportTable, unitNames: Map<string, string>): Buffer {
  return csvDocument([
    table.fields.map((f) => f.label),
    ...table.rows.map((row) => table.fields.map((f) => exportValue(f, table.get(row, f), unitNames))),
  ]);
}

function styleHeader(ws: ExcelJS.Worksheet, fields: FieldDef[]) {
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.height = 22;
  fields.forEach((f, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = {
      type: "pattern",
      pattern: "solid",
      fgColor: { argb: f.required ? "FFFDE2E2" : "FFEFF3F8" },
    };
    cell.alignment = { vertical: "middle" };
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];
}

/** A template: the header row (required columns shaded) and an instructions sheet with allowed values. */
export async function template(title: string, fields: FieldDef[]): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = "烽火 Fenghuo";
  const ws = wb.addWorksheet(title);
  ws.columns = fields.map((f) => ({
    header: f.label,
    key: f.key,
    width: Math.max(10, f.label.length * 2 + 4),
  }));
  styleHeader(ws, fields);
  const help = wb.addWorksheet("填写说明");
  help.columns = [
    { header: "列名", key: "label", width: 18 },
    { header: "必填", key: "required", width: 8 },
    { header: "说明", key: "help", width: 60 },
    { header: "可选值", key: "values", width: 60 },
  ];
  help.getRow(1).font = { bold: true };
  for (const f of fields) {
    const t = f.type;
    const values =
      t.t === "enum" || (t.t === "list" && t.labels) ? Object.values(t.labels ?? {}).join("、") : "";
    help.addRow({ label: f.label, required: f.required ? "是" : "", help: f.help ?? "", values });
  }
  help.addRow({});
  help.addRow({
    label: "说明",
    help: "第一行为表头，请勿修改；从第二行起每行一条记录。任一行有错误时整表不导入，并列出每处错误的行号、列名和原因。",
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
