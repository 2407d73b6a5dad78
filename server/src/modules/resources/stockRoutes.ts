/** Routes of the stock ledger: lines, movements, their history, import and export. */
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { notFound } from "../../errors.js";
import { principalOf, runCommand } from "../../http/command.js";
import { decodeCursor, isPair, page } from "../../http/pagination.js";
import { registerImportExport, stockFilter } from "./importRoutes.js";
import { recordHistory } from "./records.js";
import * as repo from "./repository.js";
import { Page, type R } from "./routeKit.js";
import {
  CreateStockBody,
  HistoryView,
  IdParams,
  MovementBody,
  MovementListQuery,
  MovementView,
  StockListQuery,
  StockView,
  UpdateStockBody,
} from "./schema.js";
import {
  createStockLine,
  deleteStockLine,
  presentMovement,
  presentStock,
  recordMovement,
  updateStockLine,
} from "./stock.js";

export function registerStock(r: R, ctx: AppContext) {
  const tags = ["resources"];
  const loadLine = async (db: Db, id: string) => {
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
        items: result.items.map((row) => presentStock(ctx, row, viewer, now)),
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
      return { items: result.items.map(presentMovement), nextCursor: result.nextCursor };
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
      await runCommand(ctx, req, (scope) => recordMovement(ctx, scope, viewer, body));
      reply.status(201);
      return presentStock(ctx, await loadLine(ctx.db, body.stockId), viewer, ctx.clock.now());
    },
  );

  r.get(
    "/api/stock/:id",
    { schema: { tags, summary: "库存行详情", params: IdParams, response: { 200: StockView } } },
    async (req) => {
      const viewer = principalOf(req).user;
      return presentStock(ctx, await loadLine(ctx.db, req.params.id), viewer, ctx.clock.now());
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
      const id = await runCommand(ctx, req, (scope) => createStockLine(ctx, scope, viewer, body));
      reply.status(201);
      return presentStock(ctx, await loadLine(ctx.db, id), viewer, ctx.clock.now());
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
      await runCommand(ctx, req, (scope) => updateStockLine(ctx, scope, viewer, id, body));
      return presentStock(ctx, await loadLine(ctx.db, id), viewer, ctx.clock.now());
    },
  );

  r.delete(
    "/api/stock/:id",
    { schema: { tags, summary: "删除库存行（仅限无流水的空行）", params: IdParams } },
    async (req, reply) => {
      const viewer = principalOf(req).user;
      const id = req.params.id;
      await runCommand(ctx, req, (scope) => deleteStockLine(ctx, scope, viewer, id));
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
      return { items: await recordHistory(ctx.db, "stock", req.params.id) };
    },
  );

  registerImportExport(r, ctx, "stock", "库存", undefined);
}
