/** Routes of Excel/CSV import and export of each registry and of stock, and import job progress. */
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { IMPORT_MAX_BYTES } from "../../../../shared/resources.js";
import { authorize } from "../../authz/policy.js";
import type { AppContext } from "../../context.js";
import { AppError, badRequest } from "../../errors.js";
import { principalOf } from "../../http/command.js";
import { type ExportTable, template, toCsv, toXlsx, unitNameMap } from "./exporter.js";
import { getJob, type JobState, presentJob, type SheetName, startImport } from "./importer.js";
import { importJobPolicy, recordPolicy } from "./policy.js";
import { recordFilter } from "./recordRoutes.js";
import { found } from "./records.js";
import { type RegistryDef, STOCK_SHEET, writableFields } from "./registries.js";
import * as repo from "./repository.js";
import { type Query, type R, sendFile, XLSX_TYPE } from "./routeKit.js";
import { IdParams, ImportJobView, ImportQuery } from "./schema.js";

/** Reads an upload: raw xlsx/csv body, or JSON { fileName, content: base64 } from the web app. */
function readUpload(req: FastifyRequest<{ Querystring: Query }>): {
  buffer: Buffer;
  format: "xlsx" | "csv";
  fileName: string | null;
} {
  const q = req.query;
  const type = String(req.headers["content-type"] ?? "");
  if (Buffer.isBuffer(req.body)) {
    const fileName = typeof q.fileName === "string" ? q.fileName : null;
    const format =
      q.format === "csv" || type.startsWith("text/csv") || fileName?.toLowerCase().endsWith(".csv")
        ? "csv"
        : "xlsx";
    return { buffer: req.body, format, fileName };
  }
  const body = req.body as { fileName?: unknown; content?: unknown } | undefined;
  if (!body || typeof body.content !== "string" || typeof body.fileName !== "string") {
    throw badRequest("请上传 .xlsx 或 .csv 文件", [{ path: "body", message: "缺少文件" }]);
  }
  const fileName = body.fileName;
  const format = q.format === "csv" || fileName.toLowerCase().endsWith(".csv") ? "csv" : "xlsx";
  return { buffer: Buffer.from(body.content, "base64"), format, fileName };
}

function importFailure(job: JobState): AppError {
  if (job.rowLimit !== null) {
    // Issue 14 §1: refused while reading, before any row was validated or written.
    return new AppError(
      413,
      "too-many-rows",
      "导入文件行数超过上限",
      job.detail ?? "导入文件行数超过上限",
      [{ path: "body", message: `最多 ${job.rowLimit} 行数据` }],
      { job: presentJob(job), limit: job.rowLimit },
    );
  }
  const errors = job.errors.map((e) => ({
    path: `rows[${e.row}].${e.field}`,
    message: `第 ${e.row} 行「${e.column}」${e.value ? `（${e.value}）` : ""}：${e.message}`,
  }));
  return new AppError(
    400,
    "invalid-input",
    "导入数据有误，未写入任何数据",
    job.detail ?? "导入失败",
    errors,
    {
      job: presentJob(job),
    },
  );
}

export function registerImportExport(
  r: R,
  ctx: AppContext,
  sheet: SheetName,
  label: string,
  def: RegistryDef | undefined,
) {
  const base = `/api/${sheet}`;
  const tags = ["resources"];
  const fields = def ? writableFields(def) : STOCK_SHEET;

  r.post(
    `${base}/import`,
    {
      bodyLimit: Math.ceil(IMPORT_MAX_BYTES * 1.4),
      schema: {
        tags,
        summary: `导入${label}（Excel/CSV）`,
        description:
          "上传 .xlsx 或 .csv（原始文件体，或 JSON {fileName, content: base64}）。返回 202 和导入任务，轮询 GET /api/imports/{id} 查看进度；wait=true 时等待完成（有错误时 400，逐行列出行号、列名和原因）。任一行有错误时整表不导入。",
        querystring: ImportQuery,
        response: { 200: ImportJobView, 202: ImportJobView },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      authorize(recordPolicy, principal.user, "import", { plan: ctx.plan, ownerUnitId: null });
      const upload = readUpload(req as FastifyRequest<{ Querystring: Query }>);
      if (upload.buffer.length === 0) {
        throw badRequest("文件为空", [{ path: "body", message: "文件为空" }]);
      }
      const q = req.query;
      const { job, done } = await startImport(ctx, {
        sheet,
        def,
        buffer: upload.buffer,
        format: upload.format,
        fileName: upload.fileName,
        mode: q.mode === "upsert" ? "upsert" : "create",
        principal,
        requestId: req.id,
      });
      if (q.wait) {
        const finished = await done;
        if (finished.state === "failed") {
          throw importFailure(finished);
        }
        return presentJob(finished);
      }
      reply.status(202);
      return presentJob(job);
    },
  );

  const exportTable = async (q: Query): Promise<ExportTable> => {
    if (def) {
      const rows = await repo.exportRecords(ctx.db, def, recordFilter(def, q));
      return { title: label, fields, rows, get: (row, f) => row[f.column] };
    }
    const rows = await repo.listStock(ctx.db, { ...stockFilter(q), limit: 1_000_000 });
    return {
      title: label,
      fields: [
        ...STOCK_SHEET,
        {
          key: "warehouseName",
          column: "warehouse_name",
          label: "储备库名称",
          type: { t: "text", max: 200 },
        },
        { key: "supplyName", column: "supply_name", label: "物资名称", type: { t: "text", max: 200 } },
        { key: "unit", column: "unit", label: "计量单位", type: { t: "text", max: 16 } },
      ],
      rows: rows as unknown as Record<string, unknown>[],
      get: (row, f) =>
        f.key === "warehouseCode"
          ? row.warehouse_code
          : f.key === "supplyCode"
            ? row.supply_code
            : row[f.column],
    };
  };

  const formats = [
    { ext: "xlsx", name: "Excel", type: XLSX_TYPE, write: toXlsx },
    { ext: "csv", name: "CSV", type: "text/csv; charset=utf-8", write: toCsv },
  ];
  for (const format of formats) {
    r.get(
      `${base}/export.${format.ext}`,
      {
        schema: {
          tags,
          summary: `导出${label}（${format.name}）`,
          querystring: Type.Record(Type.String(), Type.Unknown()),
        },
      },
      async (req, reply) => {
        authorize(recordPolicy, principalOf(req).user, "export", { plan: ctx.plan, ownerUnitId: null });
        const table = await exportTable(req.query as Query);
        const body = await format.write(table, await unitNameMap(ctx.db));
        return sendFile(reply, body, format.type, `${label}.${format.ext}`);
      },
    );
  }

  r.get(`${base}/template.xlsx`, { schema: { tags, summary: `${label}导入模板` } }, async (req, reply) => {
    principalOf(req);
    return sendFile(reply, await template(label, fields), XLSX_TYPE, `${label}导入模板.xlsx`);
  });
}

export function registerImports(r: R, ctx: AppContext) {
  r.get(
    "/api/imports/:id",
    {
      schema: {
        tags: ["resources"],
        summary: "导入任务进度与结果",
        params: IdParams,
        response: { 200: ImportJobView },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const job = found(await getJob(ctx.db, req.params.id), `导入任务 ${req.params.id}`);
      authorize(importJobPolicy, user, "read", { plan: ctx.plan, createdBy: job.createdBy });
      return presentJob(job);
    },
  );
}

export function stockFilter(q: Query): Omit<repo.StockFilter, "limit"> {
  const s = (k: string) => (typeof q[k] === "string" && q[k] !== "" ? (q[k] as string) : undefined);
  return {
    q: s("q"),
    warehouseId: s("warehouseId"),
    supplyId: s("supplyId"),
    category: s("category"),
    reserveMode: s("reserveMode"),
    expiringBefore: s("expiringBefore"),
    inStock: q.inStock === true || q.inStock === "true",
  };
}
