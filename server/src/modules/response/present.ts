/**
 * The live incident workspace (issue 7 §4): incident, response and its level history, decisions,
 * command post with groups, handovers, check-ins and cordons, tasks, assessment deadlines, reporting
 * timeliness, timeline, reports, dispatches and warnings — with the caller's allowed actions from the
 * plan profile, so the UI shows buttons from server truth.
 */
import { FIGURE_LABELS, SOURCE_CHANNEL_LABELS, type SourceChannel } from "../../../../shared/incidents.js";
import { can } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { deadlinesOf, eventsOf, loadIncident, reportsOf } from "../incidents/index.js";
import { partyLabels, partyUnits, unitLabel } from "../plans/index.js";
import { dispatchesOfIncident } from "../resources/index.js";
import { publishedWarningsOfSubtype } from "../warnings/index.js";
import { type Loaded, loadCase, type Namer, planOf, responseResource, taskUnits, unitNamer } from "./case.js";
import { type ResponseResource, responseOffer, responsePolicy } from "./policy.js";
import {
  assessmentsOf,
  type CommandGroup,
  checkinsOf,
  cordonsOf,
  decisionsOf,
  handoversOf,
  levelChangesOf,
  type ResponseTask,
  tasksOf,
} from "./repository.js";
import {
  activators,
  announcementText,
  announcingUnits,
  checklistFor,
  decisionApplies,
  decisionProposers,
  endRule,
  gradeName,
  groupsFor,
  isTaskOverdue,
  responseLevels,
  responsePartyCase,
  subtypeName,
  upperLevelRequest,
} from "./rules.js";
import type { DecisionView, PostView, TaskView, WorkspaceView } from "./schema.js";
import { type SituationData, timeliness, VERDICT_LABELS } from "./situation.js";
import type { ResponseDecisionTable } from "./tables.js";

export function presentTask(
  t: ResponseTask,
  groups: CommandGroup[],
  now: Date,
  allowedActions: string[],
): TaskView {
  return {
    id: t.id,
    title: t.title,
    detail: t.detail,
    groupId: t.group_id,
    groupKey: groups.find((g) => g.id === t.group_id)?.group_key ?? null,
    unitId: t.unit_id,
    assignee: t.assignee_label,
    dueAt: t.due_at,
    status: t.status,
    overdue:
      t.overdue_at !== null ? t.status === "pending" || t.status === "in_progress" : isTaskOverdue(t, now),
    overdueAt: t.overdue_at,
    measureRef: t.measure_ref,
    notes: t.notes,
    completedAt: t.completed_at,
    createdByName: t.created_by_name,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    allowedActions,
  };
}

/** Presents the tasks of one case for one viewer, each with what the viewer may do to it. */
export function taskPresenter(r: ResponseResource, viewer: SessionUser, now: Date) {
  return (t: ResponseTask): TaskView => {
    const task = { row: t, unitIds: taskUnits(r.l, t), changesState: false };
    const actions = can(responsePolicy, viewer, "updateTask", { ...r, task }) ? ["updateTask"] : [];
    return presentTask(t, r.l.groups, now, actions);
  };
}

/** An incident's case read now: the policy resource and the task presenter for one viewer. */
export async function viewOfCase(ctx: AppContext, db: Db, incidentId: string, viewer: SessionUser) {
  const l = await loadCase(ctx, db, incidentId);
  const resource = await responseResource(ctx, l);
  return { l, resource, present: taskPresenter(resource, viewer, ctx.clock.now()) };
}

export function presentDecision(ctx: AppContext, d: ResponseDecisionTable): DecisionView {
  const type = ctx.plan.profile.response.committeeDecision?.decisions.find((x) => x.id === d.decision_type);
  return {
    id: d.id,
    decisionType: d.decision_type,
    decisionText: type ? `${type.no}. ${type.text}` : d.decision_type,
    content: d.content,
    trigger: d.trigger,
    proposedBy: d.proposed_by_label,
    meeting: d.meeting,
    approvedByName: d.approved_by_name,
    approvedAs: d.approved_as,
    decidedAt: d.decided_at,
  };
}

async function presentPost(ctx: AppContext, db: Db, l: Loaded, name: Namer): Promise<PostView | null> {
  const post = l.post;
  if (!post) {
    return null;
  }
  const [handovers, checkins, cordons] = await Promise.all([
    handoversOf(db, post.id),
    checkinsOf(db, post.id),
    cordonsOf(db, post.id),
  ]);
  const extra = await unitNamer(ctx, [
    ...checkins.map((c) => c.unit_id),
    ...l.groups.flatMap((g) => [...g.lead_units.flatMap((x) => x.units), ...g.members.map((m) => m.unitId)]),
  ]);
  const label = (id: string) => {
    const n = extra(id);
    return n === id ? name(id) : n;
  };
  const roles = post.roles;
  const groups = l.groups.map((g) => ({
    id: g.id,
    key: g.group_key,
    name: g.name,
    fromPlan: !g.group_key.startsWith("custom-"),
    lead: g.lead_units.map((x) => ({
      label: x.label,
      units: x.units.map((u) => ({ id: u, name: label(u) })),
    })),
    leaderName: g.leader_name,
    leaderPhone: g.leader_phone,
    members: g.members,
    duties: g.duties,
    source: g.source,
  }));
  return {
    id: post.id,
    incidentId: post.incident_id,
    name: post.name,
    address: post.address,
    lat: post.lat === null ? null : Number(post.lat),
    lng: post.lng === null ? null : Number(post.lng),
    roles,
    contacts: post.contacts,
    state: post.state,
    setUpByName: post.set_up_by_name,
    createdAt: post.created_at,
    closedAt: post.closed_at,
    groups,
    handovers: handovers.map((h) => ({
      id: h.id,
      roleId: h.role_id,
      fromName: h.from_name,
      toName: h.to_name,
      note: h.note,
      at: h.at,
      recordedByName: h.recorded_by_name,
    })),
    checkins: checkins.map((c) => ({
      id: c.id,
      kind: c.kind,
      name: c.name,
      unitId: c.unit_id,
      unitName: c.unit_id ? label(c.unit_id) : null,
      quantity: c.quantity === null ? null : Number(c.quantity),
      dispatchId: c.dispatch_id,
      groupId: c.group_id,
      note: c.note,
      at: c.at,
      recordedByName: c.recorded_by_name,
    })),
    cordons: cordons.map((c) => ({
      id: c.id,
      kind: c.kind,
      name: c.name,
      geometry: c.geometry,
      createdAt: c.created_at,
    })),
    announcement: announcementText({
      incidentTitle: l.incident.title,
      post: { name: post.name, address: post.address, contacts: post.contacts },
      roles: roles.map((r) => ({ name: r.name, holderName: r.holderName })),
      groups: groups.map((g) => ({
        name: g.name,
        leadNames: [
          ...new Set(g.lead.flatMap((x) => (x.units.length > 0 ? x.units.map((u) => u.name) : [x.label]))),
        ],
        memberNames: g.members.map((m) => (m.unitId ? label(m.unitId) : m.name)),
      })),
    }),
  };
}

/** Builds the whole workspace of one incident for one viewer. */
export async function buildWorkspace(
  ctx: AppContext,
  db: Db,
  incidentId: string,
  viewer: SessionUser,
): Promise<WorkspaceView> {
  const profile = ctx.plan.profile;
  const plan = planOf(ctx);
  const now = ctx.clock.now();
  const l = await loadCase(ctx, db, incidentId);
  const i = l.incident;
  const [changes, decisions, tasks, assessments, deadlines, events, reports, dispatches, warnings] =
    await Promise.all([
      levelChangesOf(db, i.id),
      decisionsOf(db, i.id),
      tasksOf(db, i.id),
      assessmentsOf(db, i.id),
      deadlinesOf(db, [i.id]),
      eventsOf(db, [i.id]),
      reportsOf(db, [i.id]),
      dispatchesOfIncident(db, i.id),
      publishedWarningsOfSubtype(db, i.subtype_id),
    ]);
  const name = await unitNamer(ctx, [i.street_code, i.division_code, l.response?.activating_unit_id]);
  const categoryName = profile.taxonomy.categories.find((c) => c.id === i.category_id)?.name ?? i.category_id;
  const level = l.level;
  const levelName = (id: string | null) =>
    id === null ? null : (profile.response.levels.find((x) => x.id === id)?.name ?? id);
  const end = endRule(profile, i.level, level);
  const expected = profile.response.levels.find((x) => x.grades.includes(i.level));
  const place =
    [i.street_code ? name(i.street_code) : null, i.address].filter((x) => x).join(" ") || "事发地点待核实";
  const pendingAssessments = assessments.filter((a) => a.state !== "submitted").length;
  const resource = await responseResource(ctx, l, {
    assessments: { pending: pendingAssessments, total: assessments.length },
  });
  const offer = responseOffer(viewer, resource);
  const partyCase = responsePartyCase(l.case);
  return {
    incident: {
      id: i.id,
      number: i.number,
      title: i.title,
      status: i.status,
      grade: i.level,
      gradeName: gradeName(profile, i.level),
      categoryId: i.category_id,
      categoryName,
      subtypeId: i.subtype_id,
      subtypeName: subtypeName(profile, i.subtype_id),
      occurredAt: i.occurred_at,
      receivedAt: i.received_at,
      address: i.address,
      place,
      lat: i.lat === null ? null : Number(i.lat),
      lng: i.lng === null ? null : Number(i.lng),
      figures: l.facts.figures,
      handlingEndedAt: i.handling_ended_at,
    },
    response: l.response
      ? {
          id: l.response.id,
          level: l.response.level,
          levelName: level?.name ?? l.response.level,
          rank: level?.rank ?? 0,
          state: l.response.state,
          activatedAt: l.response.activated_at,
          activatedByName: l.response.activated_by_name,
          activatingUnit: { id: l.response.activating_unit_id, name: name(l.response.activating_unit_id) },
          specialCase: l.response.special_case,
          mechanism: l.response.mechanism,
          upperLevelRequest: level ? (upperLevelRequest(level) ?? null) : null,
          onScene: level ? partyLabels(plan, level.onScene) : [],
          endRequestedAt: l.response.end_requested_at,
          endRequestedByName: l.response.end_requested_by_name,
          endRequestNote: l.response.end_request_note,
          endedAt: l.response.ended_at,
          endedByName: l.response.ended_by_name,
          endApprovedByName: l.response.end_approved_by_name,
          endSummary: l.response.end_summary,
          endAnnouncement:
            l.response.end_announced_by_unit_id && l.response.end_announced_at
              ? {
                  unit: {
                    id: l.response.end_announced_by_unit_id,
                    name: unitLabel(plan.org, l.response.end_announced_by_unit_id),
                  },
                  announcedAt: l.response.end_announced_at,
                  docNo: l.response.end_doc_no ?? "",
                }
              : null,
          causes: l.response.causes,
          lessons: l.response.lessons,
          improvements: l.response.improvements,
        }
      : null,
    levelChanges: changes.map((c) => ({
      id: c.id,
      kind: c.kind,
      fromLevel: c.from_level,
      fromName: levelName(c.from_level),
      toLevel: c.to_level,
      toName: levelName(c.to_level) ?? c.to_level,
      grade: c.grade,
      gradeName: gradeName(profile, c.grade),
      justified: Number(c.justified) === 1,
      reason: c.reason,
      byName: c.by_name,
      at: c.at,
    })),
    decisions: decisions.map((d) => presentDecision(ctx, d)),
    post: await presentPost(ctx, db, l, name),
    tasks: tasks.map(taskPresenter(resource, viewer, now)),
    assessments: assessments.map((a) => ({
      id: a.id,
      ruleId: a.rule_id,
      name: a.name,
      mandatory: Number(a.mandatory) === 1,
      targetAt: a.target_at,
      hardCapAt: a.hard_cap_at,
      state: a.state,
      overdueAt: a.overdue_at,
      capOverdueAt: a.cap_overdue_at,
      submittedAt: a.submitted_at,
      lead: a.lead,
      recipients: a.recipients,
      source: a.source,
      gap: a.gap,
    })),
    timeliness: timeliness(
      deadlines.map((d) => ({
        name: d.name,
        kind: d.kind,
        round: Number(d.round),
        dueAt: d.due_at,
        state: d.state,
        metAt: d.met_at,
        lateMinutes: d.late_minutes === null ? null : Number(d.late_minutes),
      })),
      now,
    ).map((t) => ({ ...t, verdictLabel: VERDICT_LABELS[t.verdict] })),
    timeline: events.map((e) => ({
      id: e.id,
      at: e.at,
      type: e.type,
      summary: e.summary,
      actorName: e.actor_name,
    })),
    reports: reports
      .filter((r) => r.incident_id === i.id)
      .map((r) => ({ id: r.id, seq: Number(r.seq), kind: r.kind, filedAt: r.filed_at })),
    dispatches: dispatches.map((d) => ({
      id: d.id,
      resourceType: d.resource_type,
      resourceName: d.resource_name,
      quantity: Number(d.quantity),
      state: d.state,
      lat: d.lat === null ? null : Number(d.lat),
      lng: d.lng === null ? null : Number(d.lng),
    })),
    warnings: warnings.map((w) => ({
      id: w.id,
      title: w.title,
      colour: w.colour,
      status: w.status,
      publishedAt: w.published_at,
    })),
    plan: {
      levels: responseLevels(profile).map((lv) => ({
        id: lv.id,
        name: lv.name,
        rank: lv.rank,
        activatedBy: partyLabels(plan, activators(profile, lv, l.case), partyCase, name),
        alsoWhen: lv.alsoWhen ?? [],
        source: lv.source,
      })),
      expectedLevel: expected?.id ?? null,
      decisionTypes: (profile.response.committeeDecision?.decisions ?? []).map((d) => ({
        id: d.id,
        no: d.no,
        text: d.text,
      })),
      decisionApplies: decisionApplies(profile, i.level, level),
      decisionProposers: [
        ...new Set(decisionProposers(profile).flatMap((p) => partyUnits(plan, p, partyCase))),
      ].map((u) => ({ id: u, name: name(u) })),
      postRoles: profile.response.commandPost.roles.map((r) => ({
        id: r.id,
        name: r.name,
        heldBy: partyLabels(plan, r.heldBy),
      })),
      groups: groupsFor(plan, l.case).map((g) => ({
        key: g.key,
        name: g.name,
        lead: g.lead.map((x) => ({ label: x.label, units: x.units.map((u) => ({ id: u, name: name(u) })) })),
      })),
      checklist: checklistFor(profile, i.category_id).map((c) => ({ ref: c.ref, no: c.no, text: c.text })),
      endBy: end ? partyLabels(plan, end.by, partyCase, name) : [],
      endApprovedBy: end?.approvedBy ? partyLabels(plan, end.approvedBy, partyCase, name) : [],
      endAnnouncedBy: end?.announcedBy
        ? { label: end.announcedBy.label, units: announcingUnits(plan, end) }
        : null,
      endConditions: profile.endOfResponse.conditions?.text ?? null,
    },
    allowedActions: offer.allowedActions,
    levelOptions: offer.levelOptions,
  };
}

/** Data for the 续报 draft, the briefing and the assessment, from the current records. */
export async function situationData(
  db: Db,
  w: WorkspaceView,
  author: SessionUser | undefined,
): Promise<SituationData> {
  const i = w.incident;
  const row = await loadIncident(db, i.id);
  return {
    title: i.title,
    occurredAt: i.occurredAt,
    place: i.place,
    sourceLabel: SOURCE_CHANNEL_LABELS[row.source_channel as SourceChannel] ?? row.source_channel,
    description: row.description,
    categoryName: i.categoryName,
    subtypeName: i.subtypeName,
    gradeName: i.gradeName,
    figures: i.figures,
    figureLabels: FIGURE_LABELS,
    responseLevelName: w.response?.levelName ?? null,
    responseActivatedAt: w.response?.activatedAt ?? null,
    postName: w.post?.name ?? null,
    postAddress: w.post?.address ?? null,
    tasksDone: w.tasks.filter((t) => t.status === "done").map((t) => t.title),
    tasksOpen: w.tasks
      .filter((t) => t.status === "pending" || t.status === "in_progress")
      .map((t) => t.title),
    overdueTasks: w.tasks.filter((t) => t.overdue).length,
    checkins: (w.post?.checkins ?? []).map((c) => ({ kind: c.kind, name: c.name, quantity: c.quantity })),
    cordons: (w.post?.cordons ?? []).map((c) => c.name),
    decisions: w.decisions.map((d) => d.content),
    signer: "",
    provider: author ? `${author.unitName} ${author.displayName}` : "",
    contact: w.post?.contacts ?? "",
  };
}
