/**
 * The stock ledger: lines per warehouse, supply and batch, and every movement on them (in, out,
 * transfer, adjust, expired, dispatch). Authority is checked inside the command on the line read
 * in its transaction.
 */
import { randomUUID } from "node:crypto";
import type { MOVEMENT_KIND_LABELS } from "../../../../shared/resources.js";
import { allowedActions, authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import type { PlanData } from "../plans/index.js";
import { crossUnitTransferPolicy, type OwnedResource, stockPolicy } from "./policy.js";
import { found, throwIfErrors } from "./records.js";
import * as repo from "./repository.js";
import { expiryStatus } from "./rules.js";
import type { StockMovementTable } from "./tables.js";

let lastMs = 0;
let sameMs = 0;

/**
 * An id that sorts in creation order (time, then a counter within the millisecond), for ledger
 * movements and dispatches whose lists are ordered by time: rows written in the same instant still
 * list in the order they happened.
 */
export function sortableId(now: Date): string {
  const ms = now.getTime();
  sameMs = ms === lastMs ? sameMs + 1 : 0;
  lastMs = ms;
  return `${ms.toString(36).padStart(9, "0")}${sameMs.toString(36).padStart(5, "0")}-${randomUUID().slice(0, 18)}`;
}
const lineResource = (plan: PlanData, line: repo.StockRow): OwnedResource => ({
  plan,
  ownerUnitId: line.owner_unit_id,
});

export function presentStock(ctx: AppContext, row: repo.StockRow, viewer: SessionUser, now: Date) {
  return {
    id: row.id,
    warehouseId: row.warehouse_id,
    warehouseCode: row.warehouse_code,
    warehouseName: row.warehouse_name,
    ownerUnitId: row.owner_unit_id,
    ownerUnitName: row.owner_unit_name,
    supplyId: row.supply_id,
    supplyCode: row.supply_code,
    supplyName: row.supply_name,
    category: row.category,
    unit: row.unit,
    batch: row.batch,
    expiryDate: row.expiry_date,
    expiry: expiryStatus(row.expiry_date, now),
    reserveMode: row.reserve_mode,
    quantity: Number(row.quantity),
    updatedAt: row.updated_at,
    allowedActions: allowedActions(stockPolicy, viewer, lineResource(ctx.plan, row)),
  };
}

export function presentMovement(m: repo.MovementRow) {
  return {
    id: m.id,
    stockId: m.stock_id,
    warehouseName: m.warehouse_name,
    supplyName: m.supply_name,
    unit: m.unit,
    kind: m.kind,
    delta: Number(m.delta),
    balanceAfter: Number(m.balance_after),
    transferId: m.transfer_id,
    dispatchId: m.dispatch_id,
    reason: m.reason,
    actorName: m.actor_name,
    at: m.at,
  };
}

/** 409 that tells the user what is there (issue 6: "Overdrawing stock: 409 with the available quantity"). */
export function overdraw(what: string, available: number, requested: number, unit: string) {
  return conflict(`${what}库存不足：可用 ${available} ${unit}，需要 ${requested} ${unit}`, {
    available,
    requested,
    unit,
  });
}

interface MoveSpec {
  stockId: string;
  kind: keyof typeof MOVEMENT_KIND_LABELS;
  delta: number;
  reason?: string | null | undefined;
  transferId?: string | null;
  dispatchId?: string | null;
}

/**
 * Applies one ledger movement. The audit row is appended first: on PostgreSQL that takes the audit
 * chain's head lock before any stock row is locked, so every transaction takes its locks in the same
 * order (head, then rows) and two transfers in opposite directions cannot deadlock. The conditional
 * UPDATE then keeps the balance ≥ 0 whatever runs concurrently; the movement row records the change
 * and the balance after it.
 */
export async function applyMovement(scope: CommandScope, spec: MoveSpec): Promise<number> {
  const at = scope.now.toISOString();
  const movementId = sortableId(scope.now);
  const current = await repo.stockQuantity(scope.trx, spec.stockId);
  if (current === undefined) {
    throw notFound(`库存行 ${spec.stockId}`);
  }
  await scope.audit({
    action: `stock.${spec.kind}`,
    entityType: "stock",
    entityId: spec.stockId,
    after: { movementId, kind: spec.kind, delta: spec.delta, reason: spec.reason ?? null },
  });
  const balance = await repo.changeStockQuantity(scope.trx, spec.stockId, spec.delta, at);
  if (balance === undefined) {
    const line = await repo.findStock(scope.trx, spec.stockId);
    if (!line) {
      throw notFound(`库存行 ${spec.stockId}`);
    }
    throw overdraw(
      `${line.warehouse_name}「${line.supply_name}」`,
      Number(line.quantity),
      -spec.delta,
      line.unit,
    );
  }
  const movement: StockMovementTable = {
    id: movementId,
    stock_id: spec.stockId,
    kind: spec.kind,
    delta: spec.delta,
    balance_after: balance,
    transfer_id: spec.transferId ?? null,
    dispatch_id: spec.dispatchId ?? null,
    reason: spec.reason ?? null,
    actor_id: scope.principal?.user.id ?? null,
    actor_name: scope.principal?.user.displayName ?? null,
    at,
  };
  await repo.insertMovements(scope.trx, [movement]);
  scope.publish({ type: "stock.moved", entityType: "stock", entityId: spec.stockId, data: { balance } });
  return balance;
}

export interface NewStockLine {
  warehouseId: string;
  supplyId: string;
  batch?: string | undefined;
  expiryDate?: string | null | undefined;
  reserveMode?: string | undefined;
  quantity?: number | undefined;
  reason?: string | undefined;
}

export async function createStockLine(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  input: NewStockLine,
): Promise<string> {
  const warehouse = await repo.findWarehouse(scope.trx, input.warehouseId);
  // An unknown warehouse is the user's own unit's question (400 below), not another unit's (403).
  authorize(stockPolicy, user, "create", {
    plan: ctx.plan,
    ownerUnitId: warehouse?.owner_unit_id ?? user.unitId,
  });
  const errors: FieldError[] = [];
  if (!warehouse) {
    errors.push({ path: "warehouseId", message: `储备库 ${input.warehouseId} 不存在` });
  }
  if (!(await repo.supplyExists(scope.trx, input.supplyId))) {
    errors.push({ path: "supplyId", message: `物资 ${input.supplyId} 不存在` });
  }
  throwIfErrors(errors);
  const batch = input.batch ?? "";
  if (await repo.findStockLine(scope.trx, input.warehouseId, input.supplyId, batch)) {
    throw conflict(`该储备库已有此物资${batch ? `（批次 ${batch}）` : ""}的库存行，请用入库登记增加数量`);
  }
  const id = randomUUID();
  const now = scope.now.toISOString();
  const row = {
    id,
    warehouse_id: input.warehouseId,
    supply_id: input.supplyId,
    batch,
    expiry_date: input.expiryDate ?? null,
    reserve_mode: input.reserveMode ?? "physical",
    quantity: 0,
    created_at: now,
    updated_at: now,
  };
  await repo.insertStock(scope.trx, [row]);
  await scope.audit({ action: "stock.create", entityType: "stock", entityId: id, after: row });
  if (input.quantity !== undefined && input.quantity > 0) {
    await applyMovement(scope, {
      stockId: id,
      kind: "in",
      delta: input.quantity,
      reason: input.reason ?? "建账入库",
    });
  }
  return id;
}

export interface MovementInput {
  stockId: string;
  kind: "in" | "out" | "transfer" | "adjust" | "expired";
  quantity: number;
  toWarehouseId?: string | undefined;
  reason?: string | undefined;
}

/** POST /api/stock/movements: in, out, transfer (a pair), adjust (signed), expired write-off. */
export async function recordMovement(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  input: MovementInput,
) {
  const line = found(await repo.findStock(scope.trx, input.stockId), `库存行 ${input.stockId}`);
  authorize(stockPolicy, user, "move", lineResource(ctx.plan, line));
  const q = input.quantity;
  if (input.kind === "adjust" ? q === 0 : q <= 0) {
    throw badRequest("quantity: 数量须为正数（盘点调整可为负，但不能为 0）", [
      { path: "quantity", message: input.kind === "adjust" ? "调整数量不能为 0" : "数量须为正数" },
    ]);
  }
  if (input.kind === "transfer") {
    if (!input.toWarehouseId) {
      throw badRequest("toWarehouseId: 调拨须指定调入储备库", [
        { path: "toWarehouseId", message: "调拨须指定调入储备库" },
      ]);
    }
    if (input.toWarehouseId === line.warehouse_id) {
      throw badRequest("toWarehouseId: 调入储备库不能与调出储备库相同", [
        { path: "toWarehouseId", message: "不能与调出储备库相同" },
      ]);
    }
    const target = await repo.findWarehouse(scope.trx, input.toWarehouseId);
    if (!target) {
      throw badRequest(`toWarehouseId: 储备库 ${input.toWarehouseId} 不存在`, [
        { path: "toWarehouseId", message: `储备库 ${input.toWarehouseId} 不存在` },
      ]);
    }
    if (target.owner_unit_id !== line.owner_unit_id) {
      // 000 §6.7: moving supplies to another unit goes through the office (or a dispatch).
      authorize(crossUnitTransferPolicy, user, "transfer", { plan: ctx.plan });
    }
    let targetLine = await repo.findStockLine(scope.trx, target.id, line.supply_id, line.batch);
    if (!targetLine) {
      const id = randomUUID();
      const now = scope.now.toISOString();
      targetLine = {
        id,
        warehouse_id: target.id,
        supply_id: line.supply_id,
        batch: line.batch,
        expiry_date: line.expiry_date,
        reserve_mode: line.reserve_mode,
        quantity: 0,
        created_at: now,
        updated_at: now,
      };
      await repo.insertStock(scope.trx, [targetLine]);
      await scope.audit({ action: "stock.create", entityType: "stock", entityId: id, after: targetLine });
    }
    const transferId = randomUUID();
    await applyMovement(scope, {
      stockId: line.id,
      kind: "transfer_out",
      delta: -q,
      reason: input.reason,
      transferId,
    });
    await applyMovement(scope, {
      stockId: targetLine.id,
      kind: "transfer_in",
      delta: q,
      reason: input.reason,
      transferId,
    });
    return;
  }
  const delta = input.kind === "in" || input.kind === "adjust" ? q : -q;
  await applyMovement(scope, { stockId: line.id, kind: input.kind, delta, reason: input.reason });
}

export interface StockLinePatch {
  expiryDate?: string | null | undefined;
  reserveMode?: string | undefined;
}

/** Expiry and reserve mode of a line (quantities move only through the ledger). */
export async function updateStockLine(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  patch: StockLinePatch,
) {
  const line = found(await repo.findStock(scope.trx, id), `库存行 ${id}`);
  authorize(stockPolicy, user, "update", lineResource(ctx.plan, line));
  const set = {
    ...(patch.expiryDate !== undefined ? { expiry_date: patch.expiryDate } : {}),
    ...(patch.reserveMode !== undefined ? { reserve_mode: patch.reserveMode } : {}),
    updated_at: scope.now.toISOString(),
  };
  // Audit first: stock rows are locked only after the audit head (see applyMovement).
  await scope.audit({
    action: "stock.update",
    entityType: "stock",
    entityId: id,
    before: { expiryDate: line.expiry_date, reserveMode: line.reserve_mode },
    after: set,
  });
  await repo.updateStockLine(scope.trx, id, set);
}

/** Deletes an empty line that never moved (the ledger is kept whole). */
export async function deleteStockLine(ctx: AppContext, scope: CommandScope, user: SessionUser, id: string) {
  const line = found(await repo.findStock(scope.trx, id), `库存行 ${id}`);
  authorize(stockPolicy, user, "delete", lineResource(ctx.plan, line));
  if ((await repo.countReferences(scope.trx, "res_stock_movements", "stock_id", id)) > 0) {
    throw conflict("该库存行已有出入库流水，不能删除（台账须完整保留）");
  }
  await scope.audit({ action: "stock.delete", entityType: "stock", entityId: id, before: line });
  await repo.deleteStockLine(scope.trx, id);
}
