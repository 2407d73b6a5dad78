/**
 * Pure plan-profile rules (DESIGN §3): functions of (profile, data[, clock]) that every module asks
 * who leads, who approves and what is due when. No I/O, no wall-clock reads; times come in as data.
 * Section references (000 §x.y) point at seed 000, the Chaoyang general plan, whose reading the
 * shipped profile encodes; the functions themselves only read the profile, so they serve any plan.
 */
import type {
  AnyDispatchRule,
  AssessmentReport,
  Clause,
  Criterion,
  DispatchRule,
  Duration,
  IncidentFlag,
  Metric,
  Party,
  PlanProfile,
  ResponseLevel,
  Subtype,
  TeamDispatchRule,
  Threshold,
  WarningAction,
  WarningActionRule,
  WarningColour,
  WarningOrigin,
} from "../../../../shared/plan/schema.js";
import { INCIDENT_FLAGS, METRICS } from "../../../../shared/plan/schema.js";
import type { OrgFile } from "../org/index.js";

/** Thrown when a caller names something the profile does not define (a bug in the caller). */
export class PlanRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanRuleError";
  }
}

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// taxonomy
// ---------------------------------------------------------------------------------------------

/** The subtype and its category, or undefined. */
export function findSubtype(
  profile: PlanProfile,
  subtypeId: string,
): { categoryId: string; subtype: Subtype } | undefined {
  for (const category of profile.taxonomy.categories) {
    const subtype = category.subtypes.find((s) => s.id === subtypeId);
    if (subtype) {
      return { categoryId: category.id, subtype };
    }
  }
  return undefined;
}

function subtypeOrThrow(profile: PlanProfile, subtypeId: string): Subtype {
  const found = findSubtype(profile, subtypeId);
  if (!found) {
    throw new PlanRuleError(`预案中没有事件子类“${subtypeId}”`);
  }
  return found.subtype;
}

/** 主责部门 of a subtype (000 §2.7: 各类突发事件牵头处置部门为主责部门). */
export function leadDepartments(profile: PlanProfile, subtypeId: string): string[] {
  return [...subtypeOrThrow(profile, subtypeId).lead];
}

/** 协作部门 of a subtype (000 §2.7: 专项应急预案规定的参与处置部门为协作部门). */
export function cooperatingDepartments(profile: PlanProfile, subtypeId: string): string[] {
  return [...subtypeOrThrow(profile, subtypeId).cooperating];
}

/** The special HQ of a subtype; undefined means a temporary HQ is formed (000 §2.1.4). */
export function responsibleHq(profile: PlanProfile, subtypeId: string): string | undefined {
  return subtypeOrThrow(profile, subtypeId).hq;
}

// ---------------------------------------------------------------------------------------------
// grading: levels, states and 以上/以下
// ---------------------------------------------------------------------------------------------

/**
 * Severity rank of a level or state: levels by their rank, the below-lowest state 0 (000 §4.3.1
 * 小于一般), undefined for "not yet determinable" (000 §4.1 暂时无法判明等级) and unknown ids.
 */
export function levelRank(profile: PlanProfile, ref: string): number | undefined {
  const level = profile.grading.levels.find((l) => l.id === ref);
  if (level) {
    return level.rank;
  }
  if (profile.grading.belowLowest?.id === ref) {
    return 0;
  }
  return undefined;
}

/** True if `ref` is the "not yet determinable" state. */
export function isUndetermined(profile: PlanProfile, ref: string): boolean {
  return profile.grading.undetermined?.id === ref;
}

/** Orders two levels/states by severity (<0: a is less severe). Throws for undetermined or unknown. */
export function compareLevels(profile: PlanProfile, a: string, b: string): number {
  const ra = levelRank(profile, a);
  const rb = levelRank(profile, b);
  if (ra === undefined || rb === undefined) {
    throw new PlanRuleError(`无法比较等级“${a}”和“${b}”：等级未判明或不存在`);
  }
  return ra - rb;
}

/**
 * "X以上": 000 §8.1 item 16 — 以上 includes the level named (semantics.above = inclusive).
 * Undetermined levels are never "at least" anything.
 */
export function levelAtLeast(profile: PlanProfile, level: string, threshold: string): boolean {
  return levelMatchesPhrase(profile, level, threshold, "以上");
}

/** "X以下": 000 §8.1 item 16 — 以下 excludes the level named (semantics.below = exclusive). */
export function levelBelow(profile: PlanProfile, level: string, threshold: string): boolean {
  return levelMatchesPhrase(profile, level, threshold, "以下");
}

/**
 * Resolves a grade phrase of the plan. 及以上 / 及以下 include the level by their wording; 以上 / 以下
 * follow the profile's semantics (000 §8.1 item 16: 以上 inclusive, 以下 exclusive).
 */
export function levelMatchesPhrase(
  profile: PlanProfile,
  level: string,
  threshold: string,
  phrase: "以上" | "以下" | "及以上" | "及以下",
): boolean {
  const r = levelRank(profile, level);
  const t = levelRank(profile, threshold);
  if (r === undefined || t === undefined) {
    return false;
  }
  switch (phrase) {
    case "及以上":
      return r >= t;
    case "及以下":
      return r <= t;
    case "以上":
      return profile.grading.semantics.above === "inclusive" ? r >= t : r > t;
    case "以下":
      return profile.grading.semantics.below === "inclusive" ? r <= t : r < t;
  }
}

// ---------------------------------------------------------------------------------------------
// conditions
// ---------------------------------------------------------------------------------------------

/** The facts about an incident the rules need. Times are instants; the level may be a state id. */
export interface IncidentFacts {
  subtypeId?: string;
  /** A grading level id, the below-lowest state id or the undetermined state id. */
  level: string;
  receivedAt: Date;
  occurredAt: Date;
  verifiedAt?: Date;
  /** Time of the last report sent (drives continuing reports). */
  previousReportAt?: Date;
  /** Set once the response (emergency handling) has ended (000 §4.9). */
  handlingEndedAt?: Date;
  flags?: readonly IncidentFlag[];
}

function clauseHolds(profile: PlanProfile, clause: Clause, incident: IncidentFacts): boolean {
  if (clause.levels && !clause.levels.includes(incident.level)) {
    return false;
  }
  if (clause.levelAtLeast !== undefined && !levelAtLeast(profile, incident.level, clause.levelAtLeast)) {
    return false;
  }
  if (clause.flags) {
    const set = new Set(incident.flags ?? []);
    if (!clause.flags.every((f) => set.has(f))) {
      return false;
    }
  }
  if (
    clause.responseActive !== undefined &&
    clause.responseActive !== (incident.handlingEndedAt === undefined)
  ) {
    return false;
  }
  return true;
}

/** A `when` list holds if any clause holds; absent or empty always holds. */
export function whenHolds(
  profile: PlanProfile,
  when: readonly Clause[] | undefined,
  incident: IncidentFacts,
): boolean {
  if (!when || when.length === 0) {
    return true;
  }
  return when.some((c) => clauseHolds(profile, c, incident));
}

// ---------------------------------------------------------------------------------------------
// suggestLevel (002 annex style criteria)
// ---------------------------------------------------------------------------------------------

export type Figures = Partial<Record<Metric, number>>;

export interface MatchedThreshold {
  metric: Metric;
  value: number;
  threshold: Threshold;
  source: string;
}

export type LevelSuggestion =
  | { kind: "suggested"; level: string; matched: MatchedThreshold[] }
  | { kind: "not_determinable"; state?: string; reason: string };

function thresholdHolds(t: Threshold, value: number): boolean {
  if (t.min !== undefined && (t.minInclusive === false ? value <= t.min : value < t.min)) {
    return false;
  }
  if (t.max !== undefined && (t.maxInclusive === true ? value > t.max : value >= t.max)) {
    return false;
  }
  return true;
}

function criterionMatch(
  criterion: Criterion,
  figures: Figures,
  flags: ReadonlySet<IncidentFlag>,
  fallbackSource: string,
): MatchedThreshold[] | undefined {
  if (!criterion.all) {
    return undefined; // qualitative: shown to people, never auto-matched
  }
  if (criterion.requiresFlags && !criterion.requiresFlags.every((f) => flags.has(f))) {
    return undefined;
  }
  if (criterion.excludesFlags?.some((f) => flags.has(f))) {
    return undefined;
  }
  const matched: MatchedThreshold[] = [];
  for (const t of criterion.all) {
    const value = figures[t.metric];
    if (value === undefined || !thresholdHolds(t, value)) {
      return undefined;
    }
    matched.push({ metric: t.metric, value, threshold: t, source: criterion.source ?? fallbackSource });
  }
  return matched;
}

/**
 * Suggests a grade from reported figures using the subtype's quantitative criteria; a person
 * confirms it (DESIGN §3). The most severe matching level wins. Chaoyang has no criteria of its own
 * (000 §1.2.4 defers to national plans), so for it this always answers not-determinable.
 */
export function suggestLevel(
  profile: PlanProfile,
  subtypeId: string,
  figures: Figures,
  flags: readonly IncidentFlag[] = [],
): LevelSuggestion {
  subtypeOrThrow(profile, subtypeId);
  const undeterminedState = profile.grading.undetermined?.id;
  const sets = profile.grading.criteria.filter((c) => c.subtypes.includes(subtypeId));
  if (sets.length === 0) {
    return {
      kind: "not_determinable",
      state: undeterminedState,
      reason: "该事件子类在预案中没有量化分级标准",
    };
  }
  const flagSet = new Set(flags);
  const byRank = sets
    .flatMap((set) => set.levels.map((entry) => ({ entry, source: entry.source ?? set.source })))
    .sort((a, b) => (levelRank(profile, b.entry.level) ?? -1) - (levelRank(profile, a.entry.level) ?? -1));
  for (const { entry, source } of byRank) {
    for (const criterion of entry.any) {
      const matched = criterionMatch(criterion, figures, flagSet, source);
      if (matched) {
        return { kind: "suggested", level: entry.level, matched };
      }
    }
  }
  return { kind: "not_determinable", state: undeterminedState, reason: "已报数据不满足任何等级的量化标准" };
}

/**
 * What the intake form should ask about an incident of a subtype so its level can be suggested: the
 * figures and flags its grading criteria read (002 附件 地震: magnitude, 人口密集城区, 邻区).
 */
export function gradingInputs(
  profile: PlanProfile,
  subtypeId: string,
): { metrics: Metric[]; flags: IncidentFlag[] } {
  const metrics = new Set<Metric>();
  const flags = new Set<IncidentFlag>();
  for (const set of profile.grading.criteria.filter((c) => c.subtypes.includes(subtypeId))) {
    for (const criterion of set.levels.flatMap((l) => l.any)) {
      for (const t of criterion.all ?? []) {
        metrics.add(t.metric);
      }
      for (const f of [...(criterion.requiresFlags ?? []), ...(criterion.excludesFlags ?? [])]) {
        flags.add(f);
      }
    }
  }
  return {
    metrics: METRICS.filter((m) => metrics.has(m)),
    flags: INCIDENT_FLAGS.filter((f) => flags.has(f)),
  };
}

// ---------------------------------------------------------------------------------------------
// warnings
// ---------------------------------------------------------------------------------------------

/**
 * The rule for one warning action (000 §3.3.1): who may perform it (`by`, any one of them), who
 * must sign off first (`approvedBy`), recipients (`to`) and intermediaries (`via`). Undefined if
 * the plan gives nobody that authority (e.g. relayed red warnings have no filing step).
 */
export function warningAuthority(
  profile: PlanProfile,
  origin: WarningOrigin,
  colour: WarningColour,
  action: WarningAction,
): WarningActionRule | undefined {
  const entry = profile.warnings.authority.find((a) => a.origin === origin && a.colours.includes(colour));
  return entry?.[action];
}

/** Another plan governs this subtype's warnings (000 §3.3.1: 区防汛预警按区防汛应急预案执行). */
export function warningExclusion(profile: PlanProfile, subtypeId: string) {
  return profile.warnings.exclusions.find((e) => e.subtypes.includes(subtypeId));
}

/** Warning response per colour (000 §3.3.2). */
export function warningResponse(profile: PlanProfile, colour: WarningColour) {
  return profile.warnings.response.find((r) => r.colours.includes(colour));
}

/** Compares warning colours by rank (<0: a is lower); blue < yellow < orange < red (000 §3.3). */
export function compareColours(profile: PlanProfile, a: WarningColour, b: WarningColour): number {
  const rank = (c: WarningColour) => {
    const found = profile.warnings.colours.find((x) => x.id === c);
    if (!found) {
      throw new PlanRuleError(`预案中没有预警颜色“${c}”`);
    }
    return found.rank;
  };
  return rank(a) - rank(b);
}

// ---------------------------------------------------------------------------------------------
// response
// ---------------------------------------------------------------------------------------------

/**
 * The response level a grade maps to (000 §4.3.1: Ⅲ for 小于一般, Ⅱ for 一般, Ⅰ for 较大及以上).
 * Undefined for an undetermined grade — a person decides.
 */
export function responseLevelFor(profile: PlanProfile, level: string): ResponseLevel | undefined {
  return profile.response.levels.find((r) => r.grades.includes(level));
}

/** A special case that overrides the grade mapping (000 §4.3.1: 市属企业 events below 较大). */
export function specialResponseCase(profile: PlanProfile, incident: IncidentFacts) {
  return profile.response.specialCases.find((c) => whenHolds(profile, c.when, incident));
}

/** The on-site command post's working groups (000 §4.4: seven groups). */
export function workingGroups(profile: PlanProfile) {
  return profile.response.commandPost.groups;
}

/** The measures checklist for a category (000 §4.6: 15 / 11 / 9 measures). */
export function measuresFor(profile: PlanProfile, categoryId: string) {
  return profile.response.measures.find((m) => m.categories.includes(categoryId));
}

/** Who may declare the end of the response for a grade (000 §4.9). */
export function endDeclarers(profile: PlanProfile, level: string) {
  return profile.endOfResponse.declarers.find((d) => d.levels.includes(level));
}

// ---------------------------------------------------------------------------------------------
// assessment
// ---------------------------------------------------------------------------------------------

const SHANGHAI_OFFSET_MS = 8 * 60 * MINUTE; // Asia/Shanghai has no DST

/** Adds a duration; months and years follow the calendar in the plan's zone (Asia/Shanghai). */
export function addDuration(at: Date, d: Duration): Date {
  const t = at.getTime();
  switch (d.unit) {
    case "minutes":
      return new Date(t + d.value * MINUTE);
    case "hours":
      return new Date(t + d.value * 60 * MINUTE);
    case "days":
      return new Date(t + d.value * 24 * 60 * MINUTE);
    case "weeks":
      return new Date(t + d.value * 7 * 24 * 60 * MINUTE);
    case "months":
    case "years": {
      const months = d.unit === "months" ? d.value : d.value * 12;
      const local = new Date(t + SHANGHAI_OFFSET_MS);
      const day = local.getUTCDate();
      local.setUTCDate(1);
      local.setUTCMonth(local.getUTCMonth() + months);
      const lastDay = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
      local.setUTCDate(Math.min(day, lastDay));
      return new Date(local.getTime() - SHANGHAI_OFFSET_MS);
    }
  }
}

export interface AssessmentDue {
  id: string;
  name: string;
  mandatory: boolean;
  /** 原则上 target. */
  targetAt: Date;
  /** 最迟 hard cap. */
  hardCapAt?: Date;
  lead: Party[];
  to: Party[];
  source: string;
  gap?: string;
}

/**
 * Assessment reports due after handling ends (000 §4.9). For Chaoyang the profile reads the
 * 1-week / 2-week / 1-month sentences as: 较大以上 mandatory, target 1 week, cap 1 month;
 * 一般 optional, target 2 weeks, cap 1 month.
 */
export function assessmentDeadlines(profile: PlanProfile, level: string, endedAt: Date): AssessmentDue[] {
  return profile.endOfResponse.reports
    .filter((r: AssessmentReport) => r.levels.includes(level))
    .map((r) => ({
      id: r.id,
      name: r.name,
      mandatory: r.mandatory,
      targetAt: addDuration(endedAt, r.target),
      ...(r.hardCap ? { hardCapAt: addDuration(endedAt, r.hardCap) } : {}),
      lead: r.lead,
      to: r.to,
      source: r.source,
      ...(r.gap ? { gap: r.gap } : {}),
    }));
}

// ---------------------------------------------------------------------------------------------
// resources
// ---------------------------------------------------------------------------------------------

function sameHolder(org: OrgFile | undefined, a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  if (!org) {
    return false;
  }
  // A special HQ and the department hosting its office hold the same stock (000 §2.1.5).
  const ua = org.units.find((u) => u.id === a);
  const ub = org.units.find((u) => u.id === b);
  return ua?.officeIn === b || ub?.officeIn === a;
}

/**
 * The approval steps to dispatch supplies (000 §6.7): a unit's own district supplies → that HQ or
 * department dispatches; another unit's → request, emergency-office review, committee-leader
 * approval, dispatch order; a city department or another district asking → the committee
 * coordinates. `org` lets the rule recognise external requesters and HQ/office-host pairs.
 */
export function dispatchApproval(
  profile: PlanProfile,
  requestingUnitId: string,
  owningUnitId: string,
  org?: OrgFile,
): DispatchRule {
  const requester = org?.units.find((u) => u.id === requestingUnitId);
  let wanted: DispatchRule["case"];
  if (requester?.type === "external") {
    wanted = "external_request";
  } else if (sameHolder(org, requestingUnitId, owningUnitId)) {
    wanted = "own";
  } else {
    wanted = "other_unit";
  }
  const rule = profile.resources.supplyDispatch.find((r) => r.case === wanted);
  if (!rule) {
    throw new PlanRuleError(`预案没有规定“${wanted}”情形的物资调用审批`);
  }
  return rule;
}

/**
 * The steps to dispatch a team (000 §6.2 “在区应急委领导下，区应急办统筹全区应急队伍的调度”): the
 * comprehensive rescue team through the emergency office; a unit's own professional team by its HQ
 * or department; another unit's team through its 行业主管部门 or the office; volunteers by the unit
 * that formed them; the army, armed police and militia by their own procedure; a request from outside
 * the district through the committee. A case the profile does not write falls back to own/other_unit
 * (comprehensive, volunteer) or is refused; a profile without `teamDispatch` uses `supplyDispatch`.
 */
export function teamDispatchRule(
  profile: PlanProfile,
  teamKind: string,
  requestingUnitId: string,
  owningUnitId: string,
  org?: OrgFile,
): AnyDispatchRule {
  const rules = profile.resources.teamDispatch;
  if (!rules) {
    return dispatchApproval(profile, requestingUnitId, owningUnitId, org);
  }
  const requester = org?.units.find((u) => u.id === requestingUnitId);
  const same = sameHolder(org, requestingUnitId, owningUnitId);
  const wanted: TeamDispatchRule["case"][] =
    requester?.type === "external"
      ? ["external_request"]
      : teamKind === "armed"
        ? ["armed_forces"]
        : teamKind === "comprehensive"
          ? ["comprehensive", same ? "own" : "other_unit"]
          : teamKind === "volunteer" && !same
            ? ["volunteer", "other_unit"]
            : [same ? "own" : "other_unit"];
  for (const c of wanted) {
    const rule = rules.find((r) => r.case === c);
    if (rule) {
      return rule;
    }
  }
  throw new PlanRuleError(`预案没有规定“${wanted[0]}”情形的队伍调派`);
}
