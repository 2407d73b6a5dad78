/**
 * The on-site command post (000 §4.4; 002 §5.4.3): setting it up with the profile's groups, the groups
 * and their members, handovers of its roles, check-ins of arriving teams and supplies, cordons.
 */
import { randomUUID } from "node:crypto";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { FieldError } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { notifyUsers } from "../notify/index.js";
import { actingUnit } from "../plans/index.js";
import { dispatchIncident } from "../resources/index.js";
import { usersInUnits } from "../users/index.js";
import {
  checkUnits,
  expandUnits,
  fail,
  type Loaded,
  link,
  loadCase,
  loadPostCase,
  MINUTE,
  planOf,
  responseResource,
  sessionUsers,
  timelineFor,
  unitNamer,
} from "./case.js";
import { responsePolicy } from "./policy.js";
import {
  type CommandPost,
  insertCheckin,
  insertCordon,
  insertGroups,
  insertHandover,
  insertPost,
  type LeadUnit,
  type Member,
  type PostRole,
  updateGroup,
  updatePost,
} from "./repository.js";
import { commandPostSetUpBy, groupsFor, postRoleErrors, responsePartyCase } from "./rules.js";
import type { CheckinBody, CommandPostBody, CordonBody, GroupBody, HandoverBody } from "./schema.js";

/** The post the policy found open (operatePost's state). */
function openPost(l: Loaded): CommandPost {
  if (!l.post) {
    throw new Error("operatePost authorized without a post");
  }
  return l.post;
}

/** Sets up the post with the profile's groups; returns its id. */
export async function createCommandPost(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: CommandPostBody,
  user: SessionUser,
): Promise<string> {
  const profile = ctx.plan.profile;
  const plan = planOf(ctx);
  const l = await loadCase(ctx, scope.trx, incidentId);
  const users = await sessionUsers(
    scope.trx,
    body.roles.map((r) => r.userId).filter((u): u is string => u !== undefined),
  );
  const errors = postRoleErrors(
    plan,
    body.roles.map((r) => ({ roleId: r.roleId, name: r.holderName, userId: r.userId })),
    users,
    l.case,
  );
  const seen = new Set<string>();
  body.roles.forEach((r, i) => {
    if (seen.has(r.roleId)) {
      errors.push({ path: `roles.${i}.roleId`, message: `职位 ${r.roleId} 重复` });
    }
    seen.add(r.roleId);
  });
  if (errors.length > 0) {
    fail(errors);
  }
  const rule = profile.response.commandPost;
  const parties = commandPostSetUpBy(profile, l.level);
  authorize(responsePolicy, user, "createPost", await responseResource(ctx, l));
  const now = scope.now.toISOString();
  const id = randomUUID();
  const roles: PostRole[] = body.roles.map((r) => ({
    roleId: r.roleId,
    name: rule.roles.find((x) => x.id === r.roleId)?.name ?? r.roleId,
    holderName: r.holderName,
    userId: r.userId ?? null,
    phone: r.phone ?? null,
  }));
  const setUpUnit = actingUnit(plan, user, parties, responsePartyCase(l.case));
  await insertPost(scope.trx, {
    id,
    incident_id: l.incident.id,
    name: body.name,
    address: body.address,
    lat: body.location?.lat ?? null,
    lng: body.location?.lng ?? null,
    roles,
    contacts: body.contacts ?? "",
    state: "active",
    set_up_by: user.id,
    set_up_by_name: user.displayName,
    set_up_unit_id: setUpUnit,
    created_at: now,
    updated_at: now,
    closed_at: null,
  });
  // The groups' lead units are resolved for the case as it stands, before the post names anyone.
  const caseNow = { ...l.case, commandPostUserIds: [] };
  const groups = groupsFor(plan, caseNow);
  await insertGroups(
    scope.trx,
    groups.map((g, i) => ({
      id: randomUUID(),
      post_id: id,
      group_key: g.key,
      name: g.name,
      lead_units: g.lead,
      leader_name: null,
      leader_phone: null,
      members: [],
      duties: g.duties,
      source: g.source,
      sort: i,
      updated_at: now,
    })),
  );
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "command_post.created",
    `设立现场指挥部“${body.name}”（${body.address}），${roles.map((r) => `${r.name}${r.holderName}`).join("，")}；下设${groups.length}个工作组`,
    { postId: id, groups: groups.map((g) => g.key) },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "command_post.create",
    entityType: "command_post",
    entityId: id,
    after: {
      incidentId: l.incident.id,
      name: body.name,
      address: body.address,
      roles,
      groups: groups.map((g) => g.key),
    },
  });
  const leadUnits = expandUnits(
    ctx,
    groups.flatMap((g) => g.lead.flatMap((x) => x.units)),
  );
  await notifyUsers(scope, await usersInUnits(scope.trx, leadUnits), {
    title: `现场指挥部已成立：${body.name}`,
    body: `${l.incident.title}。设置地点：${body.address}。请各工作组牵头单位到现场指挥部报到。`,
    link: link(l.incident.id),
    sourceType: "incident",
    sourceId: l.incident.id,
  });
  scope.publish({
    type: "command_post.created",
    entityType: "incident",
    entityId: l.incident.id,
    data: { postId: id, name: body.name },
  });
  return id;
}

/** Adds a group (the plan's list ends with 等) or updates a group's leader, members and lead units. */
export async function saveGroup(
  ctx: AppContext,
  scope: CommandScope,
  postId: string,
  body: GroupBody,
  user: SessionUser,
): Promise<string> {
  const l = await loadPostCase(ctx, scope.trx, postId);
  const errors = await checkUnits(ctx, [
    ...(body.members ?? []).map((m, i) => ({ path: `members.${i}.unitId`, id: m.unitId })),
    ...(body.leadUnitIds ?? []).map((u, i) => ({ path: `leadUnitIds.${i}`, id: u })),
  ]);
  const existing =
    body.groupKey !== undefined ? l.groups.find((g) => g.group_key === body.groupKey) : undefined;
  if (body.groupKey !== undefined && !existing) {
    errors.push({
      path: "groupKey",
      message: `现场指挥部没有工作组“${body.groupKey}”（现有：${l.groups.map((g) => `${g.group_key} ${g.name}`).join("、")}）`,
    });
  }
  if (body.groupKey === undefined && body.name === undefined) {
    errors.push({ path: "name", message: "新增工作组须填写名称" });
  }
  if (body.groupKey === undefined && body.name !== undefined && l.groups.some((g) => g.name === body.name)) {
    errors.push({ path: "name", message: `工作组“${body.name}”已存在` });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(responsePolicy, user, "operatePost", await responseResource(ctx, l));
  const post = openPost(l);
  const now = scope.now.toISOString();
  const names = await unitNamer(ctx, [
    ...(body.members ?? []).map((m) => m.unitId),
    ...(body.leadUnitIds ?? []),
  ]);
  const members: Member[] | undefined = body.members?.map((m) => ({
    unitId: m.unitId ?? null,
    name: m.name,
    phone: m.phone ?? null,
  }));
  const lead: LeadUnit[] | undefined = body.leadUnitIds?.map((u) => ({ label: names(u), units: [u] }));
  const timeline = timelineFor(scope);
  let id: string;
  if (existing) {
    id = existing.id;
    const set = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.leaderName !== undefined ? { leader_name: body.leaderName } : {}),
      ...(body.leaderPhone !== undefined ? { leader_phone: body.leaderPhone } : {}),
      ...(members ? { members } : {}),
      ...(lead ? { lead_units: lead } : {}),
      updated_at: now,
    };
    await updateGroup(scope.trx, id, set);
    timeline.add(l.incident.id, "command_group.updated", `更新工作组“${body.name ?? existing.name}”`, {
      groupId: id,
    });
    await scope.audit({
      action: "command_group.update",
      entityType: "command_group",
      entityId: id,
      before: {
        name: existing.name,
        leaderName: existing.leader_name,
        members: existing.members,
        lead: existing.lead_units,
      },
      after: { ...body },
    });
  } else {
    id = randomUUID();
    const key = `custom-${l.groups.filter((g) => g.group_key.startsWith("custom-")).length + 1}`;
    await insertGroups(scope.trx, [
      {
        id,
        post_id: post.id,
        group_key: key,
        name: body.name ?? key,
        lead_units: lead ?? [],
        leader_name: body.leaderName ?? null,
        leader_phone: body.leaderPhone ?? null,
        members: members ?? [],
        duties: [],
        source: null,
        sort: l.groups.length,
        updated_at: now,
      },
    ]);
    timeline.add(l.incident.id, "command_group.added", `增设工作组“${body.name}”`, { groupId: id });
    await scope.audit({
      action: "command_group.create",
      entityType: "command_group",
      entityId: id,
      after: { postId: post.id, key, ...body },
    });
  }
  await updatePost(scope.trx, post.id, { updated_at: now });
  await timeline.flush(scope.trx);
  scope.publish({
    type: "command_post.updated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { postId },
  });
  return id;
}

/** Records a handover of a post role (指挥权交接) and makes the new holder current. */
export async function handOver(
  ctx: AppContext,
  scope: CommandScope,
  postId: string,
  body: HandoverBody,
  user: SessionUser,
): Promise<string> {
  const plan = planOf(ctx);
  const l = await loadPostCase(ctx, scope.trx, postId);
  const users = await sessionUsers(scope.trx, body.toUserId ? [body.toUserId] : []);
  const errors = postRoleErrors(
    plan,
    [{ roleId: body.roleId, name: body.toName, userId: body.toUserId }],
    users,
    l.case,
    "roles",
  )
    // Only the role being handed over is checked; the post already has its commander.
    .filter((e) => e.path !== "roles")
    .map((e) => ({ path: e.path.endsWith("roleId") ? "roleId" : "toUserId", message: e.message }));
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(responsePolicy, user, "operatePost", await responseResource(ctx, l));
  const post = openPost(l);
  const roles = post.roles;
  const previous = roles.find((r) => r.roleId === body.roleId);
  const roleName =
    plan.profile.response.commandPost.roles.find((r) => r.id === body.roleId)?.name ?? body.roleId;
  const next: PostRole = {
    roleId: body.roleId,
    name: roleName,
    holderName: body.toName,
    userId: body.toUserId ?? null,
    phone: body.phone ?? null,
  };
  const updated = previous ? roles.map((r) => (r.roleId === body.roleId ? next : r)) : [...roles, next];
  const now = scope.now.toISOString();
  await updatePost(scope.trx, post.id, { roles: updated, updated_at: now });
  const id = randomUUID();
  await insertHandover(scope.trx, {
    id,
    post_id: post.id,
    role_id: body.roleId,
    from_name: previous?.holderName ?? null,
    from_user_id: previous?.userId ?? null,
    to_name: body.toName,
    to_user_id: body.toUserId ?? null,
    note: body.note ?? null,
    at: now,
    recorded_by_name: user.displayName,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "command_post.handover",
    `${roleName}交接：${previous?.holderName ?? "（空缺）"} → ${body.toName}${body.note ? `（${body.note}）` : ""}`,
    { postId, handoverId: id },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "command_post.handover",
    entityType: "command_post",
    entityId: post.id,
    before: previous ?? null,
    after: next,
  });
  scope.publish({
    type: "command_post.updated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { postId },
  });
  return id;
}

/** A team or supplies reporting at the post (000 §4.4 报到或登记), linked to a dispatch when given. */
export async function checkIn(
  ctx: AppContext,
  scope: CommandScope,
  postId: string,
  body: CheckinBody,
  user: SessionUser,
): Promise<string> {
  const l = await loadPostCase(ctx, scope.trx, postId);
  const errors = await checkUnits(ctx, [{ path: "unitId", id: body.unitId }]);
  const group = body.groupKey !== undefined ? l.groups.find((g) => g.group_key === body.groupKey) : undefined;
  if (body.groupKey !== undefined && !group) {
    errors.push({ path: "groupKey", message: `现场指挥部没有工作组“${body.groupKey}”` });
  }
  if (body.dispatchId !== undefined) {
    const dispatch = await dispatchIncident(scope.trx, body.dispatchId);
    if (!dispatch) {
      errors.push({ path: "dispatchId", message: `调度单 ${body.dispatchId} 不存在` });
    } else if (dispatch.incident_id !== l.incident.id) {
      errors.push({ path: "dispatchId", message: `调度单 ${body.dispatchId} 不属于本事件` });
    }
  }
  const at = body.at ? new Date(body.at) : scope.now;
  if (at.getTime() > scope.now.getTime() + 5 * MINUTE) {
    errors.push({ path: "at", message: "报到时间不能晚于当前时间" });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  // The arriving unit registers itself too (000 §4.4: 首先向现场指挥部报到或登记).
  authorize(
    responsePolicy,
    user,
    "operatePost",
    await responseResource(ctx, l, { arrivingUnitId: body.unitId }),
  );
  const post = openPost(l);
  const id = randomUUID();
  await insertCheckin(scope.trx, {
    id,
    post_id: post.id,
    incident_id: l.incident.id,
    kind: body.kind,
    name: body.name,
    unit_id: body.unitId ?? null,
    quantity: body.quantity ?? null,
    dispatch_id: body.dispatchId ?? null,
    group_id: group?.id ?? null,
    note: body.note ?? null,
    at: at.toISOString(),
    recorded_by_name: user.displayName,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "command_post.checkin",
    `${body.name}${body.quantity !== undefined ? `（${body.quantity}）` : ""}到达现场并报到${group ? `，编入${group.name}` : ""}`,
    { postId, checkinId: id, dispatchId: body.dispatchId ?? null },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "command_post.checkin",
    entityType: "command_checkin",
    entityId: id,
    after: body,
  });
  scope.publish({
    type: "command_post.updated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { postId },
  });
  return id;
}

function ringClosed(ring: number[][]): boolean {
  const a = ring[0];
  const b = ring[ring.length - 1];
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

/** A cordon line or area drawn on the map (000 §4.4 核心封控线、安全封控线). */
export async function drawCordon(
  ctx: AppContext,
  scope: CommandScope,
  postId: string,
  body: CordonBody,
  user: SessionUser,
): Promise<string> {
  const l = await loadPostCase(ctx, scope.trx, postId);
  const errors: FieldError[] = [];
  const positions =
    body.geometry.type === "LineString" ? body.geometry.coordinates : body.geometry.coordinates.flat();
  positions.forEach((p, i) => {
    const [lng, lat] = p;
    if (lng === undefined || lat === undefined || lng < -180 || lng > 180 || lat < -90 || lat > 90) {
      errors.push({
        path: `geometry.coordinates.${i}`,
        message: "坐标应为 [经度, 纬度]，经度 -180…180，纬度 -90…90",
      });
    }
  });
  if (body.geometry.type === "Polygon") {
    body.geometry.coordinates.forEach((ring, i) => {
      if (!ringClosed(ring)) {
        errors.push({ path: `geometry.coordinates.${i}`, message: "多边形的首末点应相同（闭合）" });
      }
    });
  }
  if (errors.length > 0) {
    fail(errors.slice(0, 20));
  }
  authorize(responsePolicy, user, "operatePost", await responseResource(ctx, l));
  const post = openPost(l);
  const id = randomUUID();
  await insertCordon(scope.trx, {
    id,
    post_id: post.id,
    incident_id: l.incident.id,
    kind: body.kind,
    name: body.name,
    geometry: body.geometry,
    created_at: scope.now.toISOString(),
    created_by_name: user.displayName,
    removed_at: null,
  });
  const timeline = timelineFor(scope);
  timeline.add(l.incident.id, "command_post.cordon", `划定${body.name}`, {
    postId,
    cordonId: id,
    kind: body.kind,
  });
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "command_post.cordon",
    entityType: "command_cordon",
    entityId: id,
    after: { kind: body.kind, name: body.name, type: body.geometry.type, vertices: positions.length },
  });
  scope.publish({
    type: "command_post.updated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { postId },
  });
  return id;
}
