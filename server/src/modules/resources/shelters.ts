/**
 * Emergency shelters (000 §6.9): opening and closing by the authority the profile names, the
 * occupancy report, and the public list of open shelters nearest first.
 */

import { authorize, can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { distanceMeters, type LatLng } from "../geo/index.js";
import { findIncident } from "../incidents/index.js";
import { partyLabels } from "../plans/index.js";
import { shelterPartyCase, shelterPolicy } from "./policy.js";
import { found, shelterResource } from "./records.js";
import { REGISTRIES } from "./registries.js";
import * as repo from "./repository.js";

const def = REGISTRIES.shelters;

async function loadFor(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  action: "open" | "close" | "occupancy",
  id: string,
) {
  const shelter = shelterResource(ctx, found(await repo.findRecord(scope.trx, def, id), `避难场所 ${id}`));
  authorize(shelterPolicy, user, action, shelter);
  return shelter;
}

/** Who may open the shelter by the profile, and whether this user may (the detail page's hint). */
export async function activationInfo(ctx: AppContext, user: SessionUser, id: string) {
  const shelter = shelterResource(ctx, found(await repo.findRecord(ctx.db, def, id), `避难场所 ${id}`));
  const activation = ctx.plan.profile.resources.shelterActivation;
  return {
    by: partyLabels(ctx.plan, activation?.by ?? [], shelterPartyCase(shelter.ownerUnitId ?? "")),
    source: activation?.source ?? null,
    // Whether the user is the authority, whatever the shelter's state now.
    allowed: can(shelterPolicy, user, "open", { ...shelter, status: "closed" }),
  };
}

export async function openShelter(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  input: { incidentId?: string | undefined; comment?: string | undefined },
) {
  const shelter = await loadFor(ctx, scope, user, "open", id);
  if (input.incidentId && !(await findIncident(scope.trx, input.incidentId))) {
    throw badRequest(`incidentId: 突发事件 ${input.incidentId} 不存在`, [
      { path: "incidentId", message: `突发事件 ${input.incidentId} 不存在` },
    ]);
  }
  const now = scope.now.toISOString();
  if (!(await repo.markShelterOpen(scope.trx, id, input.incidentId ?? null, now))) {
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

export async function closeShelter(ctx: AppContext, scope: CommandScope, user: SessionUser, id: string) {
  const shelter = shelterResource(ctx, found(await repo.findRecord(scope.trx, def, id), `避难场所 ${id}`));
  if (shelter.occupancy > 0 && can(shelterPolicy, user, "close", { ...shelter, occupancy: 0 })) {
    // The 409 carries the number still housed, so the page can say how many to move first.
    throw conflict(`「${shelter.name}」仍安置 ${shelter.occupancy} 人，请先登记转移后再关闭`, {
      occupancy: shelter.occupancy,
    });
  }
  authorize(shelterPolicy, user, "close", shelter);
  if (!(await repo.markShelterClosed(scope.trx, id, scope.now.toISOString()))) {
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

export async function setOccupancy(
  ctx: AppContext,
  scope: CommandScope,
  user: SessionUser,
  id: string,
  occupancy: number,
) {
  const shelter = await loadFor(ctx, scope, user, "occupancy", id);
  await repo.setShelterOccupancy(scope.trx, id, occupancy, scope.now.toISOString());
  await scope.audit({
    action: "shelter.occupancy",
    entityType: "shelter",
    entityId: id,
    before: { occupancy: shelter.occupancy },
    after: { occupancy },
  });
  scope.publish({
    type: "shelter.occupancy",
    entityType: "shelter",
    entityId: id,
    data: { occupancy, capacity: shelter.capacity },
  });
}

/** Open shelters, nearest first from the user's position when given (public portal). */
export async function publicShelters(db: Db, from: LatLng | undefined) {
  const rows = await repo.openShelters(db);
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
        facilities: r.facilities,
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
