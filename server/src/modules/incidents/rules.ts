/**
 * Pure rules of the duty desk (issue 4): numbering, intake checks, which deadline rows an incident
 * needs, which deadlines a report meets, lateness, duplicates. Plan rules themselves (who leads, what
 * is due when) come from modules/plans/rules.ts; this file only applies them to incidents.
 * No SQL, no HTTP, no wall-clock reads: times come in as arguments.
 */
import { pinyin } from "pinyin-pro";
import { MAX_FUTURE_SKEW_MINUTES, type ReportKind } from "../../../../shared/incidents.js";
import type { IncidentFlag, Party, PlanProfile } from "../../../../shared/plan/schema.js";
import type { FieldError } from "../../errors.js";
import { distanceMeters, type LatLng } from "../geo/index.js";
import {
  type DueReport,
  findSubtype,
  type IncidentFacts,
  isUndetermined,
  levelRank,
  type PartyCase,
  type PlanData,
  partyUnits,
  reportingDeadlines,
  unitLabel,
} from "../plans/index.js";

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// numbers
// ---------------------------------------------------------------------------------------------

/** Pinyin conversion costs more than the rest of a registration's rules: once per profile. */
const prefixes = new WeakMap<PlanProfile, string>();

/**
 * The number prefix from the plan's district: pinyin initials of its name without the trailing
 * 区/县/市 (朝阳区 → CY, 洛龙区 → LL).
 */
export function numberPrefix(profile: PlanProfile): string {
  let prefix = prefixes.get(profile);
  if (prefix === undefined) {
    const name = profile.meta.district.name.replace(/[区县市旗]$/, "");
    const initials = pinyin(name, { pattern: "first", toneType: "none", type: "array" })
      .join("")
      .toUpperCase()
      .replace(/[^A-Z]/g, "");
    prefix = initials || profile.meta.district.code;
    prefixes.set(profile, prefix);
  }
  return prefix;
}

/** The year an incident is numbered in: the calendar year in Beijing time (Asia/Shanghai, no DST). */
export function numberingYear(at: Date): number {
  return new Date(at.getTime() + 8 * 60 * MINUTE).getUTCFullYear();
}

/** `CY-2026-000123`. */
export function formatIncidentNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// levels and intake checks
// ---------------------------------------------------------------------------------------------

/** A level id or state the profile knows (a grading level, below-lowest, undetermined). */
export function isKnownLevel(profile: PlanProfile, level: string): boolean {
  return levelRank(profile, level) !== undefined || isUndetermined(profile, level);
}

/** The display name of a level or state. */
export function levelName(profile: PlanProfile, level: string): string {
  const found = profile.grading.levels.find((l) => l.id === level);
  if (found) {
    return found.name;
  }
  if (profile.grading.belowLowest?.id === level) {
    return profile.grading.belowLowest.name;
  }
  if (profile.grading.undetermined?.id === level) {
    return profile.grading.undetermined.name;
  }
  return level;
}

/** Every level a person may choose, most severe first, then below-lowest and undetermined. */
export function levelChoices(profile: PlanProfile): { id: string; name: string }[] {
  const levels = [...profile.grading.levels]
    .sort((a, b) => b.rank - a.rank)
    .map((l) => ({ id: l.id, name: l.name }));
  const below = profile.grading.belowLowest;
  const undetermined = profile.grading.undetermined;
  return [
    ...levels,
    ...(below ? [{ id: below.id, name: below.name }] : []),
    ...(undetermined ? [{ id: undetermined.id, name: undetermined.name }] : []),
  ];
}

/** The level an incident starts with when nobody gave one: the undetermined state, else the lowest. */
export function defaultLevel(profile: PlanProfile): string {
  const undetermined = profile.grading.undetermined?.id;
  if (undetermined) {
    return undetermined;
  }
  const lowest = [...profile.grading.levels].sort((a, b) => a.rank - b.rank)[0];
  return lowest?.id ?? "undetermined";
}

export interface IntakeTimes {
  subtypeId: string;
  occurredAt: Date;
  receivedAt: Date;
  level?: string | undefined;
}

/**
 * What a schema cannot check about a registration, every problem named by field: the subtype and
 * level exist in the profile, occurrence is not after receipt, neither lies in the future beyond the
 * allowed clock skew.
 */
export function intakeErrors(profile: PlanProfile, input: IntakeTimes, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  if (!findSubtype(profile, input.subtypeId)) {
    errors.push({ path: "subtypeId", message: `预案中没有事件子类“${input.subtypeId}”` });
  }
  const latest = now.getTime() + MAX_FUTURE_SKEW_MINUTES * MINUTE;
  if (input.occurredAt.getTime() > input.receivedAt.getTime()) {
    errors.push({ path: "occurredAt", message: "发生时间不能晚于接报时间" });
  } else if (input.occurredAt.getTime() > latest) {
    errors.push({ path: "occurredAt", message: "发生时间不能晚于当前时间" });
  }
  if (input.receivedAt.getTime() > latest) {
    errors.push({ path: "receivedAt", message: "接报时间不能晚于当前时间" });
  }
  if (input.level !== undefined && !isKnownLevel(profile, input.level)) {
    errors.push({ path: "level", message: `预案中没有等级“${input.level}”` });
  }
  return errors;
}

/** Required report fields (000 §4.1) that are absent or blank, named by path `fields.<id>`. */
export function missingReportFields(profile: PlanProfile, fields: Record<string, string>): FieldError[] {
  return profile.reporting.requiredFields.fields
    .filter((f) => (fields[f.id] ?? "").trim() === "")
    .map((f) => ({ path: `fields.${f.id}`, message: `缺少必报内容“${f.name}”` }));
}

/** Report field ids the profile does not know (the body rejects unknown fields by name). */
export function unknownReportFields(profile: PlanProfile, fields: Record<string, string>): FieldError[] {
  const known = new Set(profile.reporting.requiredFields.fields.map((f) => f.id));
  return Object.keys(fields)
    .filter((k) => !known.has(k))
    .map((k) => ({ path: `fields.${k}`, message: `预案的报告内容中没有“${k}”` }));
}

// ---------------------------------------------------------------------------------------------
// deadlines
// ---------------------------------------------------------------------------------------------

export interface Recipient {
  label: string;
  units: string[];
}

export interface PlannedDeadline {
  ruleId: string;
  kind: string;
  name: string;
  dueAt: Date;
  recipients: Recipient[];
  source: string;
  round: number;
}

/** Resolves recipient parties to labels and unit ids for one incident. */
export function resolveRecipients(plan: PlanData, parties: readonly Party[], c: PartyCase): Recipient[] {
  return parties.map((p) => {
    const units = partyUnits(plan, p, c);
    const names = units.map((id) => unitLabel(plan.org, id));
    return { label: p.label ?? (names.join("、") || "相关单位"), units };
  });
}

/** The facts the plan rules need, from an incident's stored state. */
export interface IncidentState {
  subtypeId: string;
  level: string;
  occurredAt: Date;
  receivedAt: Date;
  verifiedAt?: Date | undefined;
  lastReportAt?: Date | undefined;
  handlingEndedAt?: Date | undefined;
  flags: readonly IncidentFlag[];
}

export function factsOf(s: IncidentState): IncidentFacts {
  return {
    subtypeId: s.subtypeId,
    level: s.level,
    occurredAt: s.occurredAt,
    receivedAt: s.receivedAt,
    flags: s.flags,
    ...(s.verifiedAt ? { verifiedAt: s.verifiedAt } : {}),
    ...(s.lastReportAt ? { previousReportAt: s.lastReportAt } : {}),
    ...(s.handlingEndedAt ? { handlingEndedAt: s.handlingEndedAt } : {}),
  };
}

/** The deadlines the profile sets for an incident now (those whose clock has started). */
export function dueReports(profile: PlanProfile, s: IncidentState): (DueReport & { dueAt: Date })[] {
  return reportingDeadlines(profile, factsOf(s)).filter(
    (d): d is DueReport & { dueAt: Date } => d.dueAt !== null,
  );
}

export interface ExistingDeadline {
  id: string;
  ruleId: string;
  state: string;
  round: number;
}

export type ReconcileTrigger = "registration" | "level" | "verification";

/**
 * Brings an incident's deadline rows in line with the profile after registration, a level change or
 * verification: rows for rules that now apply and have none are created; pending rows whose rule no
 * longer applies are cancelled (overdue and met rows stay as history).
 *
 * A rule that starts to apply because the level was raised later (e.g. 较大 → 立即报告区应急办, or
 * 重大 → 续报) cannot have been due before anyone knew: its clock starts when it became applicable,
 * so its due time is at least now + its minutes (gap reading of 000 §4.1 "能够判定为较大及以上的…立即报告").
 * Verification starts a clock (002 §3.3.2: 核实后1小时), so its rows are due from the verification time.
 */
export function reconcileDeadlines(
  profile: PlanProfile,
  s: IncidentState,
  existing: readonly ExistingDeadline[],
  now: Date,
  trigger: ReconcileTrigger,
  recipientsOf: (d: DueReport) => Recipient[],
): { create: PlannedDeadline[]; cancel: string[] } {
  const due = dueReports(profile, s);
  const applicable = new Set(reportingDeadlines(profile, factsOf(s)).map((d) => d.id));
  const byRule = new Map<string, ExistingDeadline[]>();
  for (const e of existing) {
    byRule.set(e.ruleId, [...(byRule.get(e.ruleId) ?? []), e]);
  }
  const create: PlannedDeadline[] = [];
  for (const d of due) {
    const rows = byRule.get(d.id) ?? [];
    // A rule gets one row; continuing reports get their next round when a report is filed.
    if (rows.some((r) => r.state !== "cancelled")) {
      continue;
    }
    let dueAt = d.dueAt;
    if (trigger === "level") {
      const rule = profile.reporting.deadlines.find((x) => x.id === d.id);
      const minutes = rule?.minutes ?? 0;
      const earliest = new Date(now.getTime() + minutes * MINUTE);
      if (dueAt.getTime() < earliest.getTime() && d.clockStart !== "occurrence") {
        dueAt = earliest;
      }
    }
    create.push({
      ruleId: d.id,
      kind: d.kind,
      name: d.name,
      dueAt,
      recipients: recipientsOf(d),
      source: d.source,
      round: rows.length + 1,
    });
  }
  const cancel = existing
    .filter((e) => e.state === "pending" && isProfileRule(profile, e.ruleId) && !applicable.has(e.ruleId))
    .map((e) => e.id);
  return { create, cancel };
}

function isProfileRule(profile: PlanProfile, ruleId: string): boolean {
  return (
    profile.reporting.deadlines.some((d) => d.id === ruleId) ||
    profile.reporting.notifications.some((n) => n.id === ruleId)
  );
}

/**
 * Which open deadline kinds a report of this kind meets (000 §4.1):
 * - 初报 meets the initial report, 立即报告, the undetermined-grade report to the city and every
 *   notification (the report is addressed to those recipients at the same time, "同时通报").
 * - 续报 meets the detailed report (详细信息, ≤2 h after occurrence), the current continuing round,
 *   the undetermined-grade report and written reports.
 * - 终报 meets all of those and ends continuing reports.
 */
export function kindsMetBy(kind: ReportKind): ReadonlySet<string> {
  switch (kind) {
    case "initial":
      return new Set(["initial", "immediate", "undetermined_grade", "notification"]);
    case "continuing":
      return new Set(["detailed", "continuing", "undetermined_grade", "written", "notification"]);
    case "final":
      return new Set(["detailed", "continuing", "undetermined_grade", "written", "final", "notification"]);
  }
}

/**
 * Whether a deadline rule is a report to the upper level that counts as sent only with a leader's
 * approval (000 §4.1 "在报请区应急委相关领导批准后…向市应急办报告"; the profile's reporting.upward.deadlines).
 */
export function needsUpwardApproval(profile: PlanProfile, ruleId: string): boolean {
  return profile.reporting.upward?.deadlines?.includes(ruleId) ?? false;
}

/** An open deadline row holding a report for a leader's approval (待领导批准上报). */
export function awaitsApproval(d: {
  state: string;
  approval_report_id: string | null;
  approved_at: string | null;
}): boolean {
  return (
    (d.state === "pending" || d.state === "overdue") &&
    d.approval_report_id !== null &&
    d.approved_at === null
  );
}

/** Whole minutes late, rounded up (30 s late is 1 minute late: 迟报); 0 when on time. */
export function lateMinutes(dueAt: Date, metAt: Date): number {
  const late = metAt.getTime() - dueAt.getTime();
  return late <= 0 ? 0 : Math.ceil(late / MINUTE);
}

/** Due time of the next continuing round after a report (000 §4.1: 每30分钟续报一次). */
export function nextContinuingDue(profile: PlanProfile, ruleId: string, reportAt: Date): Date | undefined {
  const rule = profile.reporting.deadlines.find((d) => d.id === ruleId);
  if (!rule?.recurrenceMinutes) {
    return undefined;
  }
  return new Date(reportAt.getTime() + rule.recurrenceMinutes * MINUTE);
}

// ---------------------------------------------------------------------------------------------
// duplicates
// ---------------------------------------------------------------------------------------------

export type Point = LatLng;

export interface DuplicateSettings {
  radiusM: number;
  windowMinutes: number;
}

export interface DuplicateProbe {
  subtypeId: string;
  occurredAt: Date;
  point?: Point | undefined;
  divisionCode?: string | undefined;
  streetCode?: string | undefined;
}

export interface DuplicateCandidate {
  id: string;
  number: string;
  subtypeId: string;
  occurredAt: Date;
  point?: Point | undefined;
  divisionCode?: string | undefined;
  streetCode?: string | undefined;
}

/** [minLat, minLng, maxLat, maxLng] of a square that contains every point within `radiusM`. */
export function boxAround(
  point: { lat: number; lng: number },
  radiusM: number,
): [number, number, number, number] {
  const dLat = radiusM / 111_320;
  const dLng = radiusM / (111_320 * Math.max(Math.cos((point.lat * Math.PI) / 180), 0.01));
  return [point.lat - dLat, point.lng - dLng, point.lat + dLat, point.lng + dLng];
}

/**
 * Open incidents that may be the same event: same subtype, occurred within the time window, and
 * within the radius when both have coordinates, else in the same division (or the same street when
 * one side only names its street).
 */
export function possibleDuplicates(
  probe: DuplicateProbe,
  open: readonly DuplicateCandidate[],
  settings: DuplicateSettings,
): { id: string; number: string; distanceM: number | null }[] {
  const windowMs = settings.windowMinutes * MINUTE;
  const out: { id: string; number: string; distanceM: number | null }[] = [];
  for (const c of open) {
    if (c.subtypeId !== probe.subtypeId) {
      continue;
    }
    if (Math.abs(c.occurredAt.getTime() - probe.occurredAt.getTime()) > windowMs) {
      continue;
    }
    if (probe.point && c.point) {
      const d = distanceMeters(probe.point, c.point);
      if (d <= settings.radiusM) {
        out.push({ id: c.id, number: c.number, distanceM: Math.round(d) });
      }
      continue;
    }
    const sameDivision = probe.divisionCode !== undefined && probe.divisionCode === c.divisionCode;
    const sameStreet = probe.streetCode !== undefined && probe.streetCode === c.streetCode;
    if (sameDivision || sameStreet) {
      out.push({ id: c.id, number: c.number, distanceM: null });
    }
  }
  return out;
}
