/** Turns rows into the API's views (with the caller's allowed actions, STYLE: authority as a table). */
import { REPORT_KIND_LABELS, type ReportKind } from "../../../../shared/incidents.js";
import type { Metric } from "../../../../shared/plan/schema.js";
import { allowedActions } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { findSubtype, suggestLevel } from "../plans/index.js";
import { incidentPolicy, incidentResource } from "./policy.js";
import {
  type Incident,
  type IncidentDeadline,
  type IncidentInstruction,
  type IncidentParts,
  type IncidentReport,
  instructionRelays,
  loadParts,
  readDeadlines,
} from "./repository.js";
import { awaitsApproval, levelChoices, levelName } from "./rules.js";
import type { DeadlineView, IncidentDetail, IncidentSummary, InstructionView, ReportView } from "./schema.js";

export function presentDeadline(
  d: IncidentDeadline & { incident_number?: string; incident_title?: string },
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
    awaitingApproval: awaitsApproval(d),
    approvedAt: d.approved_at,
    approvedByName: d.approved_by_name,
    recipients: d.recipients.map((r) => r.label),
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
  rows: Incident[],
  viewer: SessionUser,
): Promise<IncidentSummary[]> {
  const ids = rows.map((r) => r.id);
  // The relay lists decide who may feed back on an instruction (allowedActions: feedback).
  const [deadlines, relays] = await Promise.all([readDeadlines(db, ids), instructionRelays(db, ids)]);
  const byIncident = new Map<string, IncidentDeadline[]>();
  for (const d of deadlines) {
    byIncident.set(d.incident_id, [...(byIncident.get(d.incident_id) ?? []), d]);
  }
  return Promise.all(
    rows.map((r) => presentSummary(ctx, r, byIncident.get(r.id) ?? [], relays.get(r.id) ?? [], viewer)),
  );
}

async function presentSummary(
  ctx: AppContext,
  r: Incident,
  deadlines: IncidentDeadline[],
  relays: readonly (readonly string[])[],
  viewer: SessionUser,
): Promise<IncidentSummary> {
  const profile = ctx.plan.profile;
  const division = r.division_code ? await ctx.units.get(r.division_code) : undefined;
  const found = findSubtype(profile, r.subtype_id);
  const category = profile.taxonomy.categories.find((c) => c.id === r.category_id);
  const { figures, flags } = r;
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
    leadDepartments: r.lead_departments.map((id) => ({ id, name: unitName(ctx, id) })),
    cooperatingDepartments: r.cooperating_departments.map((id) => ({
      id,
      name: unitName(ctx, id),
    })),
    status: r.status,
    mergedInto: r.merged_into,
    possibleDuplicates: r.possible_duplicates,
    handlingEndedAt: r.handling_ended_at,
    reporterName: r.reporter_name,
    reporterPhone: r.reporter_phone,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deadlines: deadlines.map(presentDeadline),
    allowedActions: allowedActions(
      incidentPolicy,
      viewer,
      incidentResource(ctx.plan, r, relays, deadlines.filter(awaitsApproval).length),
    ),
  };
}

export function presentReport(r: IncidentReport): ReportView {
  return {
    id: r.id,
    incidentId: r.incident_id,
    seq: Number(r.seq),
    kind: r.kind,
    kindName: REPORT_KIND_LABELS[r.kind as ReportKind] ?? r.kind,
    fields: r.fields,
    addressees: r.addressees,
    metDeadlines: r.met_deadlines,
    unitName: r.unit_name,
    filedBy: r.filed_by,
    filedByName: r.filed_by_name,
    filedAt: r.filed_at,
    documentUrl: `/api/incidents/${r.incident_id}/reports/${r.id}.docx`,
  };
}

export function presentInstruction(
  ctx: AppContext,
  i: IncidentInstruction,
  names: ReadonlyMap<string, string> = new Map(),
): InstructionView {
  return {
    id: i.id,
    incidentId: i.incident_id,
    leader: i.leader,
    content: i.content,
    instructedAt: i.instructed_at,
    relayTo: i.relay_to.map((id) => ({ id, name: names.get(id) ?? unitName(ctx, id) })),
    feedback: i.feedback,
    recordedByName: i.recorded_by_name,
  };
}

/**
 * The full incident: summary, timeline, reports (its own and merged duplicates'), instructions. A
 * command that has just written all of it (registration) passes the parts instead of reading them.
 */
export async function presentDetail(
  ctx: AppContext,
  db: Db,
  row: Incident,
  viewer: SessionUser,
  known?: IncidentParts,
): Promise<IncidentDetail> {
  const { deadlines, events, reports, instructions, merged } = known ?? (await loadParts(db, row.id));
  const relays = instructions.map((i) => i.relay_to);
  const summary = await presentSummary(ctx, row, deadlines, relays, viewer);
  // Instructions may be relayed to streets and communities, whose names live in the org tree.
  const relayIds = [...new Set(relays.flat())];
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
      data: e.data,
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
