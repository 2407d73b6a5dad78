/**
 * Pure rules of emergency response and on-site command (issue 7; 000 §4.2–§4.9, 002 §5). Functions
 * of (profile, org, data[, now]); no SQL, no HTTP, no clock of their own. Plan rules come from
 * modules/plans/rules.ts (responseLevelFor, workingGroups, measuresFor, endDeclarers,
 * assessmentDeadlines) and who fills a party from modules/plans/parties.ts; what the shared rules do
 * not cover is written here over `ctx.plan.profile`, with a comment saying why.
 */

import type { IncidentFlag, Party, PlanProfile, ResponseLevel } from "../../../../shared/plan/schema.js";
import type { SessionUser } from "../../authz/principal.js";
import type { FieldError } from "../../errors.js";
import {
  assessmentDeadlines,
  EMERGENCY_OFFICE,
  endDeclarers,
  fillsAny,
  findSubtype,
  levelRank,
  measuresFor,
  type PartyCase,
  type PlanData,
  partyLabels,
  partyUnits,
  responseLevelFor,
  specialResponseCase,
  workingGroups,
} from "../plans/index.js";

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

/** What a response knows for the party resolver: the incident's subtype and street, and the response's units and post. */
export function responsePartyCase(c: {
  subtypeId: string;
  streetCode: string | null;
  activatingUnitId?: string | undefined;
  participatingUnitIds?: readonly string[] | undefined;
  commandPostUserIds?: readonly string[] | undefined;
}): PartyCase {
  return {
    subtypeId: c.subtypeId,
    streetCodes: c.streetCode ? [c.streetCode] : [],
    activatingUnitId: c.activatingUnitId,
    participatingUnitIds: c.participatingUnitIds,
    commandPostUserIds: c.commandPostUserIds,
  };
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
      const units = partyUnits(plan, p, responsePartyCase(c));
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
    if (!fillsAny(plan, user, rule.heldBy, responsePartyCase({ ...c, commandPostUserIds: [] }))) {
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

export function subtypeName(profile: PlanProfile, subtypeId: string): string {
  return findSubtype(profile, subtypeId)?.subtype.name ?? subtypeId;
}

/**
 * Who records a decision started this way (000 §4.3.2): a leader starting it alone is one the trigger
 * without `approvedBy` names; a proposal is approved by the triggers' `approvedBy`. Without a trigger
 * (the workspace's offer), anyone who may do either; the raw list is what `approvedAs` is read from.
 */
export function decisionParties(profile: PlanProfile, trigger: "leader" | "proposal"): Party[] {
  const triggers = profile.response.committeeDecision?.triggers ?? [];
  return trigger === "leader"
    ? triggers.filter((t) => t.approvedBy === undefined).flatMap((t) => t.by)
    : triggers.flatMap((t) => t.approvedBy ?? []);
}

export function decisionDeciders(profile: PlanProfile, trigger: "leader" | "proposal" | undefined): Party[] {
  const parties = trigger === undefined ? [] : decisionParties(profile, trigger);
  return parties.length > 0 ? parties : decisionApprovers(profile);
}

/** Parties who draft the assessment: the lead of its report rules, and the emergency office (000 §4.9). */
export function assessmentEditors(
  profile: PlanProfile,
  grade: string,
  level: ResponseLevel | undefined,
): Party[] {
  const reports = profile.endOfResponse.reports.filter(
    (r) => r.levels.includes(grade) || (level?.grades ?? []).some((g) => r.levels.includes(g)),
  );
  const lead = reports.flatMap((r) => r.lead);
  return [
    ...(lead.length > 0 ? lead : [{ scope: "lead_department" as const, label: "专业处置主责部门" }]),
    EMERGENCY_OFFICE,
  ];
}

// ---------------------------------------------------------------------------------------------
// the end announced outside the district (000 §4.9)
// ---------------------------------------------------------------------------------------------

export interface EndAnnouncementInput {
  unitId: string;
  announcedAt: string;
  docNo: string;
}

/** The units that may have announced the end (announcedBy: the org file's units of that type). */
export function announcingUnits(plan: PlanData, rule: EndRule | undefined): { id: string; name: string }[] {
  const by = rule?.announcedBy;
  if (!by) {
    return [];
  }
  return plan.org.units
    .filter((u) => u.type === by.unitType)
    .map((u) => ({ id: u.id, name: u.short ?? u.name }));
}

type EndRule = NonNullable<ReturnType<typeof endDeclarers>>;

/**
 * 000 §4.9 “一般突发事件由启动应急响应的区相关专项应急指挥部办公室、相关部门宣布应急结束。较大以上突发事件
 * 由启动应急响应的市属部门宣布应急结束”: where the profile's rule has `announcedBy`, the end is the record
 * of that body's announcement (who, when, 文号), which must be given; elsewhere the district declares
 * the end itself and no announcement is entered.
 */
export function endAnnouncementErrors(
  plan: PlanData,
  rule: EndRule | undefined,
  announcement: EndAnnouncementInput | undefined,
  activatedAt: Date | undefined,
  now: Date,
): FieldError[] {
  const by = rule?.announcedBy;
  if (!rule) {
    return [];
  }
  if (!by) {
    return announcement
      ? [
          {
            path: "announcement",
            message: `本级事件由${partyLabels(plan, rule.by).join("或")}宣布应急结束（${rule.source}），不录入外部单位的宣布`,
          },
        ]
      : [];
  }
  if (!announcement) {
    return [
      {
        path: "announcement",
        message: `应急结束由${by.label}宣布（${rule.source}）：请录入宣布的单位、宣布时间和文号`,
      },
    ];
  }
  const errors: FieldError[] = [];
  if (!announcingUnits(plan, rule).some((u) => u.id === announcement.unitId)) {
    errors.push({
      path: "announcement.unitId",
      message: `“${announcement.unitId}”不是组织文件中的外部单位，应急结束应由${by.label}宣布（${rule.source}）`,
    });
  }
  const at = new Date(announcement.announcedAt);
  if (at.getTime() > now.getTime() + 5 * 60_000) {
    errors.push({ path: "announcement.announcedAt", message: "宣布时间不能晚于当前时间" });
  } else if (activatedAt && at.getTime() < activatedAt.getTime()) {
    errors.push({ path: "announcement.announcedAt", message: "宣布时间不能早于启动应急响应的时间" });
  }
  if (announcement.docNo.trim() === "") {
    errors.push({ path: "announcement.docNo", message: "请填写宣布应急结束的文号" });
  }
  return errors;
}
