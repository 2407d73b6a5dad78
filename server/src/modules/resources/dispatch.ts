/**
 * Dispatch of teams, supplies and equipment to an incident: supplies and equipment by 000 §6.7
 * (plans/rules.ts dispatchApproval), teams by 000 §6.2 (teamDispatchRule): the request, the
 * sign-offs the profile names, the physical dispatch, arrival and return. Each command reads the dispatch in its transaction and authorizes on that row
 * (policy.ts dispatchPolicy), so the actions a response offers are the ones the command accepts.
 */
import type { AnyDispatchRule } from "../../../../shared/plan/schema.js";
import { allowedActions, authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { findIncident } from "../incidents/index.js";
import { notifyUsers } from "../notify/index.js";
import { dispatchApproval, PlanRuleError, partyLabels, teamDispatchRule } from "../plans/index.js";
import { usersFilling } from "../users/index.js";
import { type DispatchResource, dispatchPartyCase, dispatchPolicy, dispatchRequestPolicy } from "./policy.js";
import { found, throwIfErrors } from "./records.js";
import * as repo from "./repository.js";
import { dispatchVerb, initialSteps, pendingApproval, stateAfterRequest } from "./rules.js";
import { applyMovement, overdraw, sortableId } from "./stock.js";

// ---------------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------------

interface DispatchTarget {
  name: string;
  owningUnitId: string;
  /** The team's kind (000 §6.2: comprehensive, professional, armed …); undefined for supplies. */
  teamKind?: string;
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
    const team = await repo.findTeam(db, id);
    if (!team) {
      throw badRequest(`resourceId: 队伍 ${id} 不存在`, [
        { path: "resourceId", message: `队伍 ${id} 不存在` },
      ]);
    }
    return {
      name: team.name,
      owningUnitId: team.owner_unit_id,
      teamKind: team.kind,
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
  const eq = await repo.findEquipment(db, id);
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

/** The profile's rule for the pair of units: §6.2 for a team (by its kind), §6.7 otherwise. */
function ruleFor(
  ctx: AppContext,
  requestingUnitId: string,
  owningUnitId: string,
  teamKind?: string,
): AnyDispatchRule {
  try {
    return teamKind === undefined
      ? dispatchApproval(ctx.plan.profile, requestingUnitId, owningUnitId, ctx.plan.org)
      : teamDispatchRule(ctx.plan.profile, teamKind, requestingUnitId, owningUnitId, ctx.plan.org);
  } catch (e) {
    if (e instanceof PlanRuleError) {
      throw conflict(e.message);
    }
    throw e;
  }
}

/**
 * The approval chain the profile requires for a pair of units (UI preview before submitting); with
 * a team's kind, the team rule (000 §6.2).
 */
export function previewRule(
  ctx: AppContext,
  requestingUnitId: string,
  owningUnitId: string,
  teamKind?: string,
) {
  const rule = ruleFor(ctx, requestingUnitId, owningUnitId, teamKind);
  return {
    case: rule.case,
    name: rule.name,
    source: rule.source,
    gap: rule.gap ?? null,
    steps: rule.steps.map((s) => ({ action: s.action, name: s.name, by: partyLabels(ctx.plan, s.by) })),
  };
}

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
  const incident = await findIncident(scope.trx, input.incidentId);
  if (!incident) {
    errors.push({ path: "incidentId", message: `突发事件 ${input.incidentId} 不存在` });
  }
  throwIfErrors(errors);
  const subtype = incident?.subtype_id ?? null;
  authorize(dispatchRequestPolicy, user, "requestFor", {
    plan: ctx.plan,
    resourceType: input.resourceType,
    requestingUnitId,
    incidentSubtype: subtype,
  });
  const target = await resolveTarget(scope.trx, input.resourceType, input.resourceId, input.quantity);
  const rule = ruleFor(ctx, requestingUnitId, target.owningUnitId, target.teamKind);
  authorize(dispatchRequestPolicy, user, "request", {
    plan: ctx.plan,
    resourceType: input.resourceType,
    requestingUnitId,
    incidentSubtype: subtype,
    rule,
  });
  if (target.unavailable) {
    throw target.unavailable();
  }
  const id = sortableId(scope.now);
  const now = scope.now.toISOString();
  const steps = initialSteps(rule, { id: user.id, name: user.displayName }, now);
  const row: repo.Dispatch = {
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
    steps,
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
  await notifyNext(ctx, scope, row);
  return id;
}

/** The dispatch as the policy sees it. */
export function dispatchResource(ctx: AppContext, d: repo.Dispatch): DispatchResource {
  return {
    plan: ctx.plan,
    resourceType: d.resource_type,
    incidentSubtype: d.incident_subtype,
    requestingUnitId: d.requesting_unit_id,
    owningUnitId: d.owning_unit_id,
    state: d.state,
    steps: d.steps,
  };
}

/**
 * Tells the people of the next sign-off (or those acting for the owning unit, when none is due)
 * that it is their turn: one directory query for the step's parties, then the one resolver.
 */
async function notifyNext(ctx: AppContext, scope: CommandScope, d: repo.Dispatch) {
  const pending = pendingApproval(d.steps);
  const facts = dispatchResource(ctx, d);
  const targets = pending
    ? await usersFilling(scope.trx, ctx.plan, pending.step.by, dispatchPartyCase(facts, "sign-off"))
    : await usersFilling(
        scope.trx,
        ctx.plan,
        [{ unit: d.owning_unit_id }],
        dispatchPartyCase(facts, "dispatch"),
      );
  const verb = dispatchVerb(d.resource_type);
  const title = pending
    ? `待${pending.step.name}：${verb}${d.resource_name}`
    : `请安排出发：${verb}${d.resource_name}`;
  const what = d.resource_type === "team" ? d.resource_name : `${d.resource_name} × ${d.quantity}`;
  await notifyUsers(
    scope,
    targets.filter((u) => u.id !== scope.principal?.user.id).map((u) => u.id),
    {
      title,
      body: `事件 ${d.incident_id}：${what}（${d.rule_name}）`,
      link: `/resources/dispatches/${d.id}`,
      sourceType: "dispatch",
      sourceId: d.id,
    },
  );
}

export function presentDispatch(ctx: AppContext, d: repo.DispatchRow, viewer: SessionUser) {
  const steps = d.steps;
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
    allowedActions: allowedActions(dispatchPolicy, viewer, dispatchResource(ctx, d)),
  };
}

/** Reads the dispatch in the command's transaction and refuses unless the user may take the action now. */
async function loadFor(
  ctx: AppContext,
  db: Db,
  user: SessionUser,
  action: "approve" | "reject" | "dispatch" | "arrive" | "return",
  id: string,
): Promise<repo.DispatchRow> {
  const d = found(await repo.findDispatch(db, id), `调用记录 ${id}`);
  authorize(dispatchPolicy, user, action, dispatchResource(ctx, d));
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
  const d = await loadFor(ctx, scope.trx, user, "approve", id);
  const steps = [...d.steps];
  const pending = pendingApproval(steps);
  if (!pending) {
    throw conflict("没有待审批的步骤");
  }
  const now = scope.now.toISOString();
  steps[pending.index] = {
    ...pending.step,
    doneBy: user.id,
    doneByName: user.displayName,
    doneAt: now,
    ...(comment ? { comment } : {}),
  };
  const state = stateAfterRequest(steps);
  if (!(await repo.signDispatchStep(scope.trx, id, d.steps, steps, state, now))) {
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
  await notifyNext(ctx, scope, { ...d, steps, state });
}

export async function rejectDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  reason: string,
) {
  const d = await loadFor(ctx, scope.trx, user, "reject", id);
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
      title: `${dispatchVerb(d.resource_type)}申请被驳回：${d.resource_name}`,
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
  const d = await loadFor(ctx, scope.trx, user, "dispatch", id);
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
      const eq = await repo.findEquipment(scope.trx, d.resource_id);
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

export async function arriveDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  comment?: string,
) {
  await loadFor(ctx, scope.trx, user, "arrive", id);
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

export async function returnDispatch(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  input: ReturnInput,
) {
  const d = await loadFor(ctx, scope.trx, user, "return", id);
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
