/**
 * Pure rules of emergency response and on-site command (issue 7; 000 §4.2–§4.9, 002 §5). Functions
 * of (profile, org, data[, now]); no SQL, no HTTP, no clock of their own. Plan rules come from
 * modules/plans/rules.ts (responseLevelFor, workingGroups, measuresFor, endDeclarers,
 * assessmentDeadlines, partyUnitsLegacy); what the shared rules do not cover is written here over
 * `ctx.plan.profile`, with a comment saying why.
 */

import { beijingChinese } from "../../../../shared/beijingTime.js";
import type { IncidentFlag, Party, PlanProfile, ResponseLevel } from "../../../../shared/plan/schema.js";
import { ROLE_LABELS, type Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { FieldError } from "../../errors.js";
import type { OrgFile } from "../org/index.js";
import {
  assessmentDeadlines,
  endDeclarers,
  findSubtype,
  levelRank,
  measuresFor,
  type PartyContext,
  partyUnitsLegacy,
  responseLevelFor,
  specialResponseCase,
  workingGroups,
} from "../plans/index.js";

const MINUTE = 60_000;

/** The plan the rules read: the profile and its org file (ctx.plan). */
export interface PlanData {
  profile: PlanProfile;
  org: OrgFile;
}

/** What the response rules need to know about an incident and its response. */
export interface ResponseCase {
  subtypeId: string;
  categoryId: string;
  /** The incident's grade: a level id, the below-lowest state or the undetermined state. */
  grade: string;
  streetCode: string | null;
  flags: readonly IncidentFlag[];
  receivedAt: Date;
  occurredAt: Date;
  /** Set once a response runs (scope activating_unit, 000 §4.9). */
  activatingUnitId?: string | undefined;
  /** Every unit that took part (scope participating_units). */
  participatingUnitIds?: readonly string[] | undefined;
  /** Users holding a role of the command post (指挥长 …): they act as `commander` (000 §4.4 gap). */
  commandPostUserIds?: readonly string[] | undefined;
}

export function partyContextOf(c: ResponseCase): PartyContext {
  return {
    subtypeId: c.subtypeId,
    ...(c.streetCode ? { streetCode: c.streetCode } : {}),
    ...(c.activatingUnitId ? { activatingUnitId: c.activatingUnitId } : {}),
    ...(c.participatingUnitIds ? { participatingUnitIds: c.participatingUnitIds } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// parties: does this user fill this party of the profile?
// ---------------------------------------------------------------------------------------------

/**
 * Whether a user in `userUnitId` acts for `unitId`: the same unit; the department hosting a special
 * HQ's office acts as that HQ (000 §2.1.5); the duty room acts for the emergency office (000 §2.1.3).
 */
export function actsFor(org: OrgFile, userUnitId: string, unitId: string): boolean {
  if (userUnitId === unitId) {
    return true;
  }
  const target = org.units.find((u) => u.id === unitId);
  if (target?.type === "special_hq" && target.officeIn === userUnitId) {
    return true;
  }
  const mine = org.units.find((u) => u.id === userUnitId);
  return mine?.type === "duty_room" && mine.parent === unitId;
}

function categoryName(profile: PlanProfile, categoryId: string): string | undefined {
  return profile.taxonomy.categories.find((c) => c.id === categoryId)?.name;
}

function holdsRole(user: SessionUser, role: Role, c: ResponseCase): boolean {
  if (user.roles.includes(role)) {
    return true;
  }
  // 000 §4.4 gap: whoever the post names as 指挥长 acts as commander for this incident.
  return role === "commander" && (c.commandPostUserIds ?? []).includes(user.id);
}

/**
 * Whether the user is the party a plan rule names for this case. A role must be held; a scope or
 * unit narrows to the units partyUnitsLegacy resolves for the case (the user's unit, or one it acts for).
 * A party with no role is filled by any member of the unit except the system administrator, whose
 * role is administration, not emergency authority.
 */
export function userFillsParty(plan: PlanData, user: SessionUser, party: Party, c: ResponseCase): boolean {
  if (party.role !== undefined && !holdsRole(user, party.role, c)) {
    return false;
  }
  if (party.role === undefined && !user.roles.some((r) => r !== "admin")) {
    return false;
  }
  if (party.scope === undefined && party.unit === undefined) {
    return party.role !== undefined;
  }
  if (party.scope === "any") {
    return true;
  }
  if (party.scope === "in_charge_of_category") {
    const name = categoryName(plan.profile, c.categoryId);
    if (name === undefined || !user.categories.includes(name)) {
      return false;
    }
    return party.unit === undefined || actsFor(plan.org, user.unitId, party.unit);
  }
  const units = partyUnitsLegacy(plan.profile, plan.org, party, partyContextOf(c));
  return units.some((u) => actsFor(plan.org, user.unitId, u));
}

export function fillsAny(plan: PlanData, user: SessionUser, parties: readonly Party[], c: ResponseCase) {
  return parties.some((p) => userFillsParty(plan, user, p, c));
}

/** What a 403 says a party is: its label, else its role and scope; with the units it resolves to. */
export function partyLabel(
  plan: PlanData,
  party: Party,
  c?: ResponseCase,
  unitName?: (id: string) => string,
) {
  const base =
    party.label ??
    ([party.unit, party.scope, party.role ? ROLE_LABELS[party.role] : undefined]
      .filter((x) => x !== undefined)
      .join("·") ||
      "（预案未指定）");
  if (!c || !unitName || party.scope === undefined || party.scope === "any") {
    return base;
  }
  if (party.scope === "in_charge_of_category") {
    return base;
  }
  const units = partyUnitsLegacy(plan.profile, plan.org, party, partyContextOf(c));
  if (units.length === 0) {
    return base;
  }
  const names = units.map(unitName).join("、");
  return names === base ? base : `${base}（本事件：${names}）`;
}

export function partyLabels(
  plan: PlanData,
  parties: readonly Party[],
  c?: ResponseCase,
  unitName?: (id: string) => string,
): string[] {
  return [...new Set(parties.map((p) => partyLabel(plan, p, c, unitName)))];
}

/** The unit a user acted for when filling one of `parties` (the user's own unit if none resolves). */
export function actingUnit(plan: PlanData, user: SessionUser, parties: readonly Party[], c: ResponseCase) {
  for (const p of parties) {
    if (!userFillsParty(plan, user, p, c)) {
      continue;
    }
    if (p.unit !== undefined && p.scope === undefined) {
      return p.unit;
    }
    const units = partyUnitsLegacy(plan.profile, plan.org, p, partyContextOf(c));
    const found = units.find((u) => actsFor(plan.org, user.unitId, u));
    if (found) {
      return found;
    }
  }
  return user.unitId;
}

// ---------------------------------------------------------------------------------------------
// grades and levels
// ---------------------------------------------------------------------------------------------

/** The Chinese name of a grade or state (较大, 小于一般, 暂时无法判明). */
export function gradeName(profile: PlanProfile, grade: string): string {
  const level = profile.grading.levels.find((l) => l.id === grade);
  if (level) {
    return level.name;
  }
  if (profile.grading.belowLowest?.id === grade) {
    return profile.grading.belowLowest.name;
  }
  if (profile.grading.undetermined?.id === grade) {
    return profile.grading.undetermined.name;
  }
  return grade;
}

export function findResponseLevel(profile: PlanProfile, id: string): ResponseLevel | undefined {
  return profile.response.levels.find((l) => l.id === id);
}

/** The response levels, lowest first, for forms. */
export function responseLevels(profile: PlanProfile): ResponseLevel[] {
  return [...profile.response.levels].sort((a, b) => a.rank - b.rank);
}

export interface ActivationCheck {
  level: ResponseLevel | undefined;
  /** The level the grade maps to (000 §4.3.1), if any. */
  expected: ResponseLevel | undefined;
  /** True when the grade maps to the requested level; otherwise a reason must be recorded. */
  justified: boolean;
  errors: FieldError[];
}

/**
 * 000 §4.3.1: the response level follows the grade (Ⅲ for 小于一般, Ⅱ for 一般, Ⅰ for 较大及以上). A
 * different level is allowed — the plan itself names triggers beyond the grade ("有可能达到…",
 * "事态较为严重…") — but only with a recorded reason; an undetermined grade always needs one.
 */
export function checkActivation(
  profile: PlanProfile,
  grade: string,
  levelId: string,
  reason: string | undefined,
  path = "level",
): ActivationCheck {
  const level = findResponseLevel(profile, levelId);
  const expected = responseLevelFor(profile, grade);
  if (!level) {
    return {
      level,
      expected,
      justified: false,
      errors: [
        {
          path,
          message: `预案中没有响应级别“${levelId}”（可选：${responseLevels(profile)
            .map((l) => `${l.id} ${l.name}`)
            .join("、")}）`,
        },
      ],
    };
  }
  const justified = expected?.id === level.id;
  if (justified || (reason !== undefined && reason.trim() !== "")) {
    return { level, expected, justified, errors: [] };
  }
  const triggers = level.alsoWhen?.length ? `；预案另列的启动情形：${level.alsoWhen.join("；")}` : "";
  const message = expected
    ? `事件等级为“${gradeName(profile, grade)}”，按预案（${expected.source}）对应“${expected.name}”；启动“${level.name}”须填写理由${triggers}`
    : `事件等级“${gradeName(profile, grade)}”在预案中没有对应的响应级别（${level.source}），启动“${level.name}”须填写理由${triggers}`;
  return { level, expected, justified, errors: [{ path: "reason", message }] };
}

/** 000 §4.3 / §4.5: an upgrade goes to a higher level, a downgrade to a lower one. */
export function checkLevelChange(
  profile: PlanProfile,
  kind: "upgrade" | "downgrade",
  currentId: string,
  targetId: string,
): FieldError[] {
  const current = findResponseLevel(profile, currentId);
  const target = findResponseLevel(profile, targetId);
  if (!target) {
    return [{ path: "level", message: `预案中没有响应级别“${targetId}”` }];
  }
  if (!current) {
    return [];
  }
  if (kind === "upgrade" && target.rank <= current.rank) {
    return [
      {
        path: "level",
        message: `升级须高于当前的“${current.name}”（000 §4.3：超出处置能力时由上一级启动更高级别响应）`,
      },
    ];
  }
  if (kind === "downgrade" && target.rank >= current.rank) {
    return [{ path: "level", message: `降级须低于当前的“${current.name}”` }];
  }
  return [];
}

/**
 * Who may activate a level (000 §4.3.1 activatedBy), plus the special case's activators when one
 * applies (000 §4.3.1 市属企业、行业 events below 较大: 相关部门和属地街道).
 */
export function activators(profile: PlanProfile, level: ResponseLevel, c: ResponseCase): Party[] {
  const special = specialCaseOf(profile, c);
  return [...level.activatedBy, ...(special ? special.activatedBy : [])];
}

export function specialCaseOf(profile: PlanProfile, c: ResponseCase) {
  return specialResponseCase(profile, {
    subtypeId: c.subtypeId,
    level: c.grade,
    receivedAt: c.receivedAt,
    occurredAt: c.occurredAt,
    flags: c.flags,
  });
}

/**
 * Who decides an upgrade: the body that activates the higher level (000 §4.3: 由上一级应急管理机构
 * 决定是否启动更高级别的响应措施). A downgrade is decided by the body running the current level
 * (000 §4.3.2 第1项: 研究调整…应急响应等级 is the activating body's, up to the committee).
 */
export function levelChangeAuthority(
  profile: PlanProfile,
  kind: "upgrade" | "downgrade",
  current: ResponseLevel,
  target: ResponseLevel,
  c: ResponseCase,
): Party[] {
  return kind === "upgrade" ? activators(profile, target, c) : activators(profile, current, c);
}

/**
 * Luolong (002 §5.2): at 较大 and above the district asks the city to start the city plan. The
 * schema has no field for "ask the upper level"; the level's `mechanism` text says it (报请…). Read
 * here so the response records the request; a schema field would be better (told the lead).
 */
export function upperLevelRequest(level: ResponseLevel): string | undefined {
  return level.mechanism !== undefined && /报请/.test(level.mechanism) ? level.mechanism : undefined;
}

// ---------------------------------------------------------------------------------------------
// committee decisions (000 §4.3.2; 002 §5.1.2)
// ---------------------------------------------------------------------------------------------

/** Whether the decision mechanism applies: the grade, or the response level run for it (可能发生). */
export function decisionApplies(profile: PlanProfile, grade: string, level: ResponseLevel | undefined) {
  const rule = profile.response.committeeDecision;
  if (!rule) {
    return false;
  }
  return rule.grades.includes(grade) || (level?.grades ?? []).some((g) => rule.grades.includes(g));
}

/**
 * Who approves a committee decision: a trigger without `approvedBy` names who may start it alone
 * (000 §4.3.2: 区委、区政府主要领导认为有必要); otherwise its `approvedBy` (区应急委主任或区应急委会议).
 */
export function decisionApprovers(profile: PlanProfile): Party[] {
  return (profile.response.committeeDecision?.triggers ?? []).flatMap((t) => t.approvedBy ?? t.by);
}

/** Who may propose a decision (000 §4.3.2: 区应急办或区专项（或临时）应急指挥部提出建议). */
export function decisionProposers(profile: PlanProfile): Party[] {
  return (profile.response.committeeDecision?.triggers ?? [])
    .filter((t) => t.approvedBy !== undefined)
    .flatMap((t) => t.by);
}

// ---------------------------------------------------------------------------------------------
// command post (000 §4.4; 002 §5.4.3)
// ---------------------------------------------------------------------------------------------

/** 000 §4.4: a post is set up for 一般以上 events (the grade, or the level run for it). */
export function commandPostApplies(profile: PlanProfile, grade: string, level: ResponseLevel | undefined) {
  const grades = profile.response.commandPost.grades;
  return grades.includes(grade) || (level?.grades ?? []).some((g) => grades.includes(g));
}

/** Who sets the post up: §4.4 setUpBy, plus the level's commandPostBy (000 §4.3.1 Ⅱ级: HQ office). */
export function commandPostSetUpBy(profile: PlanProfile, level: ResponseLevel | undefined): Party[] {
  return [...profile.response.commandPost.setUpBy, ...(level?.commandPostBy ?? [])];
}

export interface GroupPlan {
  key: string;
  name: string;
  lead: { label: string; units: string[] }[];
  duties: string[];
  source: string;
}

/** The working groups of the profile (Chaoyang 7, Luolong 13) with lead units for this incident. */
export function groupsFor(plan: PlanData, c: ResponseCase): GroupPlan[] {
  return workingGroups(plan.profile).map((g) => ({
    key: g.id,
    name: g.name,
    lead: g.lead.map((p) => {
      const units = partyUnitsLegacy(plan.profile, plan.org, p, partyContextOf(c));
      return { label: p.label ?? units.join("、"), units };
    }),
    duties: [...g.duties],
    source: g.source,
  }));
}

export interface PostRoleInput {
  roleId: string;
  name: string;
  userId?: string | undefined;
}

/**
 * The post's roles against the profile (000 §4.4 实行指挥长负责制): every role id is one of the
 * profile's, the first role (指挥长 / 总指挥) is filled, and a role given to an account must be held
 * by someone the profile names for it.
 */
export function postRoleErrors(
  plan: PlanData,
  roles: readonly PostRoleInput[],
  usersById: ReadonlyMap<string, SessionUser>,
  c: ResponseCase,
  path = "roles",
): FieldError[] {
  const profileRoles = plan.profile.response.commandPost.roles;
  const errors: FieldError[] = [];
  const chief = profileRoles[0];
  roles.forEach((r, i) => {
    const rule = profileRoles.find((p) => p.id === r.roleId);
    if (!rule) {
      errors.push({
        path: `${path}.${i}.roleId`,
        message: `预案中现场指挥部没有“${r.roleId}”职位（可选：${profileRoles.map((p) => `${p.id} ${p.name}`).join("、")}）`,
      });
      return;
    }
    if (r.userId === undefined) {
      return;
    }
    const user = usersById.get(r.userId);
    if (!user) {
      errors.push({ path: `${path}.${i}.userId`, message: `用户 ${r.userId} 不存在` });
      return;
    }
    if (!fillsAny(plan, user, rule.heldBy, { ...c, commandPostUserIds: [] })) {
      errors.push({
        path: `${path}.${i}.userId`,
        message: `${rule.name}应由${partyLabels(plan, rule.heldBy).join("或")}担任（${rule.source}），${user.displayName}不符合`,
      });
    }
  });
  if (chief && !roles.some((r) => r.roleId === chief.id)) {
    errors.push({
      path,
      message: `现场指挥部实行${chief.name}负责制，须指定${chief.name}（${chief.source}）`,
    });
  }
  return errors;
}

/**
 * The public announcement of the post (002 §5.4.3: 名称、下设各工作组成员单位、设置地点、联系方式;
 * 000 §4.4 明显标识).
 */
export function announcementText(input: {
  incidentTitle: string;
  post: { name: string; address: string; contacts: string };
  roles: { name: string; holderName: string }[];
  groups: { name: string; leadNames: string[]; memberNames: string[] }[];
}): string {
  const roles = input.roles.map((r) => `${r.name}：${r.holderName}`).join("；");
  const groups = input.groups
    .map((g) => {
      const lead = g.leadNames.length > 0 ? `牵头单位：${g.leadNames.join("、")}` : "";
      const members = g.memberNames.length > 0 ? `成员单位：${g.memberNames.join("、")}` : "";
      const parts = [lead, members].filter((p) => p !== "").join("；");
      return parts ? `${g.name}（${parts}）` : g.name;
    })
    .join("、");
  return [
    `关于成立“${input.post.name}”的通告`,
    `为做好“${input.incidentTitle}”应急处置工作，现场指挥部已成立。`,
    `设置地点：${input.post.address}。`,
    roles ? `${roles}。` : "",
    groups ? `下设工作组：${groups}。` : "",
    input.post.contacts ? `联系方式：${input.post.contacts}。` : "",
    "到达现场的应急队伍、物资等资源，请首先向现场指挥部报到或登记，服从现场指挥部的统一调度。",
  ]
    .filter((l) => l !== "")
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// tasks (000 §4.6)
// ---------------------------------------------------------------------------------------------

export interface ChecklistItem {
  ref: string;
  no: number;
  text: string;
  source: string;
}

/** The §4.6 measures of the incident's category as task seeds (15 / 11 / 9; Luolong 12). */
export function checklistFor(profile: PlanProfile, categoryId: string): ChecklistItem[] {
  const list = measuresFor(profile, categoryId);
  if (!list) {
    return [];
  }
  return list.items.map((item) => ({
    ref: `${list.id}#${item.no}`,
    no: item.no,
    text: item.text,
    source: list.source,
  }));
}

/** A short task title from a long measure text: its first clause, at most `max` characters. */
export function measureTitle(text: string, max = 60): string {
  const first = text.split(/[，；。]/)[0] ?? text;
  const clause = first.length >= 8 ? first : text;
  return clause.length > max ? `${clause.slice(0, max - 1)}…` : clause;
}

export function isTaskOverdue(task: { status: string; due_at: string | null }, now: Date): boolean {
  return (
    (task.status === "pending" || task.status === "in_progress") &&
    task.due_at !== null &&
    new Date(task.due_at).getTime() <= now.getTime()
  );
}

// ---------------------------------------------------------------------------------------------
// end of response and assessment (000 §4.9; 002 §5.6)
// ---------------------------------------------------------------------------------------------

/**
 * The grade the end and the assessment follow: the incident's grade, or for an undetermined grade
 * the most severe grade of the level being run (its declarer is the one the plan names for it).
 */
export function effectiveGrade(profile: PlanProfile, grade: string, level: ResponseLevel | undefined) {
  if (levelRank(profile, grade) !== undefined || !level) {
    return grade;
  }
  const sorted = [...level.grades].sort(
    (a, b) => (levelRank(profile, b) ?? -1) - (levelRank(profile, a) ?? -1),
  );
  return sorted[0] ?? grade;
}

/** Who declares the end for the grade (000 §4.9), and who must approve it first (002 §5.6). */
export function endRule(profile: PlanProfile, grade: string, level: ResponseLevel | undefined) {
  return endDeclarers(profile, effectiveGrade(profile, grade, level));
}

/** Assessment deadlines from the end (000 §4.9: 较大以上 1 week, cap 1 month; 002 §5.6: 2 weeks). */
export function assessmentsAfterEnd(
  profile: PlanProfile,
  grade: string,
  level: ResponseLevel | undefined,
  endedAt: Date,
) {
  return assessmentDeadlines(profile, effectiveGrade(profile, grade, level), endedAt);
}

/** Every unit that took part (000 §4.9: 通知参与事件处置的各相关单位), without duplicates. */
export function participatingUnits(input: {
  activatingUnitId: string | null;
  leadDepartments: readonly string[];
  streetCode: string | null;
  groupUnits: readonly string[];
  taskUnits: readonly string[];
  checkinUnits: readonly string[];
}): string[] {
  return [
    ...new Set(
      [
        input.activatingUnitId,
        ...input.leadDepartments,
        input.streetCode,
        ...input.groupUnits,
        ...input.taskUnits,
        ...input.checkinUnits,
      ].filter((u): u is string => typeof u === "string" && u !== ""),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// timeliness of reporting (the assessment's 信息报送 evaluation, 000 §4.9)
// ---------------------------------------------------------------------------------------------

export interface DeadlineFacts {
  name: string;
  kind: string;
  round: number;
  dueAt: string;
  state: string;
  metAt: string | null;
  lateMinutes: number | null;
}

export interface TimelinessRow {
  name: string;
  dueAt: string;
  metAt: string | null;
  /** 按时 / 迟报 / 超时未报 / 待报 / 已取消. */
  verdict: "on_time" | "late" | "missed" | "pending" | "cancelled";
  /** Late (迟报, 超时未报) or early (按时) by this many whole minutes; null for pending/cancelled. */
  minutes: number | null;
}

export const VERDICT_LABELS: Record<TimelinessRow["verdict"], string> = {
  on_time: "按时",
  late: "迟报",
  missed: "超时未报",
  pending: "待报",
  cancelled: "已取消（不再适用）",
};

/** Every reporting deadline with met/late and minutes, as of `asOf`, in due order. */
export function timeliness(rows: readonly DeadlineFacts[], asOf: Date): TimelinessRow[] {
  return [...rows]
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.name.localeCompare(b.name))
    .map((d) => {
      const due = new Date(d.dueAt).getTime();
      const name = d.round > 1 ? `${d.name}（第 ${d.round} 次）` : d.name;
      if (d.state === "met" && d.metAt) {
        const late = d.lateMinutes ?? 0;
        if (late > 0) {
          return { name, dueAt: d.dueAt, metAt: d.metAt, verdict: "late", minutes: late };
        }
        const early = Math.floor((due - new Date(d.metAt).getTime()) / MINUTE);
        return { name, dueAt: d.dueAt, metAt: d.metAt, verdict: "on_time", minutes: Math.max(0, early) };
      }
      if (d.state === "cancelled") {
        return { name, dueAt: d.dueAt, metAt: null, verdict: "cancelled", minutes: null };
      }
      if (d.state === "overdue" || due < asOf.getTime()) {
        return {
          name,
          dueAt: d.dueAt,
          metAt: null,
          verdict: "missed",
          minutes: Math.ceil((asOf.getTime() - due) / MINUTE),
        };
      }
      return { name, dueAt: d.dueAt, metAt: null, verdict: "pending", minutes: null };
    });
}

// ---------------------------------------------------------------------------------------------
// situation report (续报) draft and the ICS-201-shaped briefing
// ---------------------------------------------------------------------------------------------

export interface SituationData {
  title: string;
  occurredAt: string;
  place: string;
  sourceLabel: string;
  description: string;
  categoryName: string;
  subtypeName: string;
  gradeName: string;
  figures: Record<string, number>;
  figureLabels: Record<string, string>;
  responseLevelName: string | null;
  responseActivatedAt: string | null;
  postName: string | null;
  postAddress: string | null;
  tasksDone: string[];
  tasksOpen: string[];
  overdueTasks: number;
  checkins: { kind: string; name: string; quantity: number | null }[];
  cordons: string[];
  decisions: string[];
  signer: string;
  provider: string;
  contact: string;
}

function casualtiesText(d: SituationData): string {
  const keys = ["deaths", "serious_injuries", "injuries", "missing", "trapped", "poisoned", "evacuated"];
  const parts = keys
    .filter((k) => d.figures[k] !== undefined)
    .map((k) => `${(d.figureLabels[k] ?? k).replace(/（.*）/, "")} ${d.figures[k]} 人`);
  return parts.length > 0 ? parts.join("，") : "暂无人员伤亡报告";
}

function lossesText(d: SituationData): string {
  const loss = d.figures.economic_loss_yuan;
  const households = d.figures.households;
  const parts = [
    loss !== undefined ? `直接经济损失约 ${loss} 元` : "",
    households !== undefined ? `受影响 ${households} 户` : "",
  ].filter((p) => p !== "");
  return parts.length > 0 ? parts.join("，") : "损失情况正在统计";
}

function measuresText(d: SituationData): string {
  const parts: string[] = [];
  if (d.responseLevelName && d.responseActivatedAt) {
    parts.push(`${beijingChinese(d.responseActivatedAt)}启动${d.responseLevelName}`);
  }
  if (d.postName) {
    parts.push(`成立${d.postName}${d.postAddress ? `（${d.postAddress}）` : ""}`);
  }
  if (d.cordons.length > 0) {
    parts.push(`划定${d.cordons.join("、")}`);
  }
  const teams = d.checkins.filter((c) => c.kind === "team").length;
  if (d.checkins.length > 0) {
    parts.push(`到场报到力量 ${d.checkins.length} 批（其中队伍 ${teams} 支）`);
  }
  if (d.tasksDone.length > 0) {
    parts.push(`已完成：${d.tasksDone.join("；")}`);
  }
  if (d.tasksOpen.length > 0) {
    parts.push(`正在开展：${d.tasksOpen.join("；")}`);
  }
  if (d.decisions.length > 0) {
    parts.push(`区应急委决策：${d.decisions.join("；")}`);
  }
  return parts.length > 0 ? `${parts.join("；")}。` : "正在组织先期处置。";
}

/**
 * A 续报 drafted from current data (issue 7 §4), keyed by the profile's required report fields
 * (000 §4.1: 时间、地点、信息来源、原因 …; 002 §3.3.3: 性质、严重程度 …). The mapping from field id to
 * data is by the ids the shipped profiles use; an unknown id is left empty for the officer to fill.
 */
export function situationDraft(profile: PlanProfile, d: SituationData): Record<string, string> {
  const trend =
    d.overdueTasks > 0
      ? `处置仍在进行，${d.overdueTasks} 项任务已超过时限，请现场指挥部研判`
      : d.tasksOpen.length > 0
        ? "事态正在控制中，处置工作持续进行"
        : "事态已基本得到控制";
  const byId: Record<string, string> = {
    time: beijingChinese(d.occurredAt),
    place: d.place,
    info_source: d.sourceLabel,
    cause: d.description ? `初步了解：${d.description}（原因正在调查）` : "原因正在调查",
    category: `${d.categoryName}·${d.subtypeName}`,
    nature: `${d.categoryName}·${d.subtypeName}`,
    casualties: casualtiesText(d),
    losses: lossesText(d),
    affected_area: d.cordons.length > 0 ? `${d.place}周边，已划定${d.cordons.join("、")}` : `${d.place}周边`,
    scope: d.cordons.length > 0 ? `${d.place}周边，已划定${d.cordons.join("、")}` : `${d.place}周边`,
    danger_level: `事件等级：${d.gradeName}${d.responseLevelName ? `，已启动${d.responseLevelName}` : ""}`,
    severity: `事件等级：${d.gradeName}`,
    trend,
    secondary_disasters: "正在排查次生、衍生灾害风险",
    measures_taken: measuresText(d),
    signer: d.signer,
    provider: d.provider,
    contact: d.contact,
  };
  return Object.fromEntries(profile.reporting.requiredFields.fields.map((f) => [f.id, byId[f.id] ?? ""]));
}

export interface Briefing {
  situation: string;
  objectives: string[];
  actions: string[];
  organisation: string[];
  resources: string[];
}

/**
 * An incident briefing in the ICS-201 shape (situation, objectives, actions, organisation,
 * resources), from the same data as the situation draft plus the post's groups.
 */
export function briefing(
  d: SituationData,
  organisation: { role: string; name: string }[],
  objectives: string[],
): Briefing {
  return {
    situation: `${beijingChinese(d.occurredAt)}，${d.place}发生${d.title}（${d.subtypeName}，${d.gradeName}）。${casualtiesText(
      d,
    )}；${lossesText(d)}。`,
    objectives,
    actions: [...d.tasksDone.map((t) => `已完成：${t}`), ...d.tasksOpen.map((t) => `进行中：${t}`)],
    organisation: organisation.map((o) => `${o.role}：${o.name}`),
    resources: d.checkins.map((c) => `${c.name}${c.quantity !== null ? ` × ${c.quantity}` : ""}`),
  };
}

/** The subtype's name, for labels. */
export function subtypeName(profile: PlanProfile, subtypeId: string): string {
  return findSubtype(profile, subtypeId)?.subtype.name ?? subtypeId;
}
