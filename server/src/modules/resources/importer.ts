/**
 * Excel/CSV import and export of the registries (issue 6 §2). An import is a job: parse → validate
 * every row (a report naming row, column and reason) → write everything in one transaction, or
 * nothing. Progress is kept in memory for polling (GET /api/imports/:id) and the outcome in
 * res_import_jobs, so another instance can report it too.
 */
import { randomUUID } from "node:crypto";
import type ExcelJS from "exceljs";
import { PHONE_PATTERN } from "../../../../shared/resources.js";
import type { Principal } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { type CommandScope, runCommand } from "../../http/command.js";
import { districtOutline } from "./geo.js";
import { isOfficeUser } from "./policy.js";
import { type FieldDef, type RegistryDef, STOCK_SHEET, writableFields } from "./registries.js";
import * as repo from "./repository.js";
import { insideDistrict } from "./rules.js";
import { applyMovement, geoPointOf, newCode, newRow } from "./service.js";
import type { ImportJobTable, StockTable } from "./tables.js";

/** exceljs is loaded when a workbook is first read or written: it adds ~30 MB to every process that imports it. */
async function excel(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

export type SheetName = RegistryDef["name"] | "stock";

export interface RowError {
  row: number;
  column: string;
  field: string;
  value: string | null;
  message: string;
}

/** At most this many row errors are kept in a report (the count says how many there were). */
const MAX_REPORTED_ERRORS = 1000;

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

export async function readXlsx(buffer: Buffer): Promise<SheetRows> {
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new ImportFileError("文件不是有效的 Excel（.xlsx）文件");
  }
  const ws = wb.worksheets[0];
  if (!ws) {
    throw new ImportFileError("Excel 文件中没有工作表");
  }
  const headers: string[] = [];
  const rows: SheetRows["rows"] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as ExcelJS.CellValue[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) {
      cells[i - 1] = cellText(values[i] ?? null);
    }
    if (headers.length === 0) {
      headers.push(...cells.map((c) => c ?? ""));
      return;
    }
    if (cells.some((c) => c !== undefined && c !== "")) {
      rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? "") });
    }
  });
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

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
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
      out.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

export function readCsv(buffer: Buffer): SheetRows {
  const lines = parseCsv(decodeText(buffer));
  const [header, ...rest] = lines;
  if (!header) {
    return { headers: [], rows: [] };
  }
  const rows: SheetRows["rows"] = [];
  rest.forEach((cells, i) => {
    if (cells.some((c) => c.trim() !== "")) {
      rows.push({ row: i + 2, cells: cells.map((c) => c.trim()) });
    }
  });
  return { headers: header.map((h) => h.trim()), rows };
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
export function validateRows(
  ctx: AppContext,
  fields: FieldDef[],
  sheet: SheetRows,
  refs: ReferenceData,
  principal: Principal | undefined,
  onProgress: (processed: number) => void,
): Validation {
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
  const restrictUnit = user !== undefined && !isOfficeUser(user) ? user.unitId : undefined;
  const labelOf = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
  const seenCodes = new Map<string, number>();
  const seenLines = new Map<string, number>();
  const rows: ValidatedRow[] = [];
  sheet.rows.forEach((r, n) => {
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
    if (restrictUnit !== undefined) {
      const owner =
        typeof values.ownerUnitId === "string"
          ? values.ownerUnitId
          : typeof values.warehouseCode === "string"
            ? [...refs.warehouses.values()].find((w) => w.id === values.warehouseCode)?.owner
            : undefined;
      if (owner !== undefined && owner !== restrictUnit) {
        fail(
          typeof values.ownerUnitId === "string" ? "ownerUnitId" : "warehouseCode",
          null,
          `无权为其他单位导入（本账号单位：${user?.unitName ?? restrictUnit}）`,
        );
      }
    }
    if (rowOk) {
      rows.push({ row: r.row, values });
    }
    if (n % 500 === 0) {
      onProgress(n);
    }
  });
  return { rows, errors, errorCount };
}

// ---------------------------------------------------------------------------------------------
// jobs
// ---------------------------------------------------------------------------------------------

export interface JobState {
  id: string;
  registry: SheetName;
  mode: "create" | "upsert";
  fileName: string | null;
  state: "running" | "done" | "failed";
  phase: "parse" | "validate" | "write" | "done" | "failed";
  total: number;
  processed: number;
  created: number;
  updated: number;
  errors: RowError[];
  errorCount: number;
  detail: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const live = new Map<string, JobState>();
/** Finished jobs stay in memory for a while so pollers see the end without a database read. */
const KEEP_FINISHED_MS = 10 * 60_000;

export function presentJob(j: JobState) {
  return {
    id: j.id,
    registry: j.registry,
    mode: j.mode,
    fileName: j.fileName,
    state: j.state,
    phase: j.phase,
    total: j.total,
    processed: j.processed,
    created: j.created,
    updated: j.updated,
    errors: j.errors,
    errorCount: j.errorCount,
    detail: j.detail,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
  };
}

function fromRow(r: ImportJobTable): JobState {
  const errors = JSON.parse(r.errors) as RowError[];
  return {
    id: r.id,
    registry: r.registry as SheetName,
    mode: r.mode === "upsert" ? "upsert" : "create",
    fileName: r.file_name,
    state: r.state as JobState["state"],
    phase: r.phase as JobState["phase"],
    total: Number(r.total),
    processed: Number(r.processed),
    created: Number(r.created),
    updated: Number(r.updated),
    errors,
    errorCount: errors.length,
    detail: r.detail,
    createdBy: r.created_by,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export async function getJob(db: Db, id: string): Promise<JobState | undefined> {
  const mem = live.get(id);
  if (mem) {
    return mem;
  }
  const row = await repo.findImportJob(db, id);
  return row ? fromRow(row) : undefined;
}

export interface ImportRequest {
  sheet: SheetName;
  def: RegistryDef | undefined;
  buffer: Buffer;
  format: "xlsx" | "csv";
  fileName: string | null;
  mode: "create" | "upsert";
  principal: Principal | undefined;
  requestId: string;
}

/** Starts an import job; the returned promise settles when it has finished (for `wait=true`). */
export async function startImport(
  ctx: AppContext,
  req: ImportRequest,
): Promise<{ job: JobState; done: Promise<JobState> }> {
  const job: JobState = {
    id: randomUUID(),
    registry: req.sheet,
    mode: req.mode,
    fileName: req.fileName,
    state: "running",
    phase: "parse",
    total: 0,
    processed: 0,
    created: 0,
    updated: 0,
    errors: [],
    errorCount: 0,
    detail: null,
    createdBy: req.principal?.user.id ?? null,
    createdAt: ctx.clock.now().toISOString(),
    finishedAt: null,
  };
  live.set(job.id, job);
  await repo.insertImportJob(ctx.db, {
    id: job.id,
    registry: job.registry,
    mode: job.mode,
    file_name: job.fileName,
    state: job.state,
    phase: job.phase,
    total: 0,
    processed: 0,
    created: 0,
    updated: 0,
    errors: "[]",
    detail: null,
    created_by: job.createdBy,
    created_at: job.createdAt,
    finished_at: null,
  });
  const done = runJob(ctx, req, job).finally(() => {
    setTimeout(() => live.delete(job.id), KEEP_FINISHED_MS).unref();
  });
  return { job, done };
}

async function finish(ctx: AppContext, job: JobState, state: "done" | "failed", detail: string | null) {
  job.state = state;
  job.phase = state;
  job.detail = detail;
  job.finishedAt = ctx.clock.now().toISOString();
  await repo.updateImportJob(ctx.db, job.id, {
    state,
    phase: state,
    total: job.total,
    processed: job.processed,
    created: job.created,
    updated: job.updated,
    errors: JSON.stringify(job.errors),
    detail,
    finished_at: job.finishedAt,
  });
}

async function runJob(ctx: AppContext, req: ImportRequest, job: JobState): Promise<JobState> {
  try {
    // Let the HTTP answer (202 + job id) go out before the heavy work starts.
    await new Promise((resolve) => setImmediate(resolve));
    const sheet = req.format === "csv" ? readCsv(req.buffer) : await readXlsx(req.buffer);
    job.total = sheet.rows.length;
    job.phase = "validate";
    if (sheet.rows.length === 0) {
      await finish(ctx, job, "failed", "文件中没有数据行");
      return job;
    }
    const fields = req.def ? writableFields(req.def) : STOCK_SHEET;
    const refs = await loadReferences(ctx.db);
    const v = validateRows(ctx, fields, sheet, refs, req.principal, (n) => {
      job.processed = n;
    });
    if (req.def) {
      await checkExistingCodes(ctx.db, req.def, req.mode, v);
    }
    job.errors = v.errors;
    job.errorCount = v.errorCount;
    if (v.errorCount > 0) {
      job.processed = 0;
      await finish(ctx, job, "failed", `共 ${v.errorCount} 处错误，未导入任何数据`);
      return job;
    }
    job.phase = "write";
    job.processed = 0;
    const progress = (n: number) => {
      job.processed = Math.min(job.total, Math.floor(n));
    };
    const result = await runCommand(ctx, { id: req.requestId, principal: req.principal }, (scope) =>
      req.def
        ? writeRecords(ctx, scope, req.def, v.rows, req.mode, progress)
        : writeStock(scope, v.rows, progress),
    );
    job.created = result.created;
    job.updated = result.updated;
    job.processed = job.total;
    await finish(ctx, job, "done", null);
    return job;
  } catch (e) {
    const detail =
      e instanceof ImportFileError
        ? e.message
        : `导入失败，未写入任何数据：${e instanceof Error ? e.message : String(e)}`;
    await finish(ctx, job, "failed", detail).catch(() => undefined);
    return job;
  }
}

/** In create mode an existing code is an error of its row; in upsert mode the row updates that record. */
async function checkExistingCodes(db: Db, def: RegistryDef, mode: "create" | "upsert", v: Validation) {
  const codes = v.rows.map((r) => r.values.code).filter((c): c is string => typeof c === "string");
  const existing = await repo.idsByCode(db, def, codes);
  if (mode === "upsert") {
    for (const r of v.rows) {
      const id = typeof r.values.code === "string" ? existing.get(r.values.code) : undefined;
      if (id) {
        r.values.__id = id;
      }
    }
    return;
  }
  const keep: ValidatedRow[] = [];
  for (const r of v.rows) {
    if (typeof r.values.code === "string" && existing.has(r.values.code)) {
      v.errorCount++;
      if (v.errors.length < MAX_REPORTED_ERRORS) {
        v.errors.push({
          row: r.row,
          column: "编码",
          field: "code",
          value: r.values.code,
          message: "编码已存在（如需更新请选择“按编码更新”）",
        });
      }
    } else {
      keep.push(r);
    }
  }
  v.rows = keep;
  v.errors.sort((a, b) => a.row - b.row);
}

async function writeRecords(
  ctx: AppContext,
  scope: CommandScope,
  def: RegistryDef,
  rows: ValidatedRow[],
  mode: "create" | "upsert",
  progress: (n: number) => void,
): Promise<{ created: number; updated: number }> {
  const now = scope.now.toISOString();
  const inserts: repo.Row[] = [];
  let updated = 0;
  for (const [n, r] of rows.entries()) {
    const existingId = typeof r.values.__id === "string" ? r.values.__id : undefined;
    if (existingId && mode === "upsert") {
      const before = await repo.findRecord(scope.trx, def, existingId);
      const set: repo.Row = { updated_at: now };
      const full = newRow(def, r.values, existingId, String(r.values.code), now);
      for (const f of writableFields(def)) {
        set[f.column] = full[f.column];
      }
      await repo.updateRecord(scope.trx, def, existingId, set);
      const point = geoPointOf(def, { ...before, ...set, id: existingId });
      if (point) {
        await repo.putGeo(scope.trx, ctx.dialect, point);
      }
      const { owner_unit_name: _n, ...plain } = before ?? {};
      await scope.audit({
        action: `${def.entity}.import`,
        entityType: def.entity,
        entityId: existingId,
        before: plain,
        after: set,
      });
      updated++;
    } else {
      const code = typeof r.values.code === "string" ? r.values.code : newCode(def);
      inserts.push(newRow(def, r.values, randomUUID(), code, now));
    }
    if (n % 200 === 0) {
      progress(updated);
    }
  }
  await repo.insertRecords(scope.trx, def, inserts);
  const points = inserts
    .map((row) => geoPointOf(def, row))
    .filter((p): p is repo.GeoPoint => p !== undefined && p.lat !== null);
  await repo.insertGeo(scope.trx, ctx.dialect, points);
  for (const [n, row] of inserts.entries()) {
    await scope.audit({
      action: `${def.entity}.import`,
      entityType: def.entity,
      entityId: String(row.id),
      after: row,
    });
    if (n % 200 === 0) {
      progress(updated + n);
    }
  }
  if (inserts.length + updated > 0) {
    scope.publish({
      type: `${def.entity}.imported`,
      entityType: def.entity,
      entityId: "",
      data: { created: inserts.length, updated },
    });
  }
  return { created: inserts.length, updated };
}

/** Stock rows: a new line (then an "in" movement), or an "in" movement on the existing line. */
async function writeStock(scope: CommandScope, rows: ValidatedRow[], progress: (n: number) => void) {
  let created = 0;
  let updated = 0;
  const now = scope.now.toISOString();
  for (const [n, r] of rows.entries()) {
    const v = r.values;
    const warehouseId = String(v.warehouseCode);
    const supplyId = String(v.supplyCode);
    const batch = typeof v.batch === "string" ? v.batch : "";
    let line: StockTable | undefined = await repo.findStockLine(scope.trx, warehouseId, supplyId, batch);
    if (!line) {
      line = {
        id: randomUUID(),
        warehouse_id: warehouseId,
        supply_id: supplyId,
        batch,
        expiry_date: typeof v.expiryDate === "string" ? v.expiryDate : null,
        reserve_mode: typeof v.reserveMode === "string" ? v.reserveMode : "physical",
        quantity: 0,
        created_at: now,
        updated_at: now,
      };
      await repo.insertStock(scope.trx, [line]);
      await scope.audit({ action: "stock.create", entityType: "stock", entityId: line.id, after: line });
      created++;
    } else {
      updated++;
    }
    const q = Number(v.quantity);
    if (q > 0) {
      await applyMovement(scope, {
        stockId: line.id,
        kind: "in",
        delta: q,
        reason: `Excel 导入第 ${r.row} 行`,
      });
    }
    if (n % 200 === 0) {
      progress(n);
    }
  }
  return { created, updated };
}

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
      const items = typeof value === "string" ? (JSON.parse(value) as string[]) : (value as string[]);
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

const csvCell = (v: string | number | null) => {
  const s = v === null ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(table: ExportTable, unitNames: Map<string, string>): Buffer {
  const lines = [table.fields.map((f) => csvCell(f.label)).join(",")];
  for (const row of table.rows) {
    lines.push(table.fields.map((f) => csvCell(exportValue(f, table.get(row, f), unitNames))).join(","));
  }
  // A BOM so Excel opens the UTF-8 Chinese correctly.
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
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
