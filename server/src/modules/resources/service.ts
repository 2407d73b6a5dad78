/**
 * Commands of the resources module: registry CRUD, the stock ledger, dispatch (000 §6.7 via
 * plans/rules.ts dispatchApproval), shelter activation (000 §6.9) and the read models for the map
 * and nearest-K search. Every state change is audited in the caller's transaction (runCommand).
 */
import { randomUUID } from "node:crypto";
import type { DispatchRule } from "../../../../shared/plan/schema.js";
import type { GeoKind, MOVEMENT_KIND_LABELS } from "../../../../shared/resources.js";
import type { SessionUser } from "../../authz/principal.js";
import { allowedActions } from "../../authz/registry.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError, forbidden, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { listAudit } from "../audit/index.js";
import { notifyUsers } from "../notify/index.js";
import { dispatchApproval, PlanRuleError } from "../plans/index.js";
import { toSessionUser, userQuery } from "../users/index.js";
import { districtOutline } from "./geo.js";
import {
  actsForUnit,
  authorizeParties,
  isAnyParty,
  isOfficeUser,
  type PartyCheck,
  partyLabels,
} from "./policy.js";
import type { FieldDef, RegistryDef } from "./registries.js";
import * as repo from "./repository.js";
import {
  bboxAround,
  canDo,
  type DispatchAction,
  type DispatchStep,
  distanceMeters,
  expiryStatus,
  initialSteps,
  insideDistrict,
  type LatLng,
  nearestStep,
  pendingApproval,
  stateAfterRequest,
} from "./rules.js";
import type { DispatchTable, StockMovementTable } from "./tables.js";

type Input = Record<string, unknown>;
type Row = repo.Row;

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

// ---------------------------------------------------------------------------------------------
// registry records
// ---------------------------------------------------------------------------------------------

/** A DB value → the API value of a field. */
function toApi(f: FieldDef, value: unknown): unknown {
  if (f.type.t === "list") {
    return typeof value === "string" ? (JSON.parse(value) as string[]) : [];
  }
  if (value === null || value === undefined) {
    return null;
  }
  if (f.type.t === "int" || f.type.t === "number" || f.type.t === "lat" || f.type.t === "lng") {
    return Number(value);
  }
  return value;
}

/** An API value → the DB value of a field. */
function toDb(f: FieldDef, value: unknown): unknown {
  if (f.type.t === "list") {
    return JSON.stringify(Array.isArray(value) ? value : []);
  }
  if (typeof value === "string" && value.trim() === "" && !f.required) {
    return null;
  }
  return value ?? null;
}

export function presentRecord(def: RegistryDef, row: Row, viewer: SessionUser): Input {
  const out: Input = { id: row.id };
  for (const f of def.fields) {
    out[f.key] = toApi(f, row[f.column]);
  }
  if (def.owned) {
    out.ownerUnitName = String(row.owner_unit_name ?? row.owner_unit_id ?? "");
  }
  out.createdAt = row.created_at;
  out.updatedAt = row.updated_at;
  out.allowedActions = allowedActions(viewer, "resource", {
    ownerUnitId: def.owned ? String(row.owner_unit_id) : null,
  });
  return out;
}

/** The DB row of a new record from API input (defaults applied, system fields initialised). */
export function newRow(def: RegistryDef, input: Input, id: string, code: string, now: string): Row {
  const row: Row = { id, code, created_at: now, updated_at: now };
  for (const f of def.fields) {
    if (f.key === "code") {
      continue;
    }
    if (f.system) {
      row[f.column] = f.type.t === "int" ? 0 : f.key === "status" ? "closed" : null;
      continue;
    }
    const value = input[f.key] ?? f.default ?? null;
    row[f.column] = toDb(f, value);
  }
  return row;
}

export function geoPointOf(
  def: RegistryDef,
  row: Row,
): repo.GeoPoint | { kind: string; ref_id: string; lat: null } | undefined {
  if (!def.geo) {
    return undefined;
  }
  const kind = def.geo.kind;
  if (row.lat === null || row.lat === undefined || row.lng === null || row.lng === undefined) {
    return { kind, ref_id: String(row.id), lat: null };
  }
  const tagsColumn = def.geo.tags;
  const tags = tagsColumn ? (JSON.parse(String(row[tagsColumn] ?? "[]")) as string[]) : [];
  return {
    kind,
    ref_id: String(row.id),
    lat: Number(row.lat),
    lng: Number(row.lng),
    name: String(row.name),
    category: def.geo.category ? (row[def.geo.category] as string | null) : null,
    status: def.geo.status ? (row[def.geo.status] as string | null) : null,
    tags: `|${tags.join("|")}|`,
    owner_unit_id: def.owned ? String(row.owner_unit_id) : null,
  };
}

/** Checks a schema cannot: the unit exists, coordinates come in pairs and lie in the district, dates in order. */
async function checkRecord(ctx: AppContext, def: RegistryDef, merged: Input): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (def.owned && typeof merged.ownerUnitId === "string" && !(await ctx.units.get(merged.ownerUnitId))) {
    errors.push({ path: "ownerUnitId", message: `组织单元 ${merged.ownerUnitId} 不存在` });
  }
  errors.push(...coordinateErrors(ctx, merged.lat, merged.lng));
  if (
    typeof merged.validFrom === "string" &&
    typeof merged.validTo === "string" &&
    merged.validTo < merged.validFrom
  ) {
    errors.push({ path: "validTo", message: "到期日期早于生效日期" });
  }
  return errors;
}

export function coordinateErrors(ctx: AppContext, lat: unknown, lng: unknown): FieldError[] {
  const hasLat = typeof lat === "number";
  const hasLng = typeof lng === "number";
  if (hasLat !== hasLng) {
    return [{ path: hasLat ? "lng" : "lat", message: "经度和纬度须同时填写" }];
  }
  if (!hasLat || !hasLng) {
    return [];
  }
  const outline = districtOutline(ctx.plan.org);
  if (outline && !insideDistrict(outline, { lat, lng })) {
    return [{ path: "lat", message: `坐标（${lat}, ${lng}）不在${ctx.plan.org.district.name}范围内` }];
  }
  return [];
}

function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
}

export const newCode = (def: RegistryDef) => `${def.codePrefix}-${randomUUID().slice(0, 8).toUpperCase()}`;

export async function createRecord(ctx: AppContext, scope: CommandScope, def: RegistryDef, input: Input) {
  throwIfErrors(await checkRecord(ctx, def, input));
  const code = typeof input.code === "string" && input.code.trim() !== "" ? input.code.trim() : newCode(def);
  if ((await repo.idsByCode(scope.trx, def, [code])).size > 0) {
    throw conflict(`编码 ${code} 已存在`, { field: "code" });
  }
  const id = randomUUID();
  const row = newRow(def, input, id, code, scope.now.toISOString());
  await repo.insertRecords(scope.trx, def, [row]);
  const point = geoPointOf(def, row);
  if (point) {
    await repo.putGeo(scope.trx, ctx.dialect, point);
  }
  await scope.audit({ action: `${def.entity}.create`, entityType: def.entity, entityId: id, after: row });
  scope.publish({
    type: `${def.entity}.created`,
    entityType: def.entity,
    entityId: id,
    data: { name: row.name },
  });
  return id;
}

export async function updateRecordCmd(
  ctx: AppContext,
  scope: CommandScope,
  def: RegistryDef,
  before: Row,
  patch: Input,
) {
  const id = String(before.id);
  const merged: Input = {};
  for (const f of def.fields) {
    merged[f.key] = f.key in patch ? patch[f.key] : toApi(f, before[f.column]);
  }
  throwIfErrors(await checkRecord(ctx, def, merged));
  if (def.name === "teams" && "status" in patch && patch.status !== before.status) {
    // Deployment is the dispatch flow's to set and to clear (issue 6 §4: status moves with it).
    if (patch.status === "deployed" || before.status === "deployed") {
      throw conflict("“已出动”状态由调用流程设置和解除，请在调用记录中办理归还", { field: "status" });
    }
  }
  if (
    def.name === "equipment" &&
    typeof patch.quantity === "number" &&
    patch.quantity < Number(before.deployed)
  ) {
    throw conflict(`数量不能少于在用数量 ${String(before.deployed)}`, { field: "quantity" });
  }
  if (typeof patch.code === "string" && patch.code !== before.code) {
    if ((await repo.idsByCode(scope.trx, def, [patch.code])).size > 0) {
      throw conflict(`编码 ${patch.code} 已存在`, { field: "code" });
    }
  }
  const set: Row = { updated_at: scope.now.toISOString() };
  for (const f of def.fields) {
    if (f.key in patch && !f.system) {
      set[f.column] = f.key === "code" ? String(patch.code ?? before.code) : toDb(f, patch[f.key]);
    }
  }
  await repo.updateRecord(scope.trx, def, id, set);
  const point = geoPointOf(def, { ...before, ...set });
  if (point) {
    await repo.putGeo(scope.trx, ctx.dialect, point);
  }
  const { owner_unit_name: _n, ...plainBefore } = before;
  await scope.audit({
    action: `${def.entity}.update`,
    entityType: def.entity,
    entityId: id,
    before: plainBefore,
    after: set,
  });
  scope.publish({ type: `${def.entity}.updated`, entityType: def.entity, entityId: id });
}

export async function deleteRecordCmd(ctx: AppContext, scope: CommandScope, def: RegistryDef, before: Row) {
  const id = String(before.id);
  if (
    def.name === "warehouses" &&
    (await repo.countReferences(scope.trx, "res_stock", "warehouse_id", id)) > 0
  ) {
    throw conflict("该储备库仍有库存记录，不能删除");
  }
  if (def.name === "supplies" && (await repo.countReferences(scope.trx, "res_stock", "supply_id", id)) > 0) {
    throw conflict("该物资仍有库存记录，不能删除");
  }
  if (
    (def.name === "teams" || def.name === "equipment") &&
    (await repo.openDispatchesOf(scope.trx, def.geo?.kind ?? "", id)) > 0
  ) {
    throw conflict("该资源有未结束的调用，不能删除");
  }
  if (def.name === "shelters" && before.status === "open") {
    throw conflict("该避难场所正在启用中，不能删除");
  }
  if (def.geo) {
    await repo.removeGeo(scope.trx, ctx.dialect, def.geo.kind, id);
  }
  await repo.deleteRecord(scope.trx, def, id);
  const { owner_unit_name: _n, ...plainBefore } = before;
  await scope.audit({
    action: `${def.entity}.delete`,
    entityType: def.entity,
    entityId: id,
    before: plainBefore,
  });
  scope.publish({ type: `${def.entity}.deleted`, entityType: def.entity, entityId: id });
}

/** The audit trail of one record, newest first (the registry's history tab). */
export async function recordHistory(db: Db, entityType: string, id: string) {
  const rows = await listAudit(db, { entityType, entityId: id, limit: 200 });
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    action: r.action,
    actorName: r.actor_name,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
}

// ---------------------------------------------------------------------------------------------
// stock and ledger
// ---------------------------------------------------------------------------------------------

export function presentStock(row: repo.StockRow, viewer: SessionUser, now: Date) {
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
    allowedActions: allowedActions(viewer, "stock", { ownerUnitId: row.owner_unit_id }),
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
function overdraw(what: string, available: number, requested: number, unit: string) {
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

export async function createStockLine(scope: CommandScope, input: NewStockLine): Promise<string> {
  const errors: FieldError[] = [];
  const warehouse = await scope.trx
    .selectFrom("res_warehouses")
    .select("id")
    .where("id", "=", input.warehouseId)
    .executeTakeFirst();
  if (!warehouse) {
    errors.push({ path: "warehouseId", message: `储备库 ${input.warehouseId} 不存在` });
  }
  const supply = await scope.trx
    .selectFrom("res_supplies")
    .select("id")
    .where("id", "=", input.supplyId)
    .executeTakeFirst();
  if (!supply) {
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
export async function recordMovement(scope: CommandScope, line: repo.StockRow, input: MovementInput) {
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
    const target = await scope.trx
      .selectFrom("res_warehouses")
      .select(["id", "owner_unit_id"])
      .where("id", "=", input.toWarehouseId)
      .executeTakeFirst();
    if (!target) {
      throw badRequest(`toWarehouseId: 储备库 ${input.toWarehouseId} 不存在`, [
        { path: "toWarehouseId", message: `储备库 ${input.toWarehouseId} 不存在` },
      ]);
    }
    const user = scope.principal?.user;
    if (target.owner_unit_id !== line.owner_unit_id && user && !isOfficeUser(user)) {
      // 000 §6.7: moving supplies to another unit goes through the office (or a dispatch).
      throw forbidden("跨单位调拨需由区应急办办理，或通过调用流程申请", ["区应急办工作人员", "区应急办主任"]);
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

// ---------------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------------

interface DispatchTarget {
  name: string;
  owningUnitId: string;
  quantity: number;
  /** Why the resource cannot go now (409), or undefined. */
  unavailable?: () => Error;
}

async function resolveTarget(
  db: Db,
  type: string,
  id: string,
  quantity: number | undefined,
): Promise<DispatchTarget> {
  if (type === "team") {
    const team = await db.selectFrom("res_teams").selectAll().where("id", "=", id).executeTakeFirst();
    if (!team) {
      throw badRequest(`resourceId: 队伍 ${id} 不存在`, [
        { path: "resourceId", message: `队伍 ${id} 不存在` },
      ]);
    }
    return {
      name: team.name,
      owningUnitId: team.owner_unit_id,
      quantity: 1,
      ...(team.status !== "available"
        ? {
            unavailable: () =>
              conflict(`队伍「${team.name}」当前不在待命状态（${team.status}）`, { status: team.status }),
          }
        : {}),
    };
  }
  if (type === "stock") {
    const line = await repo.findStock(db, id);
    if (!line) {
      throw badRequest(`resourceId: 库存行 ${id} 不存在`, [
        { path: "resourceId", message: `库存行 ${id} 不存在` },
      ]);
    }
    if (quantity === undefined) {
      throw badRequest("quantity: 调用物资须填写数量", [{ path: "quantity", message: "调用物资须填写数量" }]);
    }
    const available = Number(line.quantity);
    return {
      name: `${line.supply_name}（${line.warehouse_name}${line.batch ? ` 批次 ${line.batch}` : ""}）`,
      owningUnitId: line.owner_unit_id,
      quantity,
      ...(available < quantity
        ? {
            unavailable: () =>
              overdraw(`${line.warehouse_name}「${line.supply_name}」`, available, quantity, line.unit),
          }
        : {}),
    };
  }
  const eq = await db.selectFrom("res_equipment").selectAll().where("id", "=", id).executeTakeFirst();
  if (!eq) {
    throw badRequest(`resourceId: 装备 ${id} 不存在`, [{ path: "resourceId", message: `装备 ${id} 不存在` }]);
  }
  const n = quantity ?? 1;
  const free = Number(eq.quantity) - Number(eq.deployed);
  return {
    name: eq.name,
    owningUnitId: eq.owner_unit_id,
    quantity: n,
    ...(free < n
      ? {
          unavailable: () =>
            conflict(`装备「${eq.name}」可用 ${free} 台（套），需要 ${n}`, { available: free, requested: n }),
        }
      : {}),
  };
}

function ruleFor(ctx: AppContext, requestingUnitId: string, owningUnitId: string): DispatchRule {
  try {
    return dispatchApproval(ctx.plan.profile, requestingUnitId, owningUnitId, ctx.plan.org);
  } catch (e) {
    if (e instanceof PlanRuleError) {
      throw conflict(e.message);
    }
    throw e;
  }
}

/** The approval chain the profile requires for a pair of units (UI preview before submitting). */
export function previewRule(ctx: AppContext, requestingUnitId: string, owningUnitId: string) {
  const rule = ruleFor(ctx, requestingUnitId, owningUnitId);
  return {
    case: rule.case,
    name: rule.name,
    source: rule.source,
    gap: rule.gap ?? null,
    steps: rule.steps.map((s) => ({ action: s.action, name: s.name, by: partyLabels(ctx.plan, s.by) })),
  };
}

/** The context a dispatch step's parties resolve in: the acting unit and the incident's subtype. */
const partyCheck = (
  ctx: AppContext,
  parties: DispatchStep["by"],
  ownUnitId: string,
  subtypeId: string | null | undefined,
): PartyCheck => ({
  plan: ctx.plan,
  parties,
  ctx: { ownUnitId, ...(subtypeId ? { subtypeId } : {}) },
});

export interface NewDispatch {
  incidentId: string;
  resourceType: string;
  resourceId: string;
  quantity?: number | undefined;
  requestingUnitId?: string | undefined;
  destination?: string | undefined;
  lat?: number | undefined;
  lng?: number | undefined;
  note?: string | undefined;
}

export async function requestDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  input: NewDispatch,
) {
  const requestingUnitId = input.requestingUnitId ?? user.unitId;
  const errors: FieldError[] = [];
  if (!(await ctx.units.get(requestingUnitId))) {
    errors.push({ path: "requestingUnitId", message: `组织单元 ${requestingUnitId} 不存在` });
  }
  if ((await repo.incidentExists(scope.trx, ctx.dialect, input.incidentId)) === false) {
    errors.push({ path: "incidentId", message: `突发事件 ${input.incidentId} 不存在` });
  }
  throwIfErrors(errors);
  if (!(actsForUnit(user, requestingUnitId) || isOfficeUser(user) || user.roles.includes("commander"))) {
    throw forbidden("只能以本单位名义提出调用需求（或由区应急办、现场指挥长代为提出）", [
      "需求单位的负责人或工作人员",
      "区应急办工作人员",
      "现场指挥长",
    ]);
  }
  const target = await resolveTarget(scope.trx, input.resourceType, input.resourceId, input.quantity);
  const rule = ruleFor(ctx, requestingUnitId, target.owningUnitId);
  const subtype = (await repo.incidentSubtype(scope.trx, ctx.dialect, input.incidentId)) ?? null;
  const requestStep = rule.steps.find((s) => s.action === "request");
  if (requestStep) {
    authorizeParties(
      user,
      partyCheck(ctx, requestStep.by, requestingUnitId, subtype),
      `「${requestStep.name}」`,
    );
  }
  if (target.unavailable) {
    throw target.unavailable();
  }
  const id = sortableId(scope.now);
  const now = scope.now.toISOString();
  const steps = initialSteps(rule, { id: user.id, name: user.displayName }, now);
  const row: DispatchTable = {
    id,
    incident_id: input.incidentId,
    incident_subtype: subtype,
    resource_type: input.resourceType,
    resource_id: input.resourceId,
    resource_name: target.name,
    quantity: target.quantity,
    requesting_unit_id: requestingUnitId,
    owning_unit_id: target.owningUnitId,
    rule_case: rule.case,
    rule_name: rule.name,
    steps: JSON.stringify(steps),
    state: stateAfterRequest(steps),
    destination: input.destination ?? null,
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    note: input.note ?? null,
    returned_quantity: null,
    requested_by: user.id,
    requested_by_name: user.displayName,
    created_at: now,
    updated_at: now,
    dispatched_at: null,
    arrived_at: null,
    closed_at: null,
  };
  await repo.insertDispatch(scope.trx, row);
  await scope.audit({ action: "dispatch.request", entityType: "dispatch", entityId: id, after: row });
  scope.publish({
    type: "dispatch.requested",
    entityType: "dispatch",
    entityId: id,
    data: { state: row.state },
  });
  await notifyNext(ctx, scope, row, steps);
  return id;
}

/** Tells the people of the next sign-off (or the owning unit, when none is due) that it is their turn. */
async function notifyNext(ctx: AppContext, scope: CommandScope, d: DispatchTable, steps: DispatchStep[]) {
  const pending = pendingApproval(steps);
  const users = (await userQuery(scope.trx).where("users.disabled", "=", 0).execute()).map(toSessionUser);
  const targets = pending
    ? users.filter((u) =>
        isAnyParty(u, partyCheck(ctx, pending.step.by, d.requesting_unit_id, d.incident_subtype)),
      )
    : users.filter((u) => actsForUnit(u, d.owning_unit_id));
  const title = pending
    ? `待${pending.step.name}：调用${d.resource_name}`
    : `请安排出发：调用${d.resource_name}`;
  await notifyUsers(
    scope,
    targets.filter((u) => u.id !== scope.principal?.user.id).map((u) => u.id),
    {
      title,
      body: `事件 ${d.incident_id}：${d.resource_name} × ${d.quantity}（${d.rule_name}）`,
      link: `/resources/dispatches/${d.id}`,
      sourceType: "dispatch",
      sourceId: d.id,
    },
  );
}

const parseSteps = (d: DispatchTable) => JSON.parse(d.steps) as DispatchStep[];

function assertState(d: DispatchTable, action: DispatchAction, label: string) {
  if (!canDo(action, d.state)) {
    throw conflict(`调用记录当前状态为「${stateLabel(d.state)}」，不能${label}`, { state: d.state });
  }
}

const STATE_LABELS: Record<string, string> = {
  requested: "待审批",
  approved: "已批准",
  rejected: "已驳回",
  dispatched: "已出发",
  arrived: "已到达",
  returned: "已归还",
  consumed: "已消耗",
};
const stateLabel = (s: string) => STATE_LABELS[s] ?? s;

/** Who may physically send the resource: the rule's dispatch step, else the owning unit or the office. */
function dispatcherCheck(
  ctx: AppContext,
  user: SessionUser,
  d: DispatchTable,
  steps: DispatchStep[],
): boolean {
  const step = steps.find((s) => s.action === "dispatch");
  if (step) {
    return isAnyParty(user, partyCheck(ctx, step.by, d.owning_unit_id, d.incident_subtype));
  }
  return actsForUnit(user, d.owning_unit_id) || isOfficeUser(user);
}

function dispatcherLabels(ctx: AppContext, steps: DispatchStep[]): string[] {
  const step = steps.find((s) => s.action === "dispatch");
  return step ? partyLabels(ctx.plan, step.by) : ["资源所属单位的负责人或工作人员", "区应急办"];
}

/** Check-in and return: the scene (commander), the office, the requesting and the owning unit. */
function fieldCheck(user: SessionUser, d: DispatchTable): boolean {
  return (
    user.roles.includes("commander") ||
    isOfficeUser(user) ||
    actsForUnit(user, d.requesting_unit_id) ||
    actsForUnit(user, d.owning_unit_id)
  );
}
const FIELD_LABELS = ["现场指挥长", "区应急办", "需求单位", "资源所属单位"];

export function dispatchActions(ctx: AppContext, user: SessionUser, d: DispatchTable): string[] {
  const steps = parseSteps(d);
  const out: string[] = [];
  const pending = pendingApproval(steps);
  if (
    canDo("approve", d.state) &&
    pending &&
    isAnyParty(user, partyCheck(ctx, pending.step.by, d.requesting_unit_id, d.incident_subtype))
  ) {
    out.push("approve");
  }
  if (canDo("reject", d.state) && rejectAllowed(ctx, user, d, steps)) {
    out.push("reject");
  }
  if (canDo("dispatch", d.state) && dispatcherCheck(ctx, user, d, steps)) {
    out.push("dispatch");
  }
  if (canDo("arrive", d.state) && fieldCheck(user, d)) {
    out.push("arrive");
  }
  if (canDo("return", d.state) && fieldCheck(user, d)) {
    out.push("return");
  }
  return out;
}

function rejectAllowed(ctx: AppContext, user: SessionUser, d: DispatchTable, steps: DispatchStep[]): boolean {
  const pending = pendingApproval(steps);
  if (
    pending &&
    isAnyParty(user, partyCheck(ctx, pending.step.by, d.requesting_unit_id, d.incident_subtype))
  ) {
    return true;
  }
  // The requester may withdraw; the office may stop any request that has not left yet.
  return isOfficeUser(user) || actsForUnit(user, d.requesting_unit_id);
}

export function presentDispatch(ctx: AppContext, d: repo.DispatchRow, viewer: SessionUser) {
  const steps = parseSteps(d);
  const pending = d.state === "requested" ? pendingApproval(steps) : undefined;
  return {
    id: d.id,
    incidentId: d.incident_id,
    resourceType: d.resource_type,
    resourceId: d.resource_id,
    resourceName: d.resource_name,
    quantity: Number(d.quantity),
    unit: d.unit,
    requestingUnitId: d.requesting_unit_id,
    requestingUnitName: d.requesting_unit_name,
    owningUnitId: d.owning_unit_id,
    owningUnitName: d.owning_unit_name,
    ruleCase: d.rule_case,
    ruleName: d.rule_name,
    steps: steps.map((s) => ({
      action: s.action,
      name: s.name,
      by: partyLabels(ctx.plan, s.by).map((label) => ({ label })),
      doneBy: s.doneBy ?? null,
      doneByName: s.doneByName ?? null,
      doneAt: s.doneAt ?? null,
      comment: s.comment ?? null,
    })),
    pending: pending ? { name: pending.step.name, by: partyLabels(ctx.plan, pending.step.by) } : null,
    state: d.state,
    destination: d.destination,
    lat: d.lat === null ? null : Number(d.lat),
    lng: d.lng === null ? null : Number(d.lng),
    note: d.note,
    returnedQuantity: d.returned_quantity === null ? null : Number(d.returned_quantity),
    requestedByName: d.requested_by_name,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    dispatchedAt: d.dispatched_at,
    arrivedAt: d.arrived_at,
    closedAt: d.closed_at,
    allowedActions: dispatchActions(ctx, viewer, d),
  };
}

async function loadDispatch(db: Db, id: string): Promise<repo.DispatchRow> {
  const d = await repo.findDispatch(db, id);
  if (!d) {
    throw notFound(`调用记录 ${id}`);
  }
  return d;
}

/** A concurrent change beat this one: the caller read a state that no longer holds. */
const raced = () => conflict("该调用记录刚被其他人处理，请刷新后查看最新状态");

export async function approveDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  comment?: string,
) {
  const d = await loadDispatch(scope.trx, id);
  assertState(d, "approve", "审批");
  const steps = parseSteps(d);
  const pending = pendingApproval(steps);
  if (!pending) {
    throw conflict("没有待审批的步骤");
  }
  authorizeParties(
    user,
    partyCheck(ctx, pending.step.by, d.requesting_unit_id, d.incident_subtype),
    `「${pending.step.name}」`,
  );
  const now = scope.now.toISOString();
  steps[pending.index] = {
    ...pending.step,
    doneBy: user.id,
    doneByName: user.displayName,
    doneAt: now,
    ...(comment ? { comment } : {}),
  };
  const state = stateAfterRequest(steps);
  const r = await scope.trx
    .updateTable("res_dispatches")
    .set({ steps: JSON.stringify(steps), state, updated_at: now })
    .where("id", "=", id)
    .where("state", "=", "requested")
    .where("steps", "=", d.steps)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw raced();
  }
  await scope.audit({
    action: "dispatch.approve",
    entityType: "dispatch",
    entityId: id,
    before: { state: d.state },
    after: { step: pending.step.name, state, comment: comment ?? null },
  });
  scope.publish({ type: "dispatch.approved", entityType: "dispatch", entityId: id, data: { state } });
  await notifyNext(ctx, scope, { ...d, steps: JSON.stringify(steps), state }, steps);
}

export async function rejectDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  reason: string,
) {
  const d = await loadDispatch(scope.trx, id);
  assertState(d, "reject", "驳回");
  const steps = parseSteps(d);
  if (!rejectAllowed(ctx, user, d, steps)) {
    const pending = pendingApproval(steps);
    const needed = [...(pending ? partyLabels(ctx.plan, pending.step.by) : []), "区应急办", "需求单位"];
    throw forbidden(`驳回需要：${needed.join("；或 ")}`, needed);
  }
  const now = scope.now.toISOString();
  if (
    !(await repo.updateDispatch(scope.trx, id, d.state, {
      state: "rejected",
      closed_at: now,
      updated_at: now,
      note: joinNote(d.note, `驳回：${reason}`),
    }))
  ) {
    throw raced();
  }
  await scope.audit({
    action: "dispatch.reject",
    entityType: "dispatch",
    entityId: id,
    before: { state: d.state },
    after: { state: "rejected", reason },
  });
  scope.publish({ type: "dispatch.rejected", entityType: "dispatch", entityId: id });
  if (d.requested_by) {
    await notifyUsers(scope, [d.requested_by], {
      title: `调用申请被驳回：${d.resource_name}`,
      body: reason,
      link: `/resources/dispatches/${id}`,
      sourceType: "dispatch",
      sourceId: id,
    });
  }
}

const joinNote = (note: string | null, extra: string) => (note ? `${note}\n${extra}` : extra);

export async function sendDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  comment?: string,
) {
  const d = await loadDispatch(scope.trx, id);
  assertState(d, "dispatch", "出发");
  const steps = parseSteps(d);
  if (!dispatcherCheck(ctx, user, d, steps)) {
    const needed = dispatcherLabels(ctx, steps);
    throw forbidden(`调用出发需要：${needed.join("；或 ")}`, needed);
  }
  const now = scope.now.toISOString();
  if (
    !(await repo.updateDispatch(scope.trx, id, "approved", {
      state: "dispatched",
      dispatched_at: now,
      updated_at: now,
    }))
  ) {
    throw raced();
  }
  // Move the resource in the same transaction; any 409 below rolls the state change back too.
  if (d.resource_type === "team") {
    if (!(await repo.moveTeamStatus(scope.trx, d.resource_id, ["available"], "deployed", now))) {
      throw conflict(`队伍「${d.resource_name}」当前不在待命状态，不能出发`);
    }
    await repo.setGeoStatus(scope.trx, "team", d.resource_id, "deployed");
    await scope.audit({
      action: "team.deploy",
      entityType: "team",
      entityId: d.resource_id,
      after: { status: "deployed", dispatchId: id },
    });
  } else if (d.resource_type === "stock") {
    await applyMovement(scope, {
      stockId: d.resource_id,
      kind: "dispatch_out",
      delta: -Number(d.quantity),
      dispatchId: id,
      reason: `调用至事件 ${d.incident_id}`,
    });
  } else {
    if (!(await repo.deployEquipment(scope.trx, d.resource_id, Number(d.quantity), now))) {
      const eq = await scope.trx
        .selectFrom("res_equipment")
        .select(["quantity", "deployed"])
        .where("id", "=", d.resource_id)
        .executeTakeFirst();
      const free = eq ? Number(eq.quantity) - Number(eq.deployed) : 0;
      throw conflict(`装备「${d.resource_name}」可用 ${free}，需要 ${d.quantity}`, {
        available: free,
        requested: Number(d.quantity),
      });
    }
    await scope.audit({
      action: "equipment.deploy",
      entityType: "equipment",
      entityId: d.resource_id,
      after: { deployed: Number(d.quantity), dispatchId: id },
    });
  }
  await scope.audit({
    action: "dispatch.dispatch",
    entityType: "dispatch",
    entityId: id,
    before: { state: "approved" },
    after: { state: "dispatched", comment: comment ?? null },
  });
  scope.publish({ type: "dispatch.dispatched", entityType: "dispatch", entityId: id });
}

export async function arriveDispatch(scope: CommandScope, user: SessionUser, id: string, comment?: string) {
  const d = await loadDispatch(scope.trx, id);
  assertState(d, "arrive", "登记到达");
  if (!fieldCheck(user, d)) {
    throw forbidden(`登记到达需要：${FIELD_LABELS.join("；或 ")}`, FIELD_LABELS);
  }
  const now = scope.now.toISOString();
  if (
    !(await repo.updateDispatch(scope.trx, id, "dispatched", {
      state: "arrived",
      arrived_at: now,
      updated_at: now,
    }))
  ) {
    throw raced();
  }
  // 000 §4.4: resources arriving at the scene first report to the on-site command post.
  await scope.audit({
    action: "dispatch.arrive",
    entityType: "dispatch",
    entityId: id,
    before: { state: "dispatched" },
    after: { state: "arrived", comment: comment ?? null },
  });
  scope.publish({ type: "dispatch.arrived", entityType: "dispatch", entityId: id });
}

export interface ReturnInput {
  outcome: "returned" | "consumed";
  quantity?: number | undefined;
  teamStatus?: "available" | "resting" | undefined;
  comment?: string | undefined;
}

export async function returnDispatch(scope: CommandScope, user: SessionUser, id: string, input: ReturnInput) {
  const d = await loadDispatch(scope.trx, id);
  assertState(d, "return", "办理归还");
  if (!fieldCheck(user, d)) {
    throw forbidden(`办理归还需要：${FIELD_LABELS.join("；或 ")}`, FIELD_LABELS);
  }
  const total = Number(d.quantity);
  const back = input.quantity ?? (input.outcome === "returned" ? total : 0);
  if (back > total) {
    throw badRequest(`quantity: 归还数量不能超过调用数量 ${total}`, [
      { path: "quantity", message: `不能超过调用数量 ${total}` },
    ]);
  }
  if (d.resource_type === "team" && input.outcome === "consumed") {
    throw badRequest("outcome: 队伍只能办理归队", [
      { path: "outcome", message: "队伍只能办理归队（returned）" },
    ]);
  }
  const now = scope.now.toISOString();
  if (
    !(await repo.updateDispatch(scope.trx, id, d.state, {
      state: input.outcome,
      returned_quantity: back,
      closed_at: now,
      updated_at: now,
    }))
  ) {
    throw raced();
  }
  if (d.resource_type === "team") {
    const status = input.teamStatus ?? "available";
    await repo.moveTeamStatus(scope.trx, d.resource_id, ["deployed"], status, now);
    await repo.setGeoStatus(scope.trx, "team", d.resource_id, status);
    await scope.audit({
      action: "team.return",
      entityType: "team",
      entityId: d.resource_id,
      after: { status, dispatchId: id },
    });
  } else if (d.resource_type === "stock") {
    if (back > 0) {
      await applyMovement(scope, {
        stockId: d.resource_id,
        kind: "dispatch_return",
        delta: back,
        dispatchId: id,
        reason: `事件 ${d.incident_id} 调用归还`,
      });
    }
  } else {
    await repo.releaseEquipment(scope.trx, d.resource_id, back, total - back, now);
    await scope.audit({
      action: "equipment.return",
      entityType: "equipment",
      entityId: d.resource_id,
      after: { returned: back, lost: total - back, dispatchId: id },
    });
  }
  await scope.audit({
    action: `dispatch.${input.outcome === "returned" ? "return" : "consume"}`,
    entityType: "dispatch",
    entityId: id,
    before: { state: d.state },
    after: { state: input.outcome, returnedQuantity: back, comment: input.comment ?? null },
  });
  scope.publish({ type: `dispatch.${input.outcome}`, entityType: "dispatch", entityId: id });
}

// ---------------------------------------------------------------------------------------------
// shelters (000 §6.9)
// ---------------------------------------------------------------------------------------------

/** 000 §6.9 (Chaoyang: 区应急委 activates; the profile names who), with the shelter's unit as context. */
export function activationCheck(ctx: AppContext, shelter: Row): PartyCheck {
  const owner = String(shelter.owner_unit_id);
  return {
    plan: ctx.plan,
    parties: ctx.plan.profile.resources.shelterActivation?.by ?? [],
    ctx: { ownUnitId: owner, streetCode: owner },
  };
}

export async function openShelter(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  shelter: Row,
  input: { incidentId?: string | undefined; comment?: string | undefined },
) {
  authorizeParties(user, activationCheck(ctx, shelter), "启用应急避难场所");
  if (shelter.status === "open") {
    throw conflict(`「${String(shelter.name)}」已在启用中`);
  }
  if (input.incidentId && (await repo.incidentExists(scope.trx, ctx.dialect, input.incidentId)) === false) {
    throw badRequest(`incidentId: 突发事件 ${input.incidentId} 不存在`, [
      { path: "incidentId", message: `突发事件 ${input.incidentId} 不存在` },
    ]);
  }
  const id = String(shelter.id);
  const now = scope.now.toISOString();
  const r = await scope.trx
    .updateTable("res_shelters")
    .set({
      status: "open",
      opened_at: now,
      incident_id: input.incidentId ?? null,
      occupancy: 0,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("status", "=", "closed")
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw conflict("该避难场所刚被其他人启用，请刷新");
  }
  await repo.setGeoStatus(scope.trx, "shelter", id, "open");
  await scope.audit({
    action: "shelter.open",
    entityType: "shelter",
    entityId: id,
    before: { status: "closed" },
    after: { status: "open", incidentId: input.incidentId ?? null, comment: input.comment ?? null },
  });
  scope.publish({
    type: "shelter.opened",
    entityType: "shelter",
    entityId: id,
    data: { name: shelter.name },
  });
}

export async function closeShelter(ctx: AppContext, scope: CommandScope, user: SessionUser, shelter: Row) {
  authorizeParties(user, activationCheck(ctx, shelter), "关闭应急避难场所");
  if (shelter.status !== "open") {
    throw conflict(`「${String(shelter.name)}」未启用`);
  }
  if (Number(shelter.occupancy) > 0) {
    throw conflict(
      `「${String(shelter.name)}」仍安置 ${String(shelter.occupancy)} 人，请先登记转移后再关闭`,
      { occupancy: Number(shelter.occupancy) },
    );
  }
  const id = String(shelter.id);
  const now = scope.now.toISOString();
  const r = await scope.trx
    .updateTable("res_shelters")
    .set({ status: "closed", updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "open")
    .where("occupancy", "=", 0)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) {
    throw conflict("该避难场所状态刚被其他人改变，请刷新");
  }
  await repo.setGeoStatus(scope.trx, "shelter", id, "closed");
  await scope.audit({
    action: "shelter.close",
    entityType: "shelter",
    entityId: id,
    before: { status: "open" },
    after: { status: "closed" },
  });
  scope.publish({ type: "shelter.closed", entityType: "shelter", entityId: id });
}

export async function setOccupancy(scope: CommandScope, shelter: Row, occupancy: number) {
  if (shelter.status !== "open") {
    throw conflict(`「${String(shelter.name)}」未启用，不能登记安置人数`);
  }
  const id = String(shelter.id);
  const now = scope.now.toISOString();
  await scope.trx
    .updateTable("res_shelters")
    .set({ occupancy, updated_at: now })
    .where("id", "=", id)
    .execute();
  await scope.audit({
    action: "shelter.occupancy",
    entityType: "shelter",
    entityId: id,
    before: { occupancy: Number(shelter.occupancy) },
    after: { occupancy },
  });
  scope.publish({
    type: "shelter.occupancy",
    entityType: "shelter",
    entityId: id,
    data: { occupancy, capacity: Number(shelter.capacity) },
  });
}

/** Open shelters, nearest first from the user's position when given (public portal). */
export async function publicShelters(db: Db, from: LatLng | undefined) {
  const rows = await db
    .selectFrom("res_shelters")
    .selectAll()
    .where("status", "=", "open")
    .orderBy("code")
    .execute();
  const items = rows
    .filter((r) => r.lat !== null && r.lng !== null)
    .map((r) => {
      const at = { lat: Number(r.lat), lng: Number(r.lng) };
      return {
        id: r.id,
        name: r.name,
        type: r.type,
        class: r.class,
        address: r.address,
        lat: at.lat,
        lng: at.lng,
        capacity: Number(r.capacity),
        occupancy: Number(r.occupancy),
        facilities: JSON.parse(r.facilities) as string[],
        phone: r.phone,
        openedAt: r.opened_at,
        distanceM: from ? Math.round(distanceMeters(from, at)) : null,
      };
    });
  if (from) {
    items.sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0));
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// map and nearest-K
// ---------------------------------------------------------------------------------------------

export function presentPoint(g: repo.GeoRow) {
  return {
    kind: g.kind as GeoKind,
    id: g.ref_id,
    name: g.name,
    lat: Number(g.lat),
    lng: Number(g.lng),
    category: g.category,
    status: g.status,
    tags: g.tags.split("|").filter((t) => t !== ""),
    ownerUnitId: g.owner_unit_id,
    ownerUnitName: g.owner_unit_name,
  };
}

/** Small first box: in a dense district the 10 nearest are usually within a few hundred metres. */
const FIRST_RADIUS_M = 250;
const MAX_RADIUS_M = 200_000;

/**
 * Nearest K resources from a point through the spatial index: expanding boxes until the K-th
 * candidate is inside the searched radius (rules.ts nearestStep), so the answer is exact.
 */
export async function nearest(
  db: Db,
  ctx: Pick<AppContext, "dialect">,
  from: LatLng,
  k: number,
  filter: repo.GeoFilter,
) {
  let radius = FIRST_RADIUS_M;
  for (;;) {
    const exhaustive = radius >= MAX_RADIUS_M;
    // Candidates without the owner join; names are looked up for the K answers only.
    const box = exhaustive ? null : bboxAround(from, radius);
    const candidates = await repo.geoInBox(db, ctx.dialect, box, filter, undefined, false);
    const points = candidates.map((c) => ({ ...c, lat: Number(c.lat), lng: Number(c.lng) }));
    const step = nearestStep(from, points, k, radius, exhaustive);
    if (step.done) {
      const owners = [
        ...new Set(step.result.map((r) => r.item.owner_unit_id).filter((id): id is string => id !== null)),
      ];
      const names = await repo.unitShortNames(db, owners);
      return step.result.map((r) => {
        const owner = r.item.owner_unit_id;
        const item = { ...r.item, owner_unit_name: owner ? (names.get(owner) ?? null) : null };
        return { ...presentPoint(item), distanceM: Math.round(r.distanceM) };
      });
    }
    radius = Math.min(step.nextRadiusM, MAX_RADIUS_M);
  }
}

/** Nearest K by reading every matching row (no index): the benchmark's baseline. */
export async function nearestLinear(db: Db, from: LatLng, k: number, filter: repo.GeoFilter) {
  const rows = await repo.geoAll(db, filter);
  return rows
    .map((r) => ({ r, d: distanceMeters(from, { lat: Number(r.lat), lng: Number(r.lng) }) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map(({ r, d }) => ({ ...presentPoint(r), distanceM: Math.round(d) }));
}
