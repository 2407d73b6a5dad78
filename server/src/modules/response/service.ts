/**
 * Commands of emergency response and on-site command (issue 7). Each takes the CommandScope of one
 * transaction and checks in the order of the pipeline: bad input (400, naming each field and the
 * rule), authority from the plan profile (403, naming the parties), state (409); then writes its
 * rows, the incident timeline entry and its audit row in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { beijingChinese } from "../../../../shared/beijingTime.js";
import type { IncidentFlag, Party, ResponseLevel } from "../../../../shared/plan/schema.js";
import type { Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import { authorize } from "../../authz/registry.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import type { IncidentTable } from "../incidents/index.js";
import { endReporting, loadIncident, Timeline } from "../incidents/index.js";
import { enqueue, notifyUsers } from "../notify/index.js";
import { findSubtype } from "../plans/index.js";
import { dispatchIncident } from "../resources/index.js";
import { toSessionUser, usersByIds, usersInUnits, usersWithRolesOrUnits } from "../users/index.js";
import { authorizeParties, type CommandResource } from "./policy.js";
import {
  assessmentsOf,
  checkinsOf,
  findPost,
  findPostOfIncident,
  findResponse,
  findTask,
  groupsOf,
  insertAssessments,
  insertCheckin,
  insertCordon,
  insertDecision,
  insertGroups,
  insertHandover,
  insertLevelChange,
  insertPost,
  insertResponse,
  insertTasks,
  nextTaskSeq,
  submitAssessments,
  tasksOf,
  updateGroup,
  updatePost,
  updateResponse,
  updateTask,
} from "./repository.js";
import {
  actingUnit,
  activators,
  assessmentsAfterEnd,
  checkActivation,
  checkLevelChange,
  checklistFor,
  commandPostApplies,
  commandPostSetUpBy,
  decisionApplies,
  decisionApprovers,
  decisionProposers,
  endRule,
  fillsAny,
  findResponseLevel,
  gradeName,
  groupsFor,
  levelChangeAuthority,
  measureTitle,
  type PlanData,
  participatingUnits,
  partyLabels,
  postRoleErrors,
  type ResponseCase,
  specialCaseOf,
  upperLevelRequest,
} from "./rules.js";
import type {
  ActivateBody,
  AssessmentBody,
  CheckinBody,
  ChecklistBody,
  CommandPostBody,
  CordonBody,
  DecisionBody,
  EndBody,
  GroupBody,
  HandoverBody,
  LevelChangeBody,
  TaskBody,
  TaskPatchBody,
} from "./schema.js";
import { responseSettings } from "./settings.js";
import type { CommandGroupTable, CommandPostTable, ResponseTable, ResponseTaskTable } from "./tables.js";

const MINUTE = 60_000;
const parse = <T>(s: string): T => JSON.parse(s) as T;

/** Notices travel in live events (PostgreSQL NOTIFY caps payloads at 8 kB): long texts are cut. */
function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fail(errors: FieldError[]): never {
  throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
}

export interface PostRole {
  roleId: string;
  name: string;
  holderName: string;
  userId: string | null;
  phone: string | null;
}

export interface Member {
  unitId: string | null;
  name: string;
  phone: string | null;
}

export interface LeadUnit {
  label: string;
  units: string[];
}

// ---------------------------------------------------------------------------------------------
// loading a case
// ---------------------------------------------------------------------------------------------

/** Everything the rules and policies need about one incident's response. */
export interface Loaded {
  incident: IncidentTable;
  response: ResponseTable | undefined;
  level: ResponseLevel | undefined;
  post: CommandPostTable | undefined;
  groups: CommandGroupTable[];
  case: ResponseCase;
}

export function planOf(ctx: AppContext): PlanData {
  return { profile: ctx.plan.profile, org: ctx.plan.org };
}

export function postRolesOf(post: CommandPostTable | undefined): PostRole[] {
  return post ? parse<PostRole[]>(post.roles) : [];
}

export function caseOf(
  incident: IncidentTable,
  response: ResponseTable | undefined,
  post: CommandPostTable | undefined,
  participating?: string[],
): ResponseCase {
  return {
    subtypeId: incident.subtype_id,
    categoryId: incident.category_id,
    grade: incident.level,
    streetCode: incident.street_code,
    flags: parse<IncidentFlag[]>(incident.flags),
    receivedAt: new Date(incident.received_at),
    occurredAt: new Date(incident.occurred_at),
    activatingUnitId: response?.activating_unit_id,
    participatingUnitIds: participating,
    commandPostUserIds: postRolesOf(post)
      .map((r) => r.userId)
      .filter((u): u is string => u !== null),
  };
}

export async function loadCase(ctx: AppContext, db: Db, incidentId: string): Promise<Loaded> {
  const incident = await loadIncident(db, incidentId);
  const response = await findResponse(db, incident.id);
  const post = await findPostOfIncident(db, incident.id);
  const groups = post ? await groupsOf(db, post.id) : [];
  return {
    incident,
    response,
    level: response ? findResponseLevel(ctx.plan.profile, response.level) : undefined,
    post,
    groups,
    case: caseOf(incident, response, post),
  };
}

export async function loadPostCase(ctx: AppContext, db: Db, postId: string): Promise<Loaded> {
  const post = await findPost(db, postId);
  if (!post) {
    throw notFound(`现场指挥部 ${postId}`);
  }
  return loadCase(ctx, db, post.incident_id);
}

/** Names of units, from the org file or the database (streets and communities live only there). */
export async function unitNamer(ctx: AppContext, ids: (string | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((i): i is string => typeof i === "string" && i !== ""))];
  const fromDb = new Map((await ctx.units.many(wanted)).map((u) => [u.id, u.short_name ?? u.name] as const));
  return (id: string): string => {
    const org = ctx.plan.org.units.find((u) => u.id === id);
    return org?.short ?? org?.name ?? fromDb.get(id) ?? id;
  };
}

function unitIdsOfCase(ctx: AppContext, l: Loaded): string[] {
  const lead = parse<string[]>(l.incident.lead_departments);
  const hq = findSubtype(ctx.plan.profile, l.incident.subtype_id)?.subtype.hq;
  const host = hq ? ctx.plan.org.units.find((u) => u.id === hq)?.officeIn : undefined;
  return [l.response?.activating_unit_id, l.incident.street_code, ...lead, hq, host].filter(
    (u): u is string => typeof u === "string",
  );
}

/**
 * Refuses unless the user fills one of the plan's parties for this case (the 403 names them);
 * returns the unit namer of the case for the command's own texts.
 */
async function authorizeOnCase(
  ctx: AppContext,
  l: Loaded,
  user: SessionUser,
  parties: readonly Party[],
  source: string,
  what: string,
): Promise<(id: string) => string> {
  const unitName = await unitNamer(ctx, unitIdsOfCase(ctx, l));
  authorizeParties(user, { plan: planOf(ctx), parties, case: l.case, source, unitName }, what);
  return unitName;
}

/** The static policy's view of the scene. */
export function commandResource(ctx: AppContext, l: Loaded, task?: ResponseTaskTable): CommandResource {
  const staff = unitIdsOfCase(ctx, l);
  if (l.post?.set_up_unit_id) {
    staff.push(l.post.set_up_unit_id);
  }
  const taskUnits: string[] = [];
  if (task) {
    if (task.unit_id) {
      taskUnits.push(task.unit_id);
    }
    const group = l.groups.find((g) => g.id === task.group_id);
    if (group) {
      taskUnits.push(...parse<LeadUnit[]>(group.lead_units).flatMap((x) => x.units));
      taskUnits.push(
        ...parse<Member[]>(group.members)
          .map((m) => m.unitId)
          .filter((u): u is string => u !== null),
      );
    }
  }
  return {
    postUserIds: l.case.commandPostUserIds ? [...l.case.commandPostUserIds] : [],
    staffUnitIds: [...new Set(staff)],
    ...(task ? { taskUnitIds: [...new Set(taskUnits)] } : {}),
  };
}

function timelineFor(scope: CommandScope): Timeline {
  const user = scope.principal?.user;
  return new Timeline(scope.now, user ? { id: user.id, name: user.displayName } : undefined);
}

function assertIncidentOpen(incident: IncidentTable): void {
  if (incident.status === "merged") {
    throw conflict(`事件 ${incident.number} 已合并到其他事件，请在合并后的事件上操作`, {
      status: incident.status,
    });
  }
}

function assertActive(l: Loaded): ResponseTable {
  if (!l.response) {
    throw conflict(`事件 ${l.incident.number} 尚未启动应急响应`, { state: null });
  }
  if (l.response.state === "ended") {
    throw conflict(`事件 ${l.incident.number} 的应急响应已于 ${l.response.ended_at} 结束`, {
      state: "ended",
    });
  }
  return l.response;
}

function assertPostOpen(l: Loaded): CommandPostTable {
  if (!l.post) {
    throw conflict(`事件 ${l.incident.number} 尚未设立现场指挥部`);
  }
  if (l.post.state !== "active") {
    throw conflict(`现场指挥部“${l.post.name}”已撤销`, { state: l.post.state });
  }
  return l.post;
}

/** Who of the given candidates fills any of the parties (for notices to on-scene leaders). */
async function usersFilling(ctx: AppContext, db: Db, parties: readonly Party[], c: ResponseCase) {
  const roles = [...new Set(parties.map((p) => p.role).filter((r): r is Role => r !== undefined))];
  const unitIds = parties
    .filter((p) => p.role === undefined)
    .flatMap((p) => (p.unit ? [p.unit] : []))
    .concat(parties.some((p) => p.role === undefined) ? unitIdsOfCaseFromCase(ctx, c) : []);
  const candidates = await usersWithRolesOrUnits(db, roles, unitIds);
  return candidates.map(toSessionUser).filter((u) => fillsAny(planOf(ctx), u, parties, c));
}

function unitIdsOfCaseFromCase(ctx: AppContext, c: ResponseCase): string[] {
  const sub = findSubtype(ctx.plan.profile, c.subtypeId)?.subtype;
  const hq = sub?.hq;
  const host = hq ? ctx.plan.org.units.find((u) => u.id === hq)?.officeIn : undefined;
  const office = ctx.plan.org.units.find((u) => u.type === "office")?.id;
  const committee = ctx.plan.org.units.find((u) => u.type === "committee")?.id;
  return [...(sub?.lead ?? []), host, c.streetCode, c.activatingUnitId, office, committee].filter(
    (u): u is string => typeof u === "string" && u !== "",
  );
}

/** Units a notice to a unit reaches: the unit, and for a special HQ the department hosting its office. */
function expandUnits(ctx: AppContext, units: string[]): string[] {
  const out = new Set(units);
  for (const id of units) {
    const u = ctx.plan.org.units.find((x) => x.id === id);
    if (u?.type === "special_hq" && u.officeIn) {
      out.add(u.officeIn);
    }
  }
  return [...out];
}

function link(incidentId: string): string {
  return `/response/${incidentId}`;
}

// ---------------------------------------------------------------------------------------------
// activation, upgrade, downgrade (000 §4.3.1, §4.5)
// ---------------------------------------------------------------------------------------------

/** Activates the response at a level of the profile; returns the response id. */
export async function activateResponse(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: ActivateBody,
  user: SessionUser,
): Promise<string> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const check = checkActivation(profile, l.incident.level, body.level, body.reason);
  if (check.errors.length > 0 || !check.level) {
    fail(check.errors);
  }
  const level = check.level;
  const parties = activators(profile, level, l.case);
  const name = await authorizeOnCase(ctx, l, user, parties, level.source, `启动${level.name}`);
  assertIncidentOpen(l.incident);
  if (l.incident.status === "closed") {
    throw conflict(`事件 ${l.incident.number} 已报送终报、处置结束`, { status: l.incident.status });
  }
  if (l.response) {
    throw conflict(
      `事件 ${l.incident.number} 已启动${findResponseLevel(profile, l.response.level)?.name ?? l.response.level}，如需调整请升级或降级`,
      { state: l.response.state },
    );
  }
  const now = scope.now.toISOString();
  const activatingUnit = actingUnit(planOf(ctx), user, parties, l.case);
  const special = specialCaseOf(profile, l.case);
  const id = randomUUID();
  const row: ResponseTable = {
    id,
    incident_id: l.incident.id,
    level: level.id,
    state: "active",
    activated_at: now,
    activated_by: user.id,
    activated_by_name: user.displayName,
    activating_unit_id: activatingUnit,
    special_case: special?.id ?? null,
    mechanism: level.mechanism ?? null,
    end_requested_at: null,
    end_requested_by: null,
    end_requested_by_name: null,
    end_request_note: null,
    ended_at: null,
    ended_by: null,
    ended_by_name: null,
    end_approved_by_name: null,
    end_summary: null,
    causes: "",
    lessons: "",
    improvements: "",
    created_at: now,
    updated_at: now,
  };
  await insertResponse(scope.trx, row);
  await insertLevelChange(scope.trx, {
    id: randomUUID(),
    response_id: id,
    incident_id: l.incident.id,
    kind: "activate",
    from_level: null,
    to_level: level.id,
    grade: l.incident.level,
    justified: check.justified ? 1 : 0,
    reason: body.reason ?? null,
    by_id: user.id,
    by_name: user.displayName,
    by_unit_id: activatingUnit,
    at: now,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "response.activated",
    `${name(activatingUnit)}启动${level.name}${body.reason ? `（理由：${body.reason}）` : ""}`,
    { responseId: id, level: level.id, justified: check.justified },
  );
  const upper = upperLevelRequest(level);
  if (upper) {
    timeline.add(l.incident.id, "response.upper_request", `按预案报请上级：${upper}`, { level: level.id });
    await insertTasks(scope.trx, [
      taskRow(l.incident.id, null, scope, await nextTaskSeq(scope.trx, l.incident.id), {
        title: "报请市政府启动市级应急预案",
        detail: `${upper}（${level.source}）`,
        unitId: activatingUnit,
        assignee: name(activatingUnit),
        dueAt: null,
        measureRef: `upper:${level.id}`,
      }),
    ]);
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.activate",
    entityType: "response",
    entityId: id,
    after: {
      incidentId: l.incident.id,
      level: level.id,
      grade: l.incident.level,
      justified: check.justified,
      reason: body.reason ?? null,
      activatingUnitId: activatingUnit,
    },
  });
  const caseNow = { ...l.case, activatingUnitId: activatingUnit };
  const onScene = await usersFilling(ctx, scope.trx, level.onScene, caseNow);
  await notifyUsers(
    scope,
    onScene.map((u) => u.id),
    {
      title: `${level.name}已启动：${l.incident.number}`,
      body: `${l.incident.title}。按预案（${level.source}）请${partyLabels(planOf(ctx), level.onScene).join("或")}根据事件需要赶赴现场指挥。`,
      link: link(l.incident.id),
      sourceType: "incident",
      sourceId: l.incident.id,
    },
  );
  scope.publish({
    type: "response.activated",
    entityType: "incident",
    entityId: l.incident.id,
    data: { responseId: id, level: level.id, levelName: level.name },
  });
  return id;
}

/** Upgrades or downgrades the running response with a reason (000 §4.3, §4.5). */
export async function changeResponseLevel(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  kind: "upgrade" | "downgrade",
  body: LevelChangeBody,
  user: SessionUser,
): Promise<void> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const current = l.level;
  const errors = l.response ? checkLevelChange(profile, kind, l.response.level, body.level) : [];
  const check = checkActivation(profile, l.incident.level, body.level, body.reason);
  if (errors.length > 0 || check.errors.length > 0) {
    fail([...errors, ...check.errors]);
  }
  const response = assertActive(l);
  const target = check.level;
  if (!current || !target) {
    throw conflict(`当前响应级别“${response.level}”不在预案中`);
  }
  const parties = levelChangeAuthority(profile, kind, current, target, l.case);
  const verb = kind === "upgrade" ? "升级" : "降级";
  await authorizeOnCase(
    ctx,
    l,
    user,
    parties,
    kind === "upgrade" ? `000 §4.3；${target.source}` : current.source,
    `将响应${verb}为${target.name}`,
  );
  const now = scope.now.toISOString();
  if (!(await updateResponse(scope.trx, response.id, "active", { level: target.id, updated_at: now }))) {
    throw conflict("应急响应状态已变化（可能已请示或宣布结束），请刷新后再试", { state: response.state });
  }
  await insertLevelChange(scope.trx, {
    id: randomUUID(),
    response_id: response.id,
    incident_id: l.incident.id,
    kind,
    from_level: current.id,
    to_level: target.id,
    grade: l.incident.level,
    justified: check.justified ? 1 : 0,
    reason: body.reason,
    by_id: user.id,
    by_name: user.displayName,
    by_unit_id: actingUnit(planOf(ctx), user, parties, l.case),
    at: now,
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    `response.${kind}`,
    `响应${verb}：${current.name} → ${target.name}（理由：${body.reason}）`,
    { from: current.id, to: target.id },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: `response.${kind}`,
    entityType: "response",
    entityId: response.id,
    before: { level: current.id },
    after: { level: target.id, reason: body.reason, justified: check.justified },
  });
  if (kind === "upgrade") {
    const onScene = await usersFilling(ctx, scope.trx, target.onScene, l.case);
    await notifyUsers(
      scope,
      onScene.map((u) => u.id),
      {
        title: `响应升级为${target.name}：${l.incident.number}`,
        body: `${l.incident.title}。理由：${body.reason}`,
        link: link(l.incident.id),
        sourceType: "incident",
        sourceId: l.incident.id,
      },
    );
  }
  scope.publish({
    type: "response.level_changed",
    entityType: "incident",
    entityId: l.incident.id,
    data: { kind, from: current.id, to: target.id },
  });
}

// ---------------------------------------------------------------------------------------------
// committee decisions (000 §4.3.2)
// ---------------------------------------------------------------------------------------------

export async function recordDecision(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: DecisionBody,
  user: SessionUser,
): Promise<string> {
  const profile = ctx.plan.profile;
  const rule = profile.response.committeeDecision;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  const type = rule?.decisions.find((d) => d.id === body.decisionType);
  if (!rule) {
    errors.push({ path: "decisionType", message: "预案没有规定区应急委决策机制" });
  } else if (!type) {
    errors.push({
      path: "decisionType",
      message: `预案中没有决策事项“${body.decisionType}”（可选：${rule.decisions.map((d) => `${d.id} ${d.text}`).join("；")}）`,
    });
  }
  const proposers = decisionProposers(profile);
  const plan = planOf(ctx);
  let proposedLabel: string | null = null;
  if (body.trigger === "proposal") {
    if (body.proposedByUnitId === undefined) {
      errors.push({
        path: "proposedByUnitId",
        message: `经建议启动决策机制时须写明提出建议的单位（${partyLabels(plan, proposers).join("或")}，${rule?.source ?? ""}）`,
      });
    } else {
      const unit = await ctx.units.get(body.proposedByUnitId);
      const ok = unit && proposers.some((p) => unitFills(plan, body.proposedByUnitId ?? "", p, l.case));
      if (!unit) {
        errors.push({ path: "proposedByUnitId", message: `组织单元 ${body.proposedByUnitId} 不存在` });
      } else if (!ok) {
        errors.push({
          path: "proposedByUnitId",
          message: `${unit.short_name ?? unit.name}不是预案规定的建议单位（${partyLabels(plan, proposers).join("或")}，${rule?.source ?? ""}）`,
        });
      } else {
        proposedLabel = unit.short_name ?? unit.name;
      }
    }
  }
  const decidedAt = body.decidedAt ? new Date(body.decidedAt) : scope.now;
  if (decidedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    errors.push({ path: "decidedAt", message: "决策时间不能晚于当前时间" });
  }
  if (errors.length > 0 || !rule || !type) {
    fail(errors);
  }
  const leaderTriggers = rule.triggers.filter((t) => t.approvedBy === undefined).flatMap((t) => t.by);
  const parties =
    body.trigger === "leader" ? leaderTriggers : rule.triggers.flatMap((t) => t.approvedBy ?? []);
  await authorizeOnCase(
    ctx,
    l,
    user,
    parties.length > 0 ? parties : decisionApprovers(profile),
    rule.source,
    body.trigger === "leader" ? "直接启动区应急委决策机制" : "研究同意区应急委决策",
  );
  assertIncidentOpen(l.incident);
  if (!decisionApplies(profile, l.incident.level, l.level)) {
    throw conflict(
      `区应急委决策机制适用于可能或已经发生${rule.grades.map((g) => gradeName(profile, g)).join("、")}突发事件（${rule.source}）；本事件为${gradeName(profile, l.incident.level)}${l.level ? `、${l.level.name}` : "、尚未启动响应"}`,
    );
  }
  const approvedAs = parties.find((p) => fillsAny(plan, user, [p], l.case));
  const id = randomUUID();
  await insertDecision(scope.trx, {
    id,
    incident_id: l.incident.id,
    decision_type: type.id,
    content: body.content,
    trigger: body.trigger,
    proposed_by_unit_id: body.proposedByUnitId ?? null,
    proposed_by_label: proposedLabel,
    meeting: body.meeting ?? null,
    approved_by_id: user.id,
    approved_by_name: user.displayName,
    approved_as: approvedAs ? (partyLabels(plan, [approvedAs])[0] ?? "") : "",
    decided_at: decidedAt.toISOString(),
    created_at: scope.now.toISOString(),
  });
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "response.decision",
    `区应急委决策（${type.no}. ${type.text.replace(/。$/, "")}）：${body.content}${proposedLabel ? `（${proposedLabel}建议）` : ""}，${user.displayName}同意`,
    { decisionId: id, type: type.id },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.decision",
    entityType: "response_decision",
    entityId: id,
    after: { incidentId: l.incident.id, ...body, approvedBy: user.displayName },
  });
  scope.publish({
    type: "response.decision",
    entityType: "incident",
    entityId: l.incident.id,
    data: { decisionId: id, type: type.id },
  });
  return id;
}

/** Whether a unit (not a user) is one the party names: for "who proposed" checks. */
function unitFills(plan: PlanData, unitId: string, party: Party, c: ResponseCase): boolean {
  const probe: SessionUser = {
    id: "",
    username: "",
    displayName: "",
    unitId,
    unitName: "",
    roles: party.role ? [party.role] : ["dept_staff"],
    categories: [],
    locale: "zh-CN",
  };
  return fillsAny(plan, probe, [{ ...party, role: undefined }], c);
}

// ---------------------------------------------------------------------------------------------
// command post (000 §4.4)
// ---------------------------------------------------------------------------------------------

async function sessionUsers(db: Db, ids: string[]): Promise<Map<string, SessionUser>> {
  return new Map((await usersByIds(db, ids)).map((r) => [r.id, toSessionUser(r)] as const));
}

async function checkUnits(
  ctx: AppContext,
  refs: { path: string; id: string | undefined }[],
): Promise<FieldError[]> {
  const ids = refs.map((r) => r.id).filter((i): i is string => i !== undefined);
  const found = new Set((await ctx.units.many(ids)).map((u) => u.id));
  return refs
    .filter((r) => r.id !== undefined && !found.has(r.id))
    .map((r) => ({ path: r.path, message: `组织单元 ${r.id} 不存在` }));
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
  await authorizeOnCase(ctx, l, user, parties, rule.source, "设立现场指挥部");
  assertIncidentOpen(l.incident);
  const response = assertActive(l);
  if (!commandPostApplies(profile, l.incident.level, l.level)) {
    throw conflict(
      `现场指挥部在${rule.grades.map((g) => gradeName(profile, g)).join("、")}突发事件时设立（${rule.source}）；本事件为${gradeName(profile, l.incident.level)}，当前为${l.level?.name ?? response.level}`,
    );
  }
  if (l.post) {
    throw conflict(`事件 ${l.incident.number} 已设立现场指挥部“${l.post.name}”`, { postId: l.post.id });
  }
  const now = scope.now.toISOString();
  const id = randomUUID();
  const roles: PostRole[] = body.roles.map((r) => ({
    roleId: r.roleId,
    name: rule.roles.find((x) => x.id === r.roleId)?.name ?? r.roleId,
    holderName: r.holderName,
    userId: r.userId ?? null,
    phone: r.phone ?? null,
  }));
  const setUpUnit = actingUnit(plan, user, parties, l.case);
  await insertPost(scope.trx, {
    id,
    incident_id: l.incident.id,
    name: body.name,
    address: body.address,
    lat: body.location?.lat ?? null,
    lng: body.location?.lng ?? null,
    roles: JSON.stringify(roles),
    contacts: body.contacts ?? "",
    state: "active",
    set_up_by: user.id,
    set_up_by_name: user.displayName,
    set_up_unit_id: setUpUnit,
    created_at: now,
    updated_at: now,
    closed_at: null,
  });
  const caseNow = caseOf(l.incident, response, undefined);
  const groups = groupsFor(plan, caseNow);
  await insertGroups(
    scope.trx,
    groups.map((g, i) => ({
      id: randomUUID(),
      post_id: id,
      group_key: g.key,
      name: g.name,
      lead_units: JSON.stringify(g.lead),
      leader_name: null,
      leader_phone: null,
      members: "[]",
      duties: JSON.stringify(g.duties),
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
  authorize(user, "operate", "command", commandResource(ctx, l));
  const post = assertPostOpen(l);
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
      ...(members ? { members: JSON.stringify(members) } : {}),
      ...(lead ? { lead_units: JSON.stringify(lead) } : {}),
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
        members: parse<Member[]>(existing.members),
        lead: parse<LeadUnit[]>(existing.lead_units),
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
        lead_units: JSON.stringify(lead ?? []),
        leader_name: body.leaderName ?? null,
        leader_phone: body.leaderPhone ?? null,
        members: JSON.stringify(members ?? []),
        duties: "[]",
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
  authorize(user, "operate", "command", commandResource(ctx, l));
  const post = assertPostOpen(l);
  const roles = postRolesOf(post);
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
  await updatePost(scope.trx, post.id, { roles: JSON.stringify(updated), updated_at: now });
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
  const resource = commandResource(ctx, l);
  if (body.unitId) {
    // The arriving unit registers itself too (000 §4.4: 首先向现场指挥部报到或登记).
    resource.staffUnitIds.push(body.unitId);
  }
  authorize(user, "operate", "command", resource);
  const post = assertPostOpen(l);
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
  authorize(user, "operate", "command", commandResource(ctx, l));
  const post = assertPostOpen(l);
  const id = randomUUID();
  await insertCordon(scope.trx, {
    id,
    post_id: post.id,
    incident_id: l.incident.id,
    kind: body.kind,
    name: body.name,
    geometry: JSON.stringify(body.geometry),
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

// ---------------------------------------------------------------------------------------------
// tasks (000 §4.6)
// ---------------------------------------------------------------------------------------------

function taskRow(
  incidentId: string,
  postId: string | null,
  scope: CommandScope,
  seq: number,
  t: {
    title: string;
    detail: string | null;
    groupId?: string | null;
    unitId?: string | null;
    assignee: string;
    dueAt: string | null;
    measureRef: string | null;
  },
): ResponseTaskTable {
  const now = scope.now.toISOString();
  const user = scope.principal?.user;
  return {
    id: randomUUID(),
    incident_id: incidentId,
    post_id: postId,
    seq,
    title: t.title,
    detail: t.detail,
    group_id: t.groupId ?? null,
    unit_id: t.unitId ?? null,
    assignee_label: t.assignee,
    due_at: t.dueAt,
    status: "pending",
    measure_ref: t.measureRef,
    notes: "[]",
    overdue_at: null,
    completed_at: null,
    created_by: user?.id ?? null,
    created_by_name: user?.displayName ?? null,
    created_at: now,
    updated_at: now,
  };
}

interface Assignee {
  groupId: string | null;
  unitId: string | null;
  label: string;
}

/**
 * A group key or unit id as an assignee, undefined when neither is given; field errors name what does
 * not exist, or that both were given.
 */
async function resolveAssignee(
  ctx: AppContext,
  l: Loaded,
  input: { groupKey?: string | undefined; unitId?: string | undefined },
  errors: FieldError[],
): Promise<Assignee | undefined> {
  if (input.groupKey !== undefined && input.unitId !== undefined) {
    errors.push({ path: "unitId", message: "任务只能分派给一个工作组或一个单位，不能同时指定" });
    return undefined;
  }
  if (input.groupKey !== undefined) {
    const group = l.groups.find((g) => g.group_key === input.groupKey);
    if (!group) {
      errors.push({
        path: "groupKey",
        message: l.post
          ? `现场指挥部没有工作组“${input.groupKey}”`
          : `尚未设立现场指挥部，不能分派给工作组“${input.groupKey}”；请改为指定承办单位`,
      });
      return undefined;
    }
    return { groupId: group.id, unitId: null, label: group.name };
  }
  if (input.unitId !== undefined) {
    const unit = await ctx.units.get(input.unitId);
    if (!unit) {
      errors.push({
        path: "unitId",
        message: `承办单位 ${input.unitId} 不存在（任务须分派给存在的工作组或单位）`,
      });
      return undefined;
    }
    return { groupId: null, unitId: unit.id, label: unit.short_name ?? unit.name };
  }
  return undefined;
}

function checkDue(dueAt: string | null | undefined, now: Date, errors: FieldError[]): string | null {
  if (dueAt === undefined || dueAt === null) {
    return null;
  }
  const due = new Date(dueAt);
  if (due.getTime() < now.getTime() - 5 * MINUTE) {
    errors.push({ path: "dueAt", message: "完成时限不能早于当前时间" });
  }
  return due.toISOString();
}

export async function createTask(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: TaskBody,
  user: SessionUser,
): Promise<string> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  if (body.groupKey === undefined && body.unitId === undefined) {
    errors.push({ path: "groupKey", message: "任务须分派给一个工作组（groupKey）或一个单位（unitId）" });
  }
  const assignee = await resolveAssignee(ctx, l, body, errors);
  const dueAt = checkDue(body.dueAt, scope.now, errors);
  if (errors.length > 0 || !assignee) {
    fail(errors);
  }
  authorize(user, "operate", "command", commandResource(ctx, l));
  assertActive(l);
  const row = taskRow(l.incident.id, l.post?.id ?? null, scope, await nextTaskSeq(scope.trx, l.incident.id), {
    title: body.title,
    detail: body.detail ?? null,
    groupId: assignee.groupId,
    unitId: assignee.unitId,
    assignee: assignee.label,
    dueAt,
    measureRef: null,
  });
  await insertTasks(scope.trx, [row]);
  await afterTasksCreated(ctx, scope, l, [row]);
  return row.id;
}

/** Turns the §4.6 measures of the incident's category into tasks (items not yet made); returns their ids. */
export async function tasksFromChecklist(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: ChecklistBody,
  user: SessionUser,
): Promise<string[]> {
  const profile = ctx.plan.profile;
  const l = await loadCase(ctx, scope.trx, incidentId);
  const errors: FieldError[] = [];
  const explicit = await resolveAssignee(ctx, l, body, errors);
  const dueAt = checkDue(body.dueAt, scope.now, errors);
  const items = checklistFor(profile, l.incident.category_id);
  if (items.length === 0) {
    errors.push({
      path: "categoryId",
      message: `预案没有“${l.incident.category_id}”类事件的处置措施清单（000 §4.6）`,
    });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(user, "operate", "command", commandResource(ctx, l));
  assertActive(l);
  let assignee = explicit;
  if (!assignee) {
    // Default: the lead department (主责部门) carries the measures until the post hands them out.
    const lead = parse<string[]>(l.incident.lead_departments)[0];
    const name = await unitNamer(ctx, [lead]);
    assignee = lead
      ? { groupId: null, unitId: lead, label: name(lead) }
      : { groupId: null, unitId: null, label: "现场指挥部" };
  }
  const made = new Set((await tasksOf(scope.trx, l.incident.id)).map((t) => t.measure_ref));
  const first = await nextTaskSeq(scope.trx, l.incident.id);
  const rows = items
    .filter((item) => !made.has(item.ref))
    .map((item, n) =>
      taskRow(l.incident.id, l.post?.id ?? null, scope, first + n, {
        title: `${item.no}. ${measureTitle(item.text)}`,
        detail: `${item.text}（${item.source}）`,
        groupId: assignee.groupId,
        unitId: assignee.unitId,
        assignee: assignee.label,
        dueAt,
        measureRef: item.ref,
      }),
    );
  if (rows.length === 0) {
    throw conflict(`处置措施清单的 ${items.length} 项已全部生成任务`);
  }
  await insertTasks(scope.trx, rows);
  await afterTasksCreated(ctx, scope, l, rows);
  return rows.map((r) => r.id);
}

async function afterTasksCreated(ctx: AppContext, scope: CommandScope, l: Loaded, rows: ResponseTaskTable[]) {
  const timeline = timelineFor(scope);
  timeline.add(
    l.incident.id,
    "task.created",
    rows.length === 1
      ? `分派任务“${rows[0]?.title ?? ""}”给${rows[0]?.assignee_label ?? ""}`
      : `按处置措施清单生成 ${rows.length} 项任务`,
    { tasks: rows.map((r) => r.id) },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "task.create",
    entityType: "incident",
    entityId: l.incident.id,
    after: {
      tasks: rows.map((r) => ({
        id: r.id,
        title: r.title,
        assignee: r.assignee_label,
        unitId: r.unit_id,
        groupId: r.group_id,
        dueAt: r.due_at,
        measureRef: r.measure_ref,
      })),
    },
  });
  const units = new Set<string>();
  for (const r of rows) {
    if (r.unit_id) {
      units.add(r.unit_id);
    }
    const group = l.groups.find((g) => g.id === r.group_id);
    for (const lead of group ? parse<LeadUnit[]>(group.lead_units) : []) {
      for (const u of lead.units) {
        units.add(u);
      }
    }
  }
  await notifyUsers(scope, await usersInUnits(scope.trx, expandUnits(ctx, [...units])), {
    title:
      rows.length === 1
        ? `新任务：${rows[0]?.title ?? ""}`
        : `新任务 ${rows.length} 项：${l.incident.number}`,
    body: `${l.incident.title}${rows[0]?.due_at ? `，请于时限前完成` : ""}`,
    link: link(l.incident.id),
    sourceType: "incident",
    sourceId: l.incident.id,
  });
  scope.publish({
    type: "task.created",
    entityType: "incident",
    entityId: l.incident.id,
    data: { count: rows.length },
  });
}

const TERMINAL = new Set(["done", "cancelled"]);

export async function updateTaskCommand(
  ctx: AppContext,
  scope: CommandScope,
  taskId: string,
  body: TaskPatchBody,
  user: SessionUser,
): Promise<string> {
  const task = await findTask(scope.trx, taskId);
  if (!task) {
    throw notFound(`任务 ${taskId}`);
  }
  const l = await loadCase(ctx, scope.trx, task.incident_id);
  const errors: FieldError[] = [];
  const reassign = await resolveAssignee(ctx, l, body, errors);
  const dueAt = body.dueAt === undefined ? undefined : checkDue(body.dueAt, scope.now, errors);
  if (errors.length > 0) {
    fail(errors);
  }
  authorize(user, "updateTask", "command", commandResource(ctx, l, task));
  if (TERMINAL.has(task.status) && (body.status !== undefined || reassign || dueAt !== undefined)) {
    throw conflict(`任务已${task.status === "done" ? "完成" : "取消"}，不能再更改状态、承办单位或时限`, {
      status: task.status,
    });
  }
  const now = scope.now.toISOString();
  const notes = parse<{ at: string; by: string | null; text: string }[]>(task.notes);
  if (body.note) {
    notes.push({ at: now, by: user.displayName, text: body.note });
  }
  const set: Partial<ResponseTaskTable> = { notes: JSON.stringify(notes), updated_at: now };
  if (body.status !== undefined) {
    set.status = body.status;
    set.completed_at = body.status === "done" ? now : null;
  }
  if (reassign) {
    set.group_id = reassign.groupId;
    set.unit_id = reassign.unitId;
    set.assignee_label = reassign.label;
  }
  if (dueAt !== undefined) {
    set.due_at = dueAt;
    // A new time limit in the future clears the overdue flag; the sweep flags it again if missed.
    if (dueAt === null || new Date(dueAt).getTime() > scope.now.getTime()) {
      set.overdue_at = null;
    }
  }
  await updateTask(scope.trx, task.id, set);
  const changes = [
    body.status !== undefined && body.status !== task.status ? `状态：${statusLabel(body.status)}` : "",
    reassign ? `改派给${reassign.label}` : "",
    dueAt !== undefined ? `时限：${dueAt ?? "无"}` : "",
    body.note ? `备注：${body.note}` : "",
  ].filter((x) => x !== "");
  const timeline = timelineFor(scope);
  timeline.add(l.incident.id, "task.updated", `任务“${task.title}”${changes.join("，")}`, {
    taskId: task.id,
  });
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "task.update",
    entityType: "response_task",
    entityId: task.id,
    before: { status: task.status, assignee: task.assignee_label, dueAt: task.due_at },
    after: { ...body },
  });
  scope.publish({ type: "task.updated", entityType: "incident", entityId: l.incident.id, data: { taskId } });
  return task.id;
}

export function statusLabel(status: string): string {
  return { pending: "待办", in_progress: "进行中", done: "已完成", cancelled: "已取消" }[status] ?? status;
}

// ---------------------------------------------------------------------------------------------
// end of response (000 §4.9; 002 §5.6)
// ---------------------------------------------------------------------------------------------

export type EndOutcome = "ended" | "end_requested";

/**
 * Ends the response by the authority the profile names for the grade. Where the plan wants the end
 * approved first (002 §5.6: 现场指挥部请示, 区应急委批准), the first call by a declarer records the
 * request and a second call by an approver ends it.
 */
export async function endResponse(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: EndBody,
  user: SessionUser,
): Promise<EndOutcome> {
  const profile = ctx.plan.profile;
  const plan = planOf(ctx);
  const l = await loadCase(ctx, scope.trx, incidentId);
  const rule = endRule(profile, l.incident.level, l.level);
  if (!rule) {
    throw conflict(`预案没有规定${gradeName(profile, l.incident.level)}事件由谁宣布应急结束（000 §4.9）`);
  }
  const awaitingApproval = l.response?.state === "end_requested" && rule.approvedBy !== undefined;
  const parties = awaitingApproval ? (rule.approvedBy ?? []) : rule.by;
  const name = await authorizeOnCase(
    ctx,
    l,
    user,
    parties,
    rule.source,
    awaitingApproval ? "批准结束应急响应" : rule.approvedBy ? "请示结束应急响应" : "宣布应急结束",
  );
  const response = assertActive(l);
  const now = scope.now.toISOString();
  const timeline = timelineFor(scope);
  if (rule.approvedBy && !awaitingApproval) {
    if (
      !(await updateResponse(scope.trx, response.id, "active", {
        state: "end_requested",
        end_requested_at: now,
        end_requested_by: user.id,
        end_requested_by_name: user.displayName,
        end_request_note: body.summary ?? null,
        updated_at: now,
      }))
    ) {
      throw conflict("应急响应状态已变化，请刷新后再试");
    }
    timeline.add(
      l.incident.id,
      "response.end_requested",
      `${user.displayName}请示结束应急响应${body.summary ? `：${body.summary}` : ""}，待${partyLabels(plan, rule.approvedBy).join("或")}批准`,
      { responseId: response.id },
    );
    await timeline.flush(scope.trx);
    await scope.audit({
      action: "response.end_request",
      entityType: "response",
      entityId: response.id,
      before: { state: "active" },
      after: { state: "end_requested", summary: body.summary ?? null },
    });
    const approvers = await usersFilling(ctx, scope.trx, rule.approvedBy, l.case);
    await notifyUsers(
      scope,
      approvers.map((u) => u.id),
      {
        title: `请示结束应急响应：${l.incident.number}`,
        body: `${l.incident.title}。${clip(body.summary ?? "")}`,
        link: link(l.incident.id),
        sourceType: "incident",
        sourceId: l.incident.id,
      },
    );
    scope.publish({
      type: "response.end_requested",
      entityType: "incident",
      entityId: l.incident.id,
      data: { responseId: response.id },
    });
    return "end_requested";
  }

  const declarer = awaitingApproval ? response.end_requested_by_name : user.displayName;
  const summary = body.summary ?? response.end_request_note ?? null;
  if (
    !(await updateResponse(scope.trx, response.id, ["active", "end_requested"], {
      state: "ended",
      ended_at: now,
      ended_by: awaitingApproval ? response.end_requested_by : user.id,
      ended_by_name: declarer,
      end_approved_by_name: awaitingApproval ? user.displayName : null,
      end_summary: summary,
      updated_at: now,
    }))
  ) {
    throw conflict("应急响应状态已变化，请刷新后再试");
  }
  if (l.post && l.post.state === "active") {
    // 000 §4.9: 现场应急指挥机构予以撤销.
    await updatePost(scope.trx, l.post.id, { state: "closed", closed_at: now, updated_at: now });
  }
  // Handling has ended: continuing reports stop (the incidents module owns its deadlines).
  const cancelled = await endReporting(scope, l.incident.id);

  const assessments = assessmentsAfterEnd(profile, l.incident.level, l.level, scope.now);
  await insertAssessments(
    scope.trx,
    assessments.map((a) => ({
      id: randomUUID(),
      incident_id: l.incident.id,
      response_id: response.id,
      rule_id: a.id,
      name: a.name,
      mandatory: a.mandatory ? 1 : 0,
      target_at: a.targetAt.toISOString(),
      hard_cap_at: a.hardCapAt ? a.hardCapAt.toISOString() : null,
      state: "pending",
      overdue_at: null,
      cap_overdue_at: null,
      submitted_at: null,
      submitted_by_name: null,
      lead: JSON.stringify(partyLabels(plan, a.lead, l.case, name)),
      recipients: JSON.stringify(partyLabels(plan, a.to)),
      source: a.source,
      gap: a.gap ?? null,
      created_at: now,
    })),
  );

  const units = await participatingOf(ctx, scope.trx, l);
  const unitNames = await unitNamer(ctx, units);
  timeline.add(
    l.incident.id,
    "response.ended",
    `${declarer ?? ""}宣布应急结束${awaitingApproval ? `（${user.displayName}批准）` : ""}${summary ? `：${summary}` : ""}；已通知参与处置的 ${units.length} 个单位${
      assessments.length > 0
        ? `；${assessments.map((a) => `${a.name}应于 ${beijingChinese(a.targetAt)} 前完成`).join("；")}`
        : ""
    }`,
    { responseId: response.id, units, cancelledDeadlines: cancelled },
  );
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.end",
    entityType: "response",
    entityId: response.id,
    before: { state: response.state, level: response.level },
    after: {
      state: "ended",
      endedBy: declarer,
      approvedBy: awaitingApproval ? user.displayName : null,
      summary,
      participatingUnits: units,
      cancelledDeadlines: cancelled,
      assessments: assessments.map((a) => ({ id: a.id, targetAt: a.targetAt.toISOString() })),
    },
  });
  const levelName = l.level?.name ?? response.level;
  const notice = {
    title: `应急结束：${l.incident.number}`,
    body: `${l.incident.title}的${levelName}已结束（${declarer ?? ""}宣布${awaitingApproval ? `，${user.displayName}批准` : ""}）。${clip(summary ?? "")}`,
    link: link(l.incident.id),
    sourceType: "incident",
    sourceId: l.incident.id,
  };
  await notifyUsers(scope, await usersInUnits(scope.trx, expandUnits(ctx, units)), notice);
  const url = responseSettings(ctx).notifyWebhookUrl;
  if (url) {
    await enqueue(
      scope.trx,
      scope.now,
      units.map((u) => ({
        channel: "webhook",
        recipient: url,
        dedupeKey: `response:${response.id}:end:${u}`,
        subject: notice.title,
        body: notice.body,
        payload: {
          incidentId: l.incident.id,
          incidentNumber: l.incident.number,
          responseId: response.id,
          unitId: u,
          unitName: unitNames(u),
          endedAt: now,
          announcePublicly: body.announcePublicly === true,
        },
        sourceType: "response",
        sourceId: response.id,
      })),
    );
  }
  scope.publish({
    type: "response.ended",
    entityType: "incident",
    entityId: l.incident.id,
    data: { responseId: response.id },
  });
  return "ended";
}

/** Every unit that took part in handling (000 §4.9), from the response, post, tasks and check-ins. */
export async function participatingOf(ctx: AppContext, db: Db, l: Loaded): Promise<string[]> {
  const tasks = await tasksOf(db, l.incident.id);
  const checkins = l.post ? await checkinsOf(db, l.post.id) : [];
  const groupUnits = l.groups.flatMap((g) => [
    ...parse<LeadUnit[]>(g.lead_units).flatMap((x) => x.units),
    ...parse<Member[]>(g.members)
      .map((m) => m.unitId)
      .filter((u): u is string => u !== null),
  ]);
  const hq = findSubtype(ctx.plan.profile, l.incident.subtype_id)?.subtype.hq;
  return participatingUnits({
    activatingUnitId: l.response?.activating_unit_id ?? null,
    leadDepartments: [...parse<string[]>(l.incident.lead_departments), ...(hq ? [hq] : [])],
    streetCode: l.incident.street_code,
    groupUnits,
    taskUnits: tasks.map((t) => t.unit_id).filter((u): u is string => u !== null),
    checkinUnits: checkins.map((c) => c.unit_id).filter((u): u is string => u !== null),
  });
}

// ---------------------------------------------------------------------------------------------
// assessment (000 §4.9)
// ---------------------------------------------------------------------------------------------

/** Parties who draft the assessment: the lead of its report rules, and the emergency office. */
export function assessmentEditors(ctx: AppContext, l: Loaded): Party[] {
  const grade = l.incident.level;
  const reports = ctx.plan.profile.endOfResponse.reports.filter(
    (r) => r.levels.includes(grade) || (l.level?.grades ?? []).some((g) => r.levels.includes(g)),
  );
  const lead = reports.flatMap((r) => r.lead);
  return [
    ...(lead.length > 0 ? lead : [{ scope: "lead_department" as const, label: "专业处置主责部门" }]),
    { scope: "emergency_office", label: "区应急办" },
  ];
}

export async function saveAssessment(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  body: AssessmentBody,
  user: SessionUser,
): Promise<void> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  await authorizeOnCase(ctx, l, user, assessmentEditors(ctx, l), "000 §4.9", "编写总结评估报告");
  if (!l.response) {
    throw conflict(`事件 ${l.incident.number} 尚未启动应急响应`);
  }
  const set = {
    ...(body.causes !== undefined ? { causes: body.causes } : {}),
    ...(body.lessons !== undefined ? { lessons: body.lessons } : {}),
    ...(body.improvements !== undefined ? { improvements: body.improvements } : {}),
    updated_at: scope.now.toISOString(),
  };
  await updateResponse(scope.trx, l.response.id, ["active", "end_requested", "ended"], set);
  await scope.audit({
    action: "response.assessment_edit",
    entityType: "response",
    entityId: l.response.id,
    before: { causes: l.response.causes, lessons: l.response.lessons, improvements: l.response.improvements },
    after: body,
  });
}

/** Submits the assessment report: meets the assessment deadlines (marking lateness). */
export async function submitAssessment(
  ctx: AppContext,
  scope: CommandScope,
  incidentId: string,
  user: SessionUser,
): Promise<number> {
  const l = await loadCase(ctx, scope.trx, incidentId);
  await authorizeOnCase(ctx, l, user, assessmentEditors(ctx, l), "000 §4.9", "报送总结评估报告");
  if (l.response?.state !== "ended") {
    throw conflict("应急响应结束后才能报送总结评估报告（000 §4.9）");
  }
  const rows = await submitAssessments(scope.trx, l.incident.id, scope.now.toISOString(), user.displayName);
  if (rows.length === 0) {
    const all = await assessmentsOf(scope.trx, l.incident.id);
    throw conflict(all.length === 0 ? "本事件没有需要报送的总结评估报告" : "总结评估报告已报送");
  }
  const timeline = timelineFor(scope);
  for (const r of rows) {
    const late = Math.max(0, Math.ceil((scope.now.getTime() - new Date(r.target_at).getTime()) / MINUTE));
    timeline.add(
      l.incident.id,
      "assessment.submitted",
      late > 0 ? `报送${r.name}（超过原则期限 ${late} 分钟）` : `按时报送${r.name}`,
      { assessmentId: r.id, lateMinutes: late },
    );
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "response.assessment_submit",
    entityType: "response",
    entityId: l.response.id,
    after: { assessments: rows.map((r) => r.id) },
  });
  return rows.length;
}
