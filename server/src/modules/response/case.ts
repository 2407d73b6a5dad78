/**
 * One incident's response as every command and the workspace read it: the incident, the response and
 * its level, the post and its groups, the rule case; the policy's resource built from it; and the small
 * helpers the workflows share (unit names, notices, timeline, 400s).
 */
import type { ResponseLevel } from "../../../../shared/plan/schema.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import type { IncidentTable } from "../incidents/index.js";
import { loadIncident, Timeline } from "../incidents/index.js";
import { findSubtype, type PlanData } from "../plans/index.js";
import { toSessionUser, usersByIds } from "../users/index.js";
import type { ResponseResource } from "./policy.js";
import {
  type CommandGroup,
  type CommandPost,
  findPost,
  findPostOfIncident,
  findResponse,
  groupsOf,
  type IncidentFacts,
  incidentFacts,
  type ResponseTask,
} from "./repository.js";
import { findResponseLevel, type ResponseCase } from "./rules.js";
import type { ResponseTable } from "./tables.js";

export const MINUTE = 60_000;

/** Everything the rules and the policy need about one incident's response. */
export interface Loaded {
  incident: IncidentTable;
  facts: IncidentFacts;
  response: ResponseTable | undefined;
  level: ResponseLevel | undefined;
  post: CommandPost | undefined;
  groups: CommandGroup[];
  case: ResponseCase;
}

export function planOf(ctx: AppContext): PlanData {
  return { profile: ctx.plan.profile, org: ctx.plan.org };
}

export function caseOf(
  incident: IncidentTable,
  facts: IncidentFacts,
  response: ResponseTable | undefined,
  post: CommandPost | undefined,
): ResponseCase {
  return {
    subtypeId: incident.subtype_id,
    categoryId: incident.category_id,
    grade: incident.level,
    streetCode: incident.street_code,
    flags: facts.flags,
    receivedAt: new Date(incident.received_at),
    occurredAt: new Date(incident.occurred_at),
    activatingUnitId: response?.activating_unit_id,
    commandPostUserIds: (post?.roles ?? []).map((r) => r.userId).filter((u): u is string => u !== null),
  };
}

export async function loadCase(ctx: AppContext, db: Db, incidentId: string): Promise<Loaded> {
  const incident = await loadIncident(db, incidentId);
  const response = await findResponse(db, incident.id);
  const post = await findPostOfIncident(db, incident.id);
  const groups = post ? await groupsOf(db, post.id) : [];
  const facts = incidentFacts(incident);
  return {
    incident,
    facts,
    response,
    level: response ? findResponseLevel(ctx.plan.profile, response.level) : undefined,
    post,
    groups,
    case: caseOf(incident, facts, response, post),
  };
}

export async function loadPostCase(ctx: AppContext, db: Db, postId: string): Promise<Loaded> {
  const post = await findPost(db, postId);
  if (!post) {
    throw notFound(`现场指挥部 ${postId}`);
  }
  return loadCase(ctx, db, post.incident_id);
}

export type Namer = (id: string) => string;

/** Names of units, from the org file or the database (streets and communities live only there). */
export async function unitNamer(ctx: AppContext, ids: (string | null | undefined)[]): Promise<Namer> {
  const wanted = [...new Set(ids.filter((i): i is string => typeof i === "string" && i !== ""))];
  const fromDb = new Map((await ctx.units.many(wanted)).map((u) => [u.id, u.short_name ?? u.name] as const));
  return (id: string): string => {
    const org = ctx.plan.org.units.find((u) => u.id === id);
    return org?.short ?? org?.name ?? fromDb.get(id) ?? id;
  };
}

/** Units running the response: the activating unit, the street, the lead departments, the HQ and its host. */
function unitIdsOfCase(ctx: AppContext, l: Loaded): string[] {
  const hq = findSubtype(ctx.plan.profile, l.incident.subtype_id)?.subtype.hq;
  const host = hq ? ctx.plan.org.units.find((u) => u.id === hq)?.officeIn : undefined;
  return [
    l.response?.activating_unit_id,
    l.incident.street_code,
    ...l.facts.leadDepartments,
    hq,
    host,
  ].filter((u): u is string => typeof u === "string");
}

/** The units of a task: its own, and its group's lead and member units. */
export function taskUnits(l: Loaded, task: ResponseTask): string[] {
  const units: string[] = task.unit_id ? [task.unit_id] : [];
  const group = l.groups.find((g) => g.id === task.group_id);
  if (group) {
    units.push(...group.lead_units.flatMap((x) => x.units));
    units.push(...group.members.map((m) => m.unitId).filter((u): u is string => u !== null));
  }
  return [...new Set(units)];
}

/** The policy's resource for a case; `extra` adds the target level, trigger, task or assessments. */
export async function responseResource(
  ctx: AppContext,
  l: Loaded,
  extra: Partial<Pick<ResponseResource, "target" | "trigger" | "task" | "assessments">> & {
    /** A unit registering itself at the post (000 §4.4: 首先向现场指挥部报到或登记). */
    arrivingUnitId?: string | undefined;
  } = {},
): Promise<ResponseResource> {
  const units = unitIdsOfCase(ctx, l);
  const staff = [...units, ...(l.post?.set_up_unit_id ? [l.post.set_up_unit_id] : [])];
  if (extra.arrivingUnitId) {
    staff.push(extra.arrivingUnitId);
  }
  return {
    plan: planOf(ctx),
    l,
    unitName: await unitNamer(ctx, units),
    staffUnitIds: [...new Set(staff)],
    target: extra.target,
    trigger: extra.trigger,
    task: extra.task,
    assessments: extra.assessments,
  };
}

export function timelineFor(scope: CommandScope): Timeline {
  const user = scope.principal?.user;
  return new Timeline(scope.now, user ? { id: user.id, name: user.displayName } : undefined);
}

export function fail(errors: FieldError[]): never {
  throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
}

/** Notices travel in live events (PostgreSQL NOTIFY caps payloads at 8 kB): long texts are cut. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Units a notice to a unit reaches: the unit, and for a special HQ the department hosting its office. */
export function expandUnits(ctx: AppContext, units: string[]): string[] {
  const out = new Set(units);
  for (const id of units) {
    const u = ctx.plan.org.units.find((x) => x.id === id);
    if (u?.type === "special_hq" && u.officeIn) {
      out.add(u.officeIn);
    }
  }
  return [...out];
}

export function link(incidentId: string): string {
  return `/response/${incidentId}`;
}

export async function sessionUsers(db: Db, ids: string[]): Promise<Map<string, SessionUser>> {
  return new Map((await usersByIds(db, ids)).map((r) => [r.id, toSessionUser(r)] as const));
}

export async function checkUnits(
  ctx: AppContext,
  refs: { path: string; id: string | undefined }[],
): Promise<FieldError[]> {
  const ids = refs.map((r) => r.id).filter((i): i is string => i !== undefined);
  const found = new Set((await ctx.units.many(ids)).map((u) => u.id));
  return refs
    .filter((r) => r.id !== undefined && !found.has(r.id))
    .map((r) => ({ path: r.path, message: `组织单元 ${r.id} 不存在` }));
}
