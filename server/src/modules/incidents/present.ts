/** Turns rows into the API's views (with the caller's allowed actions, STYLE: authority as a table). */
import { REPORT_KIND_LABELS, type ReportKind } from "../../../../shared/incidents.js";
import type { IncidentFlag, Metric } from "../../../../shared/plan/schema.js";
import type { SessionUser } from "../../authz/principal.js";
import { allowedActions } from "../../authz/registry.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { findSubtype, suggestLevel } from "../plans/index.js";
import { deadlinesOf, eventsOf, incidentsMergedInto, instructionsOf, reportsOf } from "./repository.js";
import { levelChoices, levelName, type Recipient } from "./rules.js";
import type { DeadlineView, IncidentDetail, IncidentSummary, InstructionView, ReportView } from "./schema.js";
import { incidentResource } from "./service.js";
import type {
  IncidentDeadlineTable,
  IncidentEventTable,
  IncidentInstructionTable,
  IncidentReportTable,
  IncidentTable,
} from "./tables.js";

const parse = <T>(s: string): T => JSON.parse(s) as T;

export function presentDeadline(
  d: IncidentDeadlineTable & { incident_number?: string; incident_title?: string },
): DeadlineView {
  return {
    id: d.id,
    incidentId: d.incident_id,
    ...(d.incident_number !== undefined ? { incidentNumber: d.incident_number } : {}),
    ...(d.incident_title !== undefined ? { incidentTitle: d.incident_title } : {}),
    ruleId: d.rule_id,
    kind: d.kind,
    name: d.name,
    round: Number(d.round),
    instructionId: d.instruction_id,
    dueAt: d.due_at,
    state: d.state,
    lateMinutes: d.late_minutes === null ? null : Number(d.late_minutes),
    metAt: d.met_at,
    metBy: d.met_by,
    overdueAt: d.overdue_at,
    escalatedAt: d.escalated_at,
    recipients: parse<Recipient[]>(d.recipients).map((r) => r.label),
    source: d.source,
  };
}

function unitName(ctx: AppContext, id: string): string {
  const u = ctx.plan.org.units.find((x) => x.id === id);
  return u?.short ?? u?.name ?? id;
}

/** Summaries of many incidents with one query (their deadlines), whatever the count. */
export async function presentSummaries(
  ctx: AppContext,
  db: Db,
  rows: IncidentTable[],
  viewer: SessionUser,
): Promise<IncidentSummary[]> {
  const deadlines = await deadlinesOf(
    db,
    rows.map((r) => r.id),
  );
  const byIncident = new Map<string, IncidentDeadlineTable[]>();
  for (const d of deadlines) {
    byIncident.set(d.incident_id, [...(byIncident.get(d.incident_id) ?? []), d]);
  }
  return Promise.all(rows.map((r) => presentSummary(ctx, r, byIncident.get(r.id) ?? [], viewer)));
}

async function presentSummary(
  ctx: AppContext,
  r: IncidentTable,
  deadlines: IncidentDeadlineTable[],
  viewer: SessionUser,
): Promise<IncidentSummary> {
  const profile = ctx.plan.profile;
  const division = r.division_code ? await ctx.units.get(r.division_code) : undefined;
  const found = findSubtype(profile, r.subtype_id);
  const category = profile.taxonomy.categories.find((c) => c.id === r.category_id);
  const figures = parse<Record<string, number>>(r.figures);
  const flags = parse<IncidentFlag[]>(r.flags);
  const suggestion = found
    ? suggestLevel(profile, r.subtype_id, figures as Partial<Record<Metric, number>>, flags)
    : { kind: "not_determinable" as const, reason: "预案中没有该事件子类" };
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    categoryId: r.category_id,
    categoryName: category?.name ?? r.category_id,
    subtypeId: r.subtype_id,
    subtypeName: found?.subtype.name ?? r.subtype_id,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    verifiedAt: r.verified_at,
    sourceChannel: r.source_channel,
    sourceDetail: r.source_detail,
    divisionCode: r.division_code,
    divisionName: division?.name ?? null,
    streetCode: r.street_code,
    address: r.address,
    location: r.lat !== null && r.lng !== null ? { lat: Number(r.lat), lng: Number(r.lng) } : null,
    figures,
    flags,
    description: r.description,
    level: r.level,
    levelName: levelName(profile, r.level),
    levelConfirmed: r.level_confirmed === 1,
    levelReason: r.level_reason,
    suggestedLevel:
      suggestion.kind === "suggested"
        ? {
            kind: "suggested",
            level: suggestion.level,
            levelName: levelName(profile, suggestion.level),
            reason: "按预案量化分级标准",
            criteria: suggestion.matched.map(
              (m) =>
                `${m.metric} = ${m.value}（${m.threshold.min !== undefined ? `≥${m.threshold.min}` : ""}${
                  m.threshold.max !== undefined ? ` <${m.threshold.max}` : ""
                }，${m.source}）`,
            ),
          }
        : {
            kind: "not_determinable",
            level: "state" in suggestion && suggestion.state ? suggestion.state : null,
            levelName:
              "state" in suggestion && suggestion.state ? levelName(profile, suggestion.state) : null,
            reason: suggestion.reason,
            criteria: profile.grading.criteriaSource ? [profile.grading.criteriaSource.text] : [],
          },
    leadDepartments: parse<string[]>(r.lead_departments).map((id) => ({ id, name: unitName(ctx, id) })),
    cooperatingDepartments: parse<string[]>(r.cooperating_departments).map((id) => ({
      id,
      name: unitName(ctx, id),
    })),
    status: r.status,
    mergedInto: r.merged_into,
    possibleDuplicates: parse<{ id: string; number: string; distanceM: number | null }[]>(
      r.possible_duplicates,
    ),
    handlingEndedAt: r.handling_ended_at,
    reporterName: r.reporter_name,
    reporterPhone: r.reporter_phone,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deadlines: deadlines.map(presentDeadline),
    allowedActions: allowedActions(viewer, "incident", incidentResource(ctx, r.subtype_id, r.street_code)),
  };
}

export function presentReport(r: IncidentReportTable): ReportView {
  return {
    id: r.id,
    incidentId: r.incident_id,
    seq: Number(r.seq),
    kind: r.kind,
    kindName: REPORT_KIND_LABELS[r.kind as ReportKind] ?? r.kind,
    fields: parse<Record<string, string>>(r.fields),
    addressees: parse<string[]>(r.addressees),
    metDeadlines: parse<string[]>(r.met_deadlines),
    unitName: r.unit_name,
    filedBy: r.filed_by,
    filedByName: r.filed_by_name,
    filedAt: r.filed_at,
    documentUrl: `/api/incidents/${r.incident_id}/reports/${r.id}.docx`,
  };
}

export function presentInstruction(
  ctx: AppContext,
  i: IncidentInstructionTable,
  names: ReadonlyMap<string, string> = new Map(),
): InstructionView {
  return {
    id: i.id,
    incidentId: i.incident_id,
    leader: i.leader,
    content: i.content,
    instructedAt: i.instructed_at,
    relayTo: parse<string[]>(i.relay_to).map((id) => ({ id, name: names.get(id) ?? unitName(ctx, id) })),
    feedback: parse<InstructionView["feedback"]>(i.feedback),
    recordedByName: i.recorded_by_name,
  };
}

/** What the detail view shows besides the incident row. */
export interface IncidentParts {
  deadlines: IncidentDeadlineTable[];
  events: IncidentEventTable[];
  /** Its own reports and those of the duplicates merged into it. */
  reports: IncidentReportTable[];
  instructions: IncidentInstructionTable[];
  merged: { id: string; number: string; title: string }[];
}

export async function loadParts(db: Db, id: string): Promise<IncidentParts> {
  const merged = await incidentsMergedInto(db, id);
  const [deadlines, events, reports, instructions] = await Promise.all([
    deadlinesOf(db, [id]),
    eventsOf(db, [id]),
    reportsOf(db, [id, ...merged.map((m) => m.id)]),
    instructionsOf(db, id),
  ]);
  return { deadlines, events, reports, instructions, merged };
}

/**
 * The full incident: summary, timeline, reports (its own and merged duplicates'), instructions. A
 * command that has just written all of it (registration) passes the parts instead of reading them.
 */
export async function presentDetail(
  ctx: AppContext,
  db: Db,
  row: IncidentTable,
  viewer: SessionUser,
  known?: IncidentParts,
): Promise<IncidentDetail> {
  const { deadlines, events, reports, instructions, merged } = known ?? (await loadParts(db, row.id));
  const summary = await presentSummary(ctx, row, deadlines, viewer);
  // Instructions may be relayed to streets and communities, whose names live in the org tree.
  const relayIds = [...new Set(instructions.flatMap((i) => parse<string[]>(i.relay_to)))];
  const relayNames = new Map((await ctx.units.many(relayIds)).map((u) => [u.id, u.short_name ?? u.name]));
  const profile = ctx.plan.profile;
  return {
    ...summary,
    timeline: events.map((e) => ({
      id: e.id,
      at: e.at,
      type: e.type,
      summary: e.summary,
      actorId: e.actor_id,
      actorName: e.actor_name,
      data: parse<Record<string, unknown>>(e.data),
    })),
    reports: reports.map(presentReport),
    instructions: instructions.map((i) => presentInstruction(ctx, i, relayNames)),
    mergedFrom: merged,
    requiredFields: profile.reporting.requiredFields.fields.map((f) => ({
      id: f.id,
      name: f.name,
      auxiliary: f.auxiliary === true,
    })),
    levelChoices: levelChoices(profile),
  };
}
