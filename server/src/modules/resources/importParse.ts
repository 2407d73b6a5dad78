/**
 * Reading an import (issue 6 §2): the workbook or CSV into rows, each cell converted by its field's
 * type, and every row validated (a report naming row, column and reason) before anything is written.
 */
import { Readable } from "node:stream";
import type ExcelJS from "exceljs";
import { PHONE_PATTERN } from "../../../../shared/resources.js";
import { can } from "../../authz/policy.js";
import type { Principal } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { unescapeCsvText } from "../../csv.js";
import type { Db } from "../../db/index.js";
import { districtOutline } from "./geo.js";
import { recordPolicy } from "./policy.js";
import type { FieldDef, RegistryDef } from "./registries.js";
import type { RowError } from "./repository.js";
import * as repo from "./repository.js";
import { insideDistrict } from "./rules.js";

export type { RowError };

/** exceljs is loaded when a workbook is first read or written: it adds ~30 MB to every process that imports it. */
export async function excel(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

export type SheetName = RegistryDef["name"] | "stock";

/** At most this many row errors are kept in a report (the count says how many there were). */
export const MAX_REPORTED_ERRORS = 1000;

export class ImportFileError extends Error {}

// ---------------------------------------------------------------------------------------------
// reading files
// ---------------------------------------------------------------------------------------------

export interface SheetRows {
  headers: string[];
  /** Excel row number (1-based, header = 1) and the cells as text, by column index. */
  rows: { row: number; cells: string[] }[];
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (value instanceof Date) {
    // exceljs reads Excel dates as UTC midnight of the calendar day.
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === "object") {
    if ("richText" in value) {
      return value.richText
        .map((r) => r.text)
        .join("")
        .trim();
    }
    if ("text" in value && typeof value.text === "string") {
      return value.text.trim();
    }
    if ("result" in value) {
      return cellText(value.result as ExcelJS.CellValue);
    }
    if ("error" in value) {
      return String(value.error);
    }
    return "";
  }
  return String(value).trim();
}

/**
 * Issue 14 §1: a file above the row limit is refused while it is read (its rows past the limit are
 * never parsed); the job answers 413 naming the limit and writes nothing.
 */
export class ImportTooManyRowsError extends ImportFileError {
  constructor(readonly limit: number) {
    super(`文件超过导入上限 ${limit} 行，未导入任何数据；请拆分为多个不超过 ${limit} 行的文件后导入`);
  }
}

/** Rows read between two returns to the event loop, so /api/health and other requests keep answering. */
const ROWS_PER_TURN = 500;

/** Lets pending I/O (other requests) run before the next batch of rows. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads the first worksheet with exceljs's streaming reader: rows are parsed one at a time (never the
 * whole workbook model, which took 2.7 GB for a 13.8 MB file of 3 M rows) and reading stops at the
 * first data row past `maxRows`.
 */
export async function readXlsx(buffer: Buffer, maxRows: number): Promise<SheetRows> {
  const reader = new (await excel()).stream.xlsx.WorkbookReader(Readable.from([buffer]), {
    worksheets: "emit",
    sharedStrings: "cache",
    // Styles tell dates from numbers; hyperlinks and other entries are never needed.
    styles: "cache",
    hyperlinks: "ignore",
    entries: "ignore",
  });
  const headers: string[] = [];
  const rows: SheetRows["rows"] = [];
  let sheets = 0;
  let scanned = 0;
  try {
    for await (const ws of reader) {
      sheets++;
      for await (const row of ws) {
        const values = row.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) {
          cells[i - 1] = cellText(values[i] ?? null);
        }
        if (headers.length === 0) {
          if (cells.some((c) => c !== undefined && c !== "")) {
            headers.push(...Array.from(cells, (c) => c ?? ""));
          }
        } else if (cells.some((c) => c !== undefined && c !== "")) {
          if (rows.length >= maxRows) {
            throw new ImportTooManyRowsError(maxRows);
          }
          rows.push({ row: row.number, cells: Array.from(cells, (c) => c ?? "") });
        }
        if (++scanned % ROWS_PER_TURN === 0) {
          await nextTurn();
        }
      }
      // Only the first worksheet is imported; the rest of the file is not read.
      break;
    }
  } catch (e) {
    if (e instanceof ImportFileError) {
      throw e;
    }
    throw new ImportFileError("文件不是有效的 Excel（.xlsx）文件");
  }
  if (sheets === 0) {
    throw new ImportFileError("Excel 文件中没有工作表");
  }
  return { headers, rows };
}

/** UTF-8 (with or without BOM), else GB18030 — what Excel in Chinese saves "CSV" as. */
function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    return new TextDecoder("gb18030").decode(buffer);
  }
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; one record at a time. */
export function* csvRecords(text: string): Generator<string[]> {
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") {
        i++;
      }
      row.push(field);
      yield row;
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    yield row;
  }
}

/** Every record of a CSV text. */
export function parseCsv(text: string): string[][] {
  return [...csvRecords(text)];
}

/**
 * A CSV read record by record: stops at the first data row past `maxRows` (issue 14 §1), returns to
 * the event loop between batches, and undoes the `'` our own CSV export puts before formula-like text.
 */
export async function readCsv(buffer: Buffer, maxRows: number): Promise<SheetRows> {
  let headers: string[] | undefined;
  const rows: SheetRows["rows"] = [];
  let line = 0;
  for (const cells of csvRecords(decodeText(buffer))) {
    line++;
    if (headers === undefined) {
      headers = cells.map((h) => h.trim());
    } else if (cells.some((c) => c.trim() !== "")) {
      if (rows.length >= maxRows) {
        throw new ImportTooManyRowsError(maxRows);
      }
      rows.push({ row: line, cells: cells.map((c) => unescapeCsvText(c.trim())) });
    }
    if (line % ROWS_PER_TURN === 0) {
      await nextTurn();
    }
  }
  return { headers: headers ?? [], rows };
}

// ---------------------------------------------------------------------------------------------
// validating rows
// ---------------------------------------------------------------------------------------------

/** "队伍名称*", "队伍名称（必填）" and the API key all name the same column. */
function normaliseHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, "")
    .replace(/[*＊]/g, "")
    .replace(/[（(]必填[)）]/g, "")
    .trim();
}

export interface ReferenceData {
  units: Map<string, string>;
  unitIds: Set<string>;
  warehouses: Map<string, { id: string; owner: string }>;
  supplies: Map<string, string>;
}

export async function loadReferences(db: Db): Promise<ReferenceData> {
  const units = new Map<string, string>();
  const unitIds = new Set<string>();
  for (const u of await repo.allUnits(db)) {
    unitIds.add(u.id);
    units.set(u.id, u.id);
    units.set(u.name, u.id);
    if (u.short_name) {
      units.set(u.short_name, u.id);
    }
    if (u.division_code) {
      units.set(u.division_code, u.id);
    }
  }
  const warehouses = new Map(
    (await repo.allWarehouses(db)).map((w) => [w.code, { id: w.id, owner: w.owner_unit_id }]),
  );
  const supplies = new Map((await repo.allSupplies(db)).map((s) => [s.code, s.id]));
  return { units, unitIds, warehouses, supplies };
}

const LIST_SEPARATORS = /[、,，;；\n]+/;
const phoneRe = new RegExp(PHONE_PATTERN);
const DATE_RE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

type Converted = { ok: true; value: unknown } | { ok: false; message: string };

/** One cell → the API value of its field, or why it is wrong (in words a duty officer can act on). */
export function convertCell(f: FieldDef, raw: string, refs: ReferenceData): Converted {
  const text = raw.trim();
  if (text === "") {
    if (f.required) {
      return { ok: false, message: "必填，不能为空" };
    }
    return { ok: true, value: f.default ?? null };
  }
  const t = f.type;
  switch (t.t) {
    case "text":
      return text.length > t.max ? { ok: false, message: `最多 ${t.max} 个字` } : { ok: true, value: text };
    case "int":
    case "number": {
      const cleaned = text.replace(/[,，\s]/g, "");
      const n = Number(cleaned);
      if (cleaned === "" || !Number.isFinite(n) || (t.t === "int" && !Number.isInteger(n))) {
        return { ok: false, message: t.t === "int" ? "应为整数" : "应为数字" };
      }
      if (n < t.min) {
        return { ok: false, message: t.min === 0 ? "不能为负数" : `不能小于 ${t.min}` };
      }
      if (t.max !== undefined && n > t.max) {
        return { ok: false, message: `不能大于 ${t.max}` };
      }
      return { ok: true, value: n };
    }
    case "enum": {
      const byLabel = Object.entries(t.labels).find(
        ([k, label]) => label === text || k === text || k.toLowerCase() === text.toLowerCase(),
      );
      return byLabel
        ? { ok: true, value: byLabel[0] }
        : { ok: false, message: `「${text}」不是可选值，可选：${Object.values(t.labels).join("、")}` };
    }
    case "list": {
      const items = [
        ...new Set(
          text
            .split(LIST_SEPARATORS)
            .map((s) => s.trim())
            .filter((s) => s !== ""),
        ),
      ];
      if (!t.labels) {
        const long = items.find((s) => s.length > 64);
        return long
          ? { ok: false, message: `「${long.slice(0, 10)}…」超过 64 个字` }
          : { ok: true, value: items };
      }
      const labels = t.labels;
      const keys: string[] = [];
      for (const item of items) {
        const entry = Object.entries(labels).find(([k, label]) => label === item || k === item);
        if (!entry) {
          return { ok: false, message: `「${item}」不是可选值，可选：${Object.values(labels).join("、")}` };
        }
        keys.push(entry[0]);
      }
      return { ok: true, value: keys };
    }
    case "phone": {
      const phone = text.replace(/\s/g, "");
      return phoneRe.test(phone)
        ? { ok: true, value: phone }
        : { ok: false, message: "电话号码格式不正确（手机 11 位，或座机如 010-65099000）" };
    }
    case "date": {
      const m = DATE_RE.exec(text);
      if (!m) {
        return { ok: false, message: "日期格式应为 YYYY-MM-DD" };
      }
      const iso = `${m[1]}-${(m[2] ?? "").padStart(2, "0")}-${(m[3] ?? "").padStart(2, "0")}`;
      const d = new Date(`${iso}T00:00:00Z`);
      return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso
        ? { ok: false, message: "不是有效日期" }
        : { ok: true, value: iso };
    }
    case "unit": {
      const id = refs.units.get(text);
      return id ? { ok: true, value: id } : { ok: false, message: `组织机构中没有单位「${text}」` };
    }
    case "lat":
    case "lng": {
      const n = Number(text);
      const limit = t.t === "lat" ? 90 : 180;
      return Number.isFinite(n) && Math.abs(n) <= limit
        ? { ok: true, value: n }
        : { ok: false, message: "应为十进制度数" };
    }
    case "ref": {
      const found = t.registry === "warehouses" ? refs.warehouses.get(text)?.id : refs.supplies.get(text);
      return found
        ? { ok: true, value: found }
        : { ok: false, message: `没有编码为「${text}」的${t.registry === "warehouses" ? "储备库" : "物资"}` };
    }
  }
}

export interface ValidatedRow {
  row: number;
  values: Record<string, unknown>;
}

export interface Validation {
  rows: ValidatedRow[];
  errors: RowError[];
  errorCount: number;
}

/**
 * Validates every row of a sheet against the fields: each cell, then the pairs (coordinates in
 * the district), duplicates within the file, and whether the importing user may write for the
 * row's unit. Never stops at the first problem: the report names all of them.
 */
export async function validateRows(
  ctx: AppContext,
  fields: FieldDef[],
  sheet: SheetRows,
  refs: ReferenceData,
  principal: Principal | undefined,
  onProgress: (processed: number) => void,
): Promise<Validation> {
  const errors: RowError[] = [];
  let errorCount = 0;
  const push = (e: RowError) => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) {
      errors.push(e);
    }
  };
  const index = new Map<string, number>();
  sheet.headers.forEach((h, i) => {
    const n = normaliseHeader(h);
    const f = fields.find((x) => x.label === n || x.key === n);
    if (f && !index.has(f.key)) {
      index.set(f.key, i);
    }
  });
  const missing = fields.filter((f) => f.required && !index.has(f.key));
  if (missing.length > 0) {
    for (const f of missing) {
      push({ row: 1, column: f.label, field: f.key, value: null, message: "缺少必填列" });
    }
    return { rows: [], errors, errorCount };
  }
  const outline = districtOutline(ctx.plan.org);
  const user = principal?.user;
  // Each row is written for its owner: the same rule as creating that record by hand.
  const mayWriteFor = (owner: string) =>
    user === undefined || can(recordPolicy, user, "create", { plan: ctx.plan, ownerUnitId: owner });
  const labelOf = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
  const seenCodes = new Map<string, number>();
  const seenLines = new Map<string, number>();
  const rows: ValidatedRow[] = [];
  for (const [n, r] of sheet.rows.entries()) {
    const values: Record<string, unknown> = {};
    let rowOk = true;
    const fail = (key: string, value: string | null, message: string) => {
      rowOk = false;
      push({ row: r.row, column: labelOf(key), field: key, value, message });
    };
    for (const f of fields) {
      const i = index.get(f.key);
      const raw = i === undefined ? "" : (r.cells[i] ?? "");
      const c = convertCell(f, raw, refs);
      if (c.ok) {
        values[f.key] = c.value;
      } else {
        fail(f.key, raw, c.message);
      }
    }
    const lat = values.lat;
    const lng = values.lng;
    if ((typeof lat === "number") !== (typeof lng === "number") && index.has("lat")) {
      fail(typeof lat === "number" ? "lng" : "lat", null, "经度和纬度须同时填写");
    } else if (
      typeof lat === "number" &&
      typeof lng === "number" &&
      outline &&
      !insideDistrict(outline, { lat, lng })
    ) {
      fail("lat", `${lat}, ${lng}`, `坐标不在${ctx.plan.org.district.name}范围内`);
    }
    if (
      typeof values.validFrom === "string" &&
      typeof values.validTo === "string" &&
      values.validTo < values.validFrom
    ) {
      fail("validTo", String(values.validTo), "到期日期早于生效日期");
    }
    const code = typeof values.code === "string" ? values.code : undefined;
    if (code !== undefined) {
      const first = seenCodes.get(code);
      if (first !== undefined) {
        fail("code", code, `编码重复（与第 ${first} 行相同）`);
      } else {
        seenCodes.set(code, r.row);
      }
    }
    if (typeof values.warehouseCode === "string" && typeof values.supplyCode === "string") {
      const key = `${values.warehouseCode}|${values.supplyCode}|${String(values.batch ?? "")}`;
      const first = seenLines.get(key);
      if (first !== undefined) {
        fail("supplyCode", null, `同一储备库、物资、批次重复（与第 ${first} 行相同）`);
      } else {
        seenLines.set(key, r.row);
      }
    }
    const owner =
      typeof values.ownerUnitId === "string"
        ? values.ownerUnitId
        : typeof values.warehouseCode === "string"
          ? [...refs.warehouses.values()].find((w) => w.id === values.warehouseCode)?.owner
          : undefined;
    if (owner !== undefined && !mayWriteFor(owner)) {
      fail(
        typeof values.ownerUnitId === "string" ? "ownerUnitId" : "warehouseCode",
        null,
        `无权为其他单位导入（本账号单位：${user?.unitName ?? user?.unitId ?? ""}）`,
      );
    }
    if (rowOk) {
      rows.push({ row: r.row, values });
    }
    if (n % ROWS_PER_TURN === 0) {
      onProgress(n);
      await nextTurn();
    }
  }
  return { rows, errors, errorCount };
}

// ---------------------------------------------------------------------------------------------
// jobs
