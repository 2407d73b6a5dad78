/**
 * Reporting rules of a plan profile (000 §4.1; 002 §3.2; 004): what is due by when for an incident,
 * which reports are overdue at a clock's now, and leader-instruction feedback deadlines. Pure.
 */
import type { Deadline, Party, PlanProfile } from "../../../../shared/plan/schema.js";
import type { Clock } from "../../clock.js";
import { type IncidentFacts, whenHolds } from "./rules.js";

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// reporting
// ---------------------------------------------------------------------------------------------

export interface DueReport {
  id: string;
  kind: Deadline["kind"] | "notification";
  name: string;
  clockStart: Deadline["clockStart"] | undefined;
  /** null: the clock has not started yet (e.g. awaiting verification) or there is no numeric limit. */
  dueAt: Date | null;
  by: Party[];
  recipients: Party[];
  recurrenceMinutes?: number;
  together?: boolean;
  source: string;
}

function clockStartTime(deadlineStart: Deadline["clockStart"], incident: IncidentFacts): Date | undefined {
  switch (deadlineStart) {
    case "receipt":
      return incident.receivedAt;
    case "occurrence":
      return incident.occurredAt;
    case "verification":
      return incident.verifiedAt;
    case "previous_report":
      // 000 §4.1 每30分钟续报一次: counted from the last report, or from receipt before any.
      return incident.previousReportAt ?? incident.receivedAt;
    case "instruction":
      return undefined;
  }
}

function addMinutes(at: Date | undefined, minutes: number): Date | null {
  return at === undefined ? null : new Date(at.getTime() + minutes * MINUTE);
}

/**
 * Every report and notification due for an incident, with its clock start (000 §4.1): initial ≤10
 * min after receipt; detailed ≤2 h after occurrence; 较大+/important/key area or special period →
 * immediately to the office; undetermined grade → city ≤30 min after receipt; 重大/特别重大 still
 * being handled → continuing every 30 min; notifications (宣传部; 台办+外办 together …).
 */
export function reportingDeadlines(profile: PlanProfile, incident: IncidentFacts): DueReport[] {
  const out: DueReport[] = [];
  const dueById = new Map<string, Date | null>();
  for (const d of profile.reporting.deadlines) {
    if (!whenHolds(profile, d.when, incident)) {
      continue;
    }
    const dueAt = addMinutes(clockStartTime(d.clockStart, incident), d.minutes);
    dueById.set(d.id, dueAt);
    out.push({
      id: d.id,
      kind: d.kind,
      name: d.name,
      clockStart: d.clockStart,
      dueAt,
      by: d.by,
      recipients: d.to,
      ...(d.recurrenceMinutes !== undefined ? { recurrenceMinutes: d.recurrenceMinutes } : {}),
      source: d.source,
    });
  }
  for (const n of profile.reporting.notifications) {
    if (!whenHolds(profile, n.when, incident)) {
      continue;
    }
    let dueAt: Date | null = null;
    if (n.dueWith !== undefined) {
      dueAt = dueById.get(n.dueWith) ?? null;
    } else if (n.clockStart !== undefined && n.minutes !== undefined) {
      dueAt = addMinutes(clockStartTime(n.clockStart, incident), n.minutes);
    }
    out.push({
      id: n.id,
      kind: "notification",
      name: n.name,
      clockStart: n.clockStart,
      dueAt,
      by: n.by,
      recipients: n.to,
      ...(n.together ? { together: true } : {}),
      source: n.source,
    });
  }
  return out;
}

/**
 * The reports of `reports` not yet done whose deadline has passed at the clock's now (000 §7.1:
 * 迟报 is sanctioned). Reports without a numeric deadline are never overdue.
 */
export function overdueReports(
  reports: readonly DueReport[],
  done: ReadonlySet<string>,
  clock: Clock,
): DueReport[] {
  const now = clock.now().getTime();
  return reports.filter((r) => !done.has(r.id) && r.dueAt !== null && r.dueAt.getTime() < now);
}

/** Leader-instruction (批示) feedback deadlines, if the plan has any (004: phone 20 / written 40 min). */
export function instructionFeedbackDeadlines(
  profile: PlanProfile,
  instructedAt: Date,
): { channel: "phone" | "written"; dueAt: Date; source: string }[] {
  return (profile.reporting.instructionFeedback ?? []).map((r) => ({
    channel: r.channel,
    dueAt: new Date(instructedAt.getTime() + r.minutes * MINUTE),
    source: r.source,
  }));
}
