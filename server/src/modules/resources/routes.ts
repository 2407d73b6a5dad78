import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { IMPORT_MAX_BYTES } from "../../../../shared/resources.js";
import { authorize } from "../../authz/registry.js";
import type { AppContext } from "../../context.js";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, isString, page } from "../../http/pagination.js";
import { districtCentre, districtOutline } from "./geo.js";
import {
  type ExportTable,
  getJob,
  type JobState,
  presentJob,
  type SheetName,
  startImport,
  template,
  toCsv,
  toXlsx,
  unitNameMap,
} from "./importer.js";
import { isAnyParty, isOfficeUser, type OwnedResource, partyLabels } from "./policy.js";
import {
  type FieldDef,
  REGISTRIES,
  REGISTRY_NAMES,
  type RegistryDef,
  STOCK_SHEET,
  writableFields,
} from "./registries.js";
import * as repo from "./repository.js";
import {
  CreateDispatchBody,
  CreateStockBody,
  createBody,
  DispatchListQuery,
  DispatchView,
  GeoPointView,
  HistoryView,
  IdParams,
  ImportJobView,
  ImportQuery,
  listQuery,
  MapQuery,
  MovementBody,
  MovementListQuery,
  MovementView,
  NearestQuery,
  OccupancyBody,
  OpenShelterBody,
  PublicShelterView,
  RejectBody,
  ReturnBody,
  RulePreviewQuery,
  recordView,
  StepBody,
  StockListQuery,
  StockView,
  UpdateStockBody,
  updateBody,
} from "./schema.js";
import * as svc from "./service.js";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

type Query = Record<string, unknown>;

function sendFile(reply: FastifyReply, body: Buffer, type: string, name: string) {
  reply
    .header("content-type", type)
    .header(
      "content-disposition",
      `attachment; filename="export"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .send(body);
  return reply;
}

/** The registry's list filter from a query string (exact-match filters are the fields marked `filter`). */
function recordFilter(def: RegistryDef, q: Query): Omit<repo.RecordFilter, "limit"> {
  const equals: Record<string, string> = {};
  for (const f of def.fields) {
    if (f.filter && typeof q[f.key] === "string") {
      equals[f.column] = q[f.key] as string;
    }
  }
  return {
    q: typeof q.q === "string" && q.q.trim() !== "" ? q.q.trim() : undefined,
    ownerUnitId: typeof q.ownerUnitId === "string" ? q.ownerUnitId : undefined,
    equals,
    tag: def.geo?.tags && typeof q.tag === "string" ? { column: def.geo.tags, value: q.tag } : undefined,
  };
}

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

export function registerResourceRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Encapsulated so the spreadsheet body parsers and the larger upload limit stay with these routes.
  app.register(async (scope) => {
    for (const type of [XLSX_TYPE, "text/csv", "application/octet-stream"]) {
      scope.addContentTypeParser(
        type,
        { parseAs: "buffer", bodyLimit: IMPORT_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );
    }
    const r = typed(scope);
    for (const name of REGISTRY_NAMES) {
      registerRegistry(r, ctx, REGISTRIES[name]);
    }
    registerStock(r, ctx);
    registerImports(r, ctx);
    registerDispatches(r, ctx);
    registerShelters(r, ctx);
    registerMap(r, ctx);
  });
}

const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();
type R = ReturnType<typeof typed>;

async function loadRecord(ctx: AppContext, def: RegistryDef, id: string) {
  const row = await repo.findRecord(ctx.db, def, id);
  if (!row) {
    throw notFound(`${def.label} ${id}`);
  }
  return row;
}

const ownerOf = (def: RegistryDef, row: repo.Row): OwnedResource => ({
  ownerUnitId: def.owned ? String(row.owner_unit_id) : null,
});

function registerRegistry(r: R, ctx: AppContext, def: RegistryDef) {
  const base = `/api/${def.name}`;
  const View = recordView(def);
  const tags = ["resources"];

  r.get(
    base,
    {
      schema: {
        tags,
        summary: `${def.label}列表`,
        querystring: listQuery(def),
        response: { 200: Page(View) },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      authorize(viewer, "list", "resource", { ownerUnitId: null });
      const q = req.query as Query;
      const limit = typeof q.limit === "number" ? q.limit : 50;
      const rows = await repo.listRecords(ctx.db, def, {
        ...recordFilter(def, q),
        afterCode: decodeCursor(typeof q.cursor === "string" ? q.cursor : undefined, isString),
        limit,
      });
      const result = page(rows, limit, (row) => row.code);
      return {
        items: result.items.map((row) => svc.presentRecord(def, row, viewer)),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    `${base}/:id`,
    { schema: { tags, summary: `${def.label}详情`, params: IdParams, response: { 200: View } } },
    async (req) => {
      const viewer = principalOf(req).user;
      const row = await loadRecord(ctx, def, req.params.id);
      authorize(viewer, "read", "resource", ownerOf(def, row));
      return svc.presentRecord(def, row, viewer);
    },
  );

  r.post(
    base,
    { schema: { tags, summary: `新建${def.label}`, body: createBody(def), response: { 201: View } } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const body = req.body as Query;
      authorize(viewer, "create", "resource", {
        ownerUnitId: def.owned ? String(body.ownerUnitId ?? "") : null,
      });
      const id = await runCommand(ctx, req, (scope) => svc.createRecord(ctx, scope, def, body));
      reply.status(201);
      return svc.presentRecord(def, await loadRecord(ctx, def, id), viewer);
    },
  );

  r.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: `修改${def.label}`,
        params: IdParams,
        body: updateBody(def),
        response: { 200: View },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const body = req.body as Query;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const before = await repo.findRecord(scope.trx, def, id);
        if (!before) {
          throw notFound(`${def.label} ${id}`);
        }
        authorize(viewer, "update", "resource", ownerOf(def, before));
        if (def.owned && typeof body.ownerUnitId === "string") {
          // Handing a record to another unit needs authority over the receiving unit too.
          authorize(viewer, "update", "resource", { ownerUnitId: body.ownerUnitId });
        }
        await svc.updateRecordCmd(ctx, scope, def, before, body);
      });
      return svc.presentRecord(def, await loadRecord(ctx, def, id), viewer);
    },
  );

  r.delete(
    `${base}/:id`,
    { schema: { tags, summary: `删除${def.label}`, params: IdParams } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const before = await repo.findRecord(scope.trx, def, id);
        if (!before) {
          throw notFound(`${def.label} ${id}`);
        }
        authorize(viewer, "delete", "resource", ownerOf(def, before));
        await svc.deleteRecordCmd(ctx, scope, def, before);
      });
      reply.status(204);
    },
  );

  r.get(
    `${base}/:id/history`,
    {
      schema: {
        tags,
        summary: `${def.label}变更历史（审计记录）`,
        params: IdParams,
        response: { 200: HistoryView },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const row = await loadRecord(ctx, def, req.params.id);
      authorize(viewer, "read", "resource", ownerOf(def, row));
      return { items: await svc.recordHistory(ctx.db, def.entity, req.params.id) };
    },
  );

  registerImportExport(r, ctx, def.name, def.label, def);
}

function registerImportExport(
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
      authorize(principal.user, "import", "resource", { ownerUnitId: null });
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
        authorize(principalOf(req).user, "export", "resource", { ownerUnitId: null });
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

function registerImports(r: R, ctx: AppContext) {
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
      const job = await getJob(ctx.db, req.params.id);
      if (!job) {
        throw notFound(`导入任务 ${req.params.id}`);
      }
      if (job.createdBy !== user.id && !isOfficeUser(user)) {
        throw forbidden("只能查看本人发起的导入任务", ["导入任务发起人", "区应急办"]);
      }
      return presentJob(job);
    },
  );
}

function stockFilter(q: Query): Omit<repo.StockFilter, "limit"> {
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

function registerStock(r: R, ctx: AppContext) {
  const tags = ["resources"];
  const loadLine = async (db: typeof ctx.db, id: string) => {
    const line = await repo.findStock(db, id);
    if (!line) {
      throw notFound(`库存行 ${id}`);
    }
    return line;
  };

  r.get(
    "/api/stock",
    {
      schema: {
        tags,
        summary: "库存列表（按储备库、物资、批次）",
        querystring: StockListQuery,
        response: { 200: Page(StockView) },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await repo.listStock(ctx.db, {
        ...stockFilter(q),
        after: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (row) => [row.warehouse_code, row.id]);
      const now = ctx.clock.now();
      return {
        items: result.items.map((row) => svc.presentStock(row, viewer, now)),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/stock/movements",
    {
      schema: {
        tags,
        summary: "库存台账（出入库流水，新到旧）",
        querystring: MovementListQuery,
        response: { 200: Page(MovementView) },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await repo.listMovements(ctx.db, {
        stockId: q.stockId,
        warehouseId: q.warehouseId,
        kind: q.kind,
        dispatchId: q.dispatchId,
        before: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (m) => [m.at, m.id]);
      return { items: result.items.map(svc.presentMovement), nextCursor: result.nextCursor };
    },
  );

  r.post(
    "/api/stock/movements",
    {
      schema: {
        tags,
        summary: "登记出入库（入库、出库、调拨、盘点调整、过期报废）",
        description: "余额永不为负：出库超过结存时返回 409，并给出可用数量 available。",
        body: MovementBody,
        response: { 201: StockView },
      },
    },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const body = req.body;
      await runCommand(ctx, req, async (scope) => {
        const line = await loadLine(scope.trx, body.stockId);
        authorize(viewer, "move", "stock", { ownerUnitId: line.owner_unit_id });
        await svc.recordMovement(scope, line, body);
      });
      reply.status(201);
      return svc.presentStock(await loadLine(ctx.db, body.stockId), viewer, ctx.clock.now());
    },
  );

  r.get(
    "/api/stock/:id",
    { schema: { tags, summary: "库存行详情", params: IdParams, response: { 200: StockView } } },
    async (req) => {
      const viewer = principalOf(req).user;
      return svc.presentStock(await loadLine(ctx.db, req.params.id), viewer, ctx.clock.now());
    },
  );

  r.post(
    "/api/stock",
    {
      schema: {
        tags,
        summary: "新建库存行（可同时登记首次入库）",
        body: CreateStockBody,
        response: { 201: StockView },
      },
    },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const body = req.body;
      const warehouse = await ctx.db
        .selectFrom("res_warehouses")
        .select("owner_unit_id")
        .where("id", "=", body.warehouseId)
        .executeTakeFirst();
      authorize(viewer, "create", "stock", { ownerUnitId: warehouse?.owner_unit_id ?? viewer.unitId });
      const id = await runCommand(ctx, req, (scope) => svc.createStockLine(scope, body));
      reply.status(201);
      return svc.presentStock(await loadLine(ctx.db, id), viewer, ctx.clock.now());
    },
  );

  r.patch(
    "/api/stock/:id",
    {
      schema: {
        tags,
        summary: "修改库存行（有效期、储备方式；数量请登记出入库）",
        params: IdParams,
        body: UpdateStockBody,
        response: { 200: StockView },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const id = req.params.id;
      const body = req.body;
      await runCommand(ctx, req, async (scope) => {
        const line = await loadLine(scope.trx, id);
        authorize(viewer, "update", "stock", { ownerUnitId: line.owner_unit_id });
        const set = {
          ...(body.expiryDate !== undefined ? { expiry_date: body.expiryDate as string | null } : {}),
          ...(body.reserveMode !== undefined ? { reserve_mode: body.reserveMode } : {}),
          updated_at: scope.now.toISOString(),
        };
        // Audit first: stock rows are locked only after the audit head (see service applyMovement).
        await scope.audit({
          action: "stock.update",
          entityType: "stock",
          entityId: id,
          before: { expiryDate: line.expiry_date, reserveMode: line.reserve_mode },
          after: set,
        });
        await scope.trx.updateTable("res_stock").set(set).where("id", "=", id).execute();
      });
      return svc.presentStock(await loadLine(ctx.db, id), viewer, ctx.clock.now());
    },
  );

  r.delete(
    "/api/stock/:id",
    { schema: { tags, summary: "删除库存行（仅限无流水的空行）", params: IdParams } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const line = await loadLine(scope.trx, id);
        authorize(viewer, "delete", "stock", { ownerUnitId: line.owner_unit_id });
        if ((await repo.countReferences(scope.trx, "res_stock_movements", "stock_id", id)) > 0) {
          throw conflict("该库存行已有出入库流水，不能删除（台账须完整保留）");
        }
        await scope.audit({ action: "stock.delete", entityType: "stock", entityId: id, before: line });
        await scope.trx.deleteFrom("res_stock").where("id", "=", id).execute();
      });
      reply.status(204);
    },
  );

  r.get(
    "/api/stock/:id/history",
    {
      schema: {
        tags,
        summary: "库存行变更历史（审计记录）",
        params: IdParams,
        response: { 200: HistoryView },
      },
    },
    async (req) => {
      principalOf(req);
      await loadLine(ctx.db, req.params.id);
      return { items: await svc.recordHistory(ctx.db, "stock", req.params.id) };
    },
  );

  registerImportExport(r, ctx, "stock", "库存", undefined);
}

function registerDispatches(r: R, ctx: AppContext) {
  const tags = ["dispatch"];
  const present = async (id: string, req: FastifyRequest) => {
    const d = await repo.findDispatch(ctx.db, id);
    if (!d) {
      throw notFound(`调用记录 ${id}`);
    }
    return svc.presentDispatch(ctx, d, principalOf(req).user);
  };

  r.get(
    "/api/dispatches",
    {
      schema: {
        tags,
        summary: "资源调用记录（新到旧）",
        querystring: DispatchListQuery,
        response: { 200: Page(DispatchView) },
      },
    },
    async (req) => {
      const viewer = principalOf(req).user;
      const q = req.query;
      const limit = q.limit ?? 50;
      const rows = await repo.listDispatches(ctx.db, {
        incidentId: q.incidentId,
        state: q.state,
        resourceType: q.resourceType,
        resourceId: q.resourceId,
        before: decodeCursor(q.cursor, isPair),
        limit,
      });
      const result = page(rows, limit, (d) => [d.created_at, d.id]);
      return {
        items: result.items.map((d) => svc.presentDispatch(ctx, d, viewer)),
        nextCursor: result.nextCursor,
      };
    },
  );

  r.get(
    "/api/dispatches/rule",
    {
      schema: {
        tags,
        summary: "预览调用审批流程（000 §6.7，按预案）",
        querystring: RulePreviewQuery,
        response: {
          200: Type.Object({
            case: Type.String(),
            name: Type.String(),
            source: Type.String(),
            gap: Type.Union([Type.String(), Type.Null()]),
            steps: Type.Array(
              Type.Object({ action: Type.String(), name: Type.String(), by: Type.Array(Type.String()) }),
            ),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      return svc.previewRule(ctx, req.query.requestingUnitId, req.query.owningUnitId);
    },
  );

  r.get(
    "/api/dispatches/:id",
    { schema: { tags, summary: "调用记录详情", params: IdParams, response: { 200: DispatchView } } },
    async (req) => present(req.params.id, req),
  );

  r.post(
    "/api/dispatches",
    {
      schema: {
        tags,
        summary: "提出资源调用需求（关联突发事件）",
        description:
          "审批步骤按预案 dispatchApproval（000 §6.7）：本单位物资直接调用；调用其他单位物资须区应急办审核、区应急委领导批准。",
        body: CreateDispatchBody,
        response: { 201: DispatchView },
      },
    },
    async (req, reply) => {
      const user = principalOf(req).user;
      const id = await runCommand(ctx, req, (scope) => svc.requestDispatch(ctx, scope, user, req.body));
      reply.status(201);
      return present(id, req);
    },
  );

  const step = (
    path: string,
    summary: string,
    body: typeof StepBody | typeof RejectBody | typeof ReturnBody,
    run: (
      scope: Parameters<Parameters<typeof runCommand>[2]>[0],
      id: string,
      body: Query,
      req: FastifyRequest,
    ) => Promise<void>,
  ) =>
    r.post(
      `/api/dispatches/:id/${path}`,
      { schema: { tags, summary, params: IdParams, body, response: { 200: DispatchView } } },
      async (req) => {
        const id = (req.params as { id: string }).id;
        await runCommand(ctx, req, (scope) => run(scope, id, (req.body ?? {}) as Query, req));
        return present(id, req);
      },
    );

  step("approve", "审核／批准／下达指令（完成当前待办的审批步骤）", StepBody, (scope, id, body, req) =>
    svc.approveDispatch(ctx, scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("reject", "驳回或撤回调用需求", RejectBody, (scope, id, body, req) =>
    svc.rejectDispatch(ctx, scope, principalOf(req).user, id, String(body.reason)),
  );
  step("dispatch", "出发（物资出库、队伍转为已出动）", StepBody, (scope, id, body, req) =>
    svc.sendDispatch(ctx, scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("arrive", "到达现场报到（000 §4.4）", StepBody, (scope, id, body, req) =>
    svc.arriveDispatch(scope, principalOf(req).user, id, body.comment as string | undefined),
  );
  step("return", "归还或登记消耗（物资入库、队伍归队）", ReturnBody, (scope, id, body, req) =>
    svc.returnDispatch(scope, principalOf(req).user, id, body as unknown as svc.ReturnInput),
  );
}

function registerShelters(r: R, ctx: AppContext) {
  const def = REGISTRIES.shelters;
  const View = recordView(def);
  const tags = ["resources"];

  r.post(
    "/api/shelters/:id/open",
    {
      schema: {
        tags,
        summary: "启用应急避难场所（权限按预案 000 §6.9）",
        params: IdParams,
        body: OpenShelterBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const shelter = await repo.findRecord(scope.trx, def, id);
        if (!shelter) {
          throw notFound(`避难场所 ${id}`);
        }
        await svc.openShelter(ctx, scope, user, shelter, req.body);
      });
      return svc.presentRecord(def, await loadRecord(ctx, def, id), user);
    },
  );

  r.post(
    "/api/shelters/:id/close",
    {
      schema: {
        tags,
        summary: "关闭应急避难场所",
        params: IdParams,
        body: StepBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const shelter = await repo.findRecord(scope.trx, def, id);
        if (!shelter) {
          throw notFound(`避难场所 ${id}`);
        }
        await svc.closeShelter(ctx, scope, user, shelter);
      });
      return svc.presentRecord(def, await loadRecord(ctx, def, id), user);
    },
  );

  r.post(
    "/api/shelters/:id/occupancy",
    {
      schema: {
        tags,
        summary: "登记当前安置人数",
        params: IdParams,
        body: OccupancyBody,
        response: { 200: View },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, async (scope) => {
        const shelter = await repo.findRecord(scope.trx, def, id);
        if (!shelter) {
          throw notFound(`避难场所 ${id}`);
        }
        authorize(user, "occupancy", "shelter", { ownerUnitId: String(shelter.owner_unit_id) });
        await svc.setOccupancy(scope, shelter, req.body.occupancy);
      });
      return svc.presentRecord(def, await loadRecord(ctx, def, id), user);
    },
  );

  r.get(
    "/api/shelters/:id/activation",
    {
      schema: {
        tags,
        summary: "谁可以启用该场所（按预案）",
        params: IdParams,
        response: {
          200: Type.Object({
            by: Type.Array(Type.String()),
            source: Type.Union([Type.String(), Type.Null()]),
            allowed: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => {
      const user = principalOf(req).user;
      const shelter = await loadRecord(ctx, def, req.params.id);
      const check = svc.activationCheck(ctx, shelter);
      return {
        by: partyLabels(ctx.plan, check.parties),
        source: ctx.plan.profile.resources.shelterActivation?.source ?? null,
        allowed: isAnyParty(user, check),
      };
    },
  );

  r.get(
    "/api/public/shelters",
    {
      config: { public: true },
      schema: {
        tags: ["public"],
        summary: "已启用的应急避难场所（公众，按距离由近到远）",
        security: [],
        querystring: Type.Object(
          {
            lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
            lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PublicShelterView) }) },
      },
    },
    async (req) => {
      const { lat, lng } = req.query;
      if ((lat === undefined) !== (lng === undefined)) {
        throw badRequest("lat 和 lng 须同时提供", [
          { path: lat === undefined ? "lat" : "lng", message: "须与另一坐标同时提供" },
        ]);
      }
      const from = lat !== undefined && lng !== undefined ? { lat, lng } : undefined;
      return { items: await svc.publicShelters(ctx.db, from) };
    },
  );
}

/** A field as the web app renders it: label, widget type, whether required, allowed values. */
function describeField(f: FieldDef) {
  const t = f.type;
  const options =
    t.t === "enum" || (t.t === "list" && t.labels)
      ? Object.entries(t.labels ?? {}).map(([value, label]) => ({ value, label }))
      : null;
  return {
    key: f.key,
    label: f.label,
    type: t.t,
    required: f.required === true,
    system: f.system === true,
    filter: f.filter === true,
    options,
    min: t.t === "int" || t.t === "number" ? t.min : null,
    max: t.t === "int" || t.t === "number" ? (t.max ?? null) : t.t === "text" ? t.max : null,
    help: f.help ?? null,
  };
}

const FieldDescription = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: Type.String(),
  required: Type.Boolean(),
  system: Type.Boolean(),
  filter: Type.Boolean(),
  options: Type.Union([Type.Array(Type.Object({ value: Type.String(), label: Type.String() })), Type.Null()]),
  min: Type.Union([Type.Number(), Type.Null()]),
  max: Type.Union([Type.Number(), Type.Null()]),
  help: Type.Union([Type.String(), Type.Null()]),
});

function registerMap(r: R, ctx: AppContext) {
  const tags = ["resources"];

  r.get(
    "/api/resources/registries",
    {
      schema: {
        tags,
        summary: "各类资源台账的字段说明（表单、筛选、导入模板由此生成）",
        response: {
          200: Type.Object({
            registries: Type.Array(
              Type.Object({
                name: Type.String(),
                label: Type.String(),
                owned: Type.Boolean(),
                geoKind: Type.Union([Type.String(), Type.Null()]),
                tagField: Type.Union([Type.String(), Type.Null()]),
                fields: Type.Array(FieldDescription),
              }),
            ),
            stock: Type.Array(FieldDescription),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      return {
        registries: REGISTRY_NAMES.map((name) => {
          const def = REGISTRIES[name];
          const tagColumn = def.geo?.tags;
          return {
            name,
            label: def.label,
            owned: def.owned,
            geoKind: def.geo?.kind ?? null,
            tagField: def.fields.find((f) => f.column === tagColumn)?.key ?? null,
            fields: def.fields.map(describeField),
          };
        }),
        stock: STOCK_SHEET.map(describeField),
      };
    },
  );

  r.get(
    "/api/resources/nearest",
    {
      schema: {
        tags,
        summary: "最近的 K 个资源（空间索引），附距离（米）",
        querystring: NearestQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Intersect([GeoPointView, Type.Object({ distanceM: Type.Number() })])),
          }),
        },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const items = await svc.nearest(ctx.db, ctx, { lat: q.lat, lng: q.lng }, q.limit ?? 10, {
        kinds: q.kind ? [q.kind] : undefined,
        category: q.category,
        status: q.status,
        tag: q.tag,
      });
      return { items };
    },
  );

  r.get(
    "/api/resources/map",
    {
      schema: {
        tags,
        summary: "一张图：资源点位",
        querystring: MapQuery,
        response: { 200: Type.Object({ items: Type.Array(GeoPointView), truncated: Type.Boolean() }) },
      },
    },
    async (req) => {
      principalOf(req);
      const q = req.query;
      const kinds = q.kinds
        ? q.kinds
            .split(",")
            .map((k) => k.trim())
            .filter((k) => k !== "")
        : undefined;
      const box =
        q.minLat !== undefined && q.maxLat !== undefined && q.minLng !== undefined && q.maxLng !== undefined
          ? { minLat: q.minLat, maxLat: q.maxLat, minLng: q.minLng, maxLng: q.maxLng }
          : null;
      const limit = q.limit ?? 5000;
      const rows = await repo.geoInBox(ctx.db, ctx.dialect, box, { kinds }, limit + 1);
      return { items: rows.slice(0, limit).map(svc.presentPoint), truncated: rows.length > limit };
    },
  );

  r.get(
    "/api/resources/basemap",
    {
      config: { public: true },
      schema: {
        tags,
        summary: "离线底图：本区轮廓（GeoJSON）与可配置的瓦片地址",
        security: [],
        response: {
          200: Type.Object({
            district: Type.Object({ code: Type.String(), name: Type.String() }),
            centre: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
            outline: Type.Union([Type.Unknown(), Type.Null()]),
            tileUrl: Type.Union([Type.String(), Type.Null()]),
            tileAttribution: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async () => {
      const outline = districtOutline(ctx.plan.org);
      return {
        district: ctx.plan.org.district,
        centre: districtCentre(ctx.plan.org),
        outline,
        // An intranet tile server when there is one (e.g. http://tiles.local/{z}/{x}/{y}.png).
        tileUrl: ctx.config.map.tileUrl ?? null,
        tileAttribution: ctx.config.map.tileAttribution ?? null,
      };
    },
  );
}
