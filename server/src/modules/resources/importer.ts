/**
 * Excel/CSV import and export of the registries (issue 6 §2). An import is a job: parse → validate
 * every row (a report naming row, column and reason) → write everything in one transaction, or
 * nothing. Progress is kept in memory for polling (GET /api/imports/:id) and the outcome in
 * res_import_jobs, so another instance can report it too.
 */
import { randomUUID } from "node:crypto";
import type { Principal } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { type CommandScope, runCommand } from "../../http/command.js";
import {
  ImportFileError,
  ImportTooManyRowsError,
  loadReferences,
  MAX_REPORTED_ERRORS,
  type RowError,
  readCsv,
  readXlsx,
  type SheetName,
  type ValidatedRow,
  type Validation,
  validateRows,
} from "./importParse.js";
import { geoPointOf, newCode, newRow } from "./records.js";
import { type RegistryDef, STOCK_SHEET, writableFields } from "./registries.js";
import * as repo from "./repository.js";
import { applyMovement } from "./stock.js";
import type { StockTable } from "./tables.js";

export type { SheetName };

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
  /** Set when the file was refused for having more data rows than this limit (answered 413). */
  rowLimit: number | null;
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

function fromRow(r: repo.ImportJob): JobState {
  const errors = r.errors;
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
    rowLimit: null,
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
    rowLimit: null,
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
    errors: [],
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
    errors: job.errors,
    detail,
    finished_at: job.finishedAt,
  });
}

async function runJob(ctx: AppContext, req: ImportRequest, job: JobState): Promise<JobState> {
  try {
    // Let the HTTP answer (202 + job id) go out before the heavy work starts.
    await new Promise((resolve) => setImmediate(resolve));
    const maxRows = ctx.config.resources.importMaxRows;
    const sheet =
      req.format === "csv" ? await readCsv(req.buffer, maxRows) : await readXlsx(req.buffer, maxRows);
    job.total = sheet.rows.length;
    job.phase = "validate";
    if (sheet.rows.length === 0) {
      await finish(ctx, job, "failed", "文件中没有数据行");
      return job;
    }
    const fields = req.def ? writableFields(req.def) : STOCK_SHEET;
    const refs = await loadReferences(ctx.db);
    const v = await validateRows(ctx, fields, sheet, refs, req.principal, (n) => {
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
    if (e instanceof ImportTooManyRowsError) {
      job.rowLimit = e.limit;
    }
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
