/**
 * Registry records (teams, experts, warehouses, supplies, shelters, equipment, protection targets):
 * create, edit, delete and their history. Authority is checked inside the command, on the row read
 * in its transaction; every change is audited there too.
 */
import { randomUUID } from "node:crypto";
import { allowedActions, authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { listAudit } from "../audit/index.js";
import { districtOutline } from "./geo.js";
import { type OwnedResource, recordPolicy, type ShelterResource, shelterPolicy } from "./policy.js";
import type { FieldDef, RegistryDef } from "./registries.js";
import * as repo from "./repository.js";
import { insideDistrict } from "./rules.js";

type Input = Record<string, unknown>;
type Row = repo.Row;

// ---------------------------------------------------------------------------------------------
// registry records
// ---------------------------------------------------------------------------------------------

/** A DB value → the API value of a field. */
function toApi(f: FieldDef, value: unknown): unknown {
  if (f.type.t === "list") {
    return Array.isArray(value) ? value : [];
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
    return Array.isArray(value) ? value : [];
  }
  if (typeof value === "string" && value.trim() === "" && !f.required) {
    return null;
  }
  return value ?? null;
}

/** The record as the policies see it: its owner (and, for a shelter, its state). */
export function ownedResource(ctx: AppContext, def: RegistryDef, row: Row): OwnedResource {
  return { plan: ctx.plan, ownerUnitId: def.owned ? String(row.owner_unit_id) : null };
}

export function shelterResource(ctx: AppContext, row: Row): ShelterResource {
  return {
    plan: ctx.plan,
    ownerUnitId: String(row.owner_unit_id),
    name: String(row.name),
    status: String(row.status),
    occupancy: Number(row.occupancy),
    capacity: Number(row.capacity),
  };
}

export function presentRecord(ctx: AppContext, def: RegistryDef, row: Row, viewer: SessionUser): Input {
  const out: Input = { id: row.id };
  for (const f of def.fields) {
    out[f.key] = toApi(f, row[f.column]);
  }
  if (def.owned) {
    out.ownerUnitName = String(row.owner_unit_name ?? row.owner_unit_id ?? "");
  }
  out.createdAt = row.created_at;
  out.updatedAt = row.updated_at;
  const actions: string[] = allowedActions(recordPolicy, viewer, ownedResource(ctx, def, row));
  if (def.name === "shelters") {
    actions.push(...allowedActions(shelterPolicy, viewer, shelterResource(ctx, row)));
  }
  out.allowedActions = actions;
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
  const listed = tagsColumn ? row[tagsColumn] : undefined;
  const tags = Array.isArray(listed) ? listed.map(String) : [];
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

/** The row read in the command, or 404 naming what is missing. */
export function found<T>(row: T | undefined, what: string): T {
  if (row === undefined) {
    throw notFound(what);
  }
  return row;
}

export function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) {
    throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
  }
}

export const newCode = (def: RegistryDef) => `${def.codePrefix}-${randomUUID().slice(0, 8).toUpperCase()}`;

export async function createRecord(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  def: RegistryDef,
  input: Input,
) {
  authorize(recordPolicy, user, "create", {
    plan: ctx.plan,
    ownerUnitId: def.owned ? String(input.ownerUnitId ?? "") : null,
  });
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
  user: SessionUser,
  def: RegistryDef,
  id: string,
  patch: Input,
) {
  const before = found(await repo.findRecord(scope.trx, def, id), `${def.label} ${id}`);
  authorize(recordPolicy, user, "update", ownedResource(ctx, def, before));
  if (def.owned && typeof patch.ownerUnitId === "string") {
    // Handing a record to another unit needs authority over the receiving unit too.
    authorize(recordPolicy, user, "update", { plan: ctx.plan, ownerUnitId: patch.ownerUnitId });
  }
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

export async function deleteRecordCmd(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  def: RegistryDef,
  id: string,
) {
  const before = found(await repo.findRecord(scope.trx, def, id), `${def.label} ${id}`);
  authorize(recordPolicy, user, "delete", ownedResource(ctx, def, before));
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
