/**
 * Commands of the duty desk (issue 4): register, grade, verify, report, record instructions, merge.
 * Each takes the CommandScope of one transaction; audit rows, timeline entries, deadline rows and
 * outbox messages are written in it, live events go out after the commit.
 */
import { randomUUID } from "node:crypto";
import { REPORT_KIND_LABELS, type ReportKind } from "../../../../shared/incidents.js";
import type { IncidentFlag } from "../../../../shared/plan/schema.js";
import { ROLES } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { Db } from "../../db/index.js";
import { badRequest, conflict, type FieldError, notFound } from "../../errors.js";
import type { CommandScope } from "../../http/command.js";
import { newId } from "../../ids.js";
import { notifyUsers } from "../notify/index.js";
import {
  cooperatingDepartments,
  findSubtype,
  instructionFeedbackDeadlines,
  leadDepartments,
  type PartyContext,
  suggestLevel,
  whenHolds,
} from "../plans/index.js";
import { usersWithRoles } from "../users/index.js";
import type { IncidentResource } from "./policy.js";
import type { IncidentParts } from "./present.js";
import {
  cancelDeadlines,
  deadlinesOf,
  findIncident,
  findInstruction,
  hasReportOfKind,
  insertDeadlines,
  insertEvents,
  insertIncident,
  insertInstruction,
  insertReport,
  lastEventOrd,
  markDeadlineMet,
  nextSequence,
  openIncidentsNear,
  reportCount,
  setInstructionFeedback,
  updateIncident,
} from "./repository.js";
import {
  boxAround,
  defaultLevel,
  factsOf,
  formatIncidentNumber,
  type IncidentState,
  intakeErrors,
  isKnownLevel,
  kindsMetBy,
  lateMinutes,
  levelName,
  missingReportFields,
  nextContinuingDue,
  numberingYear,
  numberPrefix,
  type PlannedDeadline,
  possibleDuplicates,
  type Recipient,
  type ReconcileTrigger,
  reconcileDeadlines,
  resolveRecipients,
  unknownReportFields,
} from "./rules.js";
import type {
  FeedbackBody,
  InstructionBody,
  LevelBody,
  MergeBody,
  RegisterBody,
  ReportBody,
  VerifyBody,
} from "./schema.js";
import { incidentSettings } from "./settings.js";
import type { IncidentDeadlineTable, IncidentEventTable, IncidentTable } from "./tables.js";

const MINUTE = 60_000;
const DIVISION_TYPES = new Set(["street", "township", "community", "village"]);

const parseJson = <T>(s: string): T => JSON.parse(s) as T;

function fail(errors: FieldError[]): never {
  throw badRequest(errors.map((e) => `${e.path}: ${e.message}`).join("; "), errors);
}

// ---------------------------------------------------------------------------------------------
// helpers shared by the commands
// ---------------------------------------------------------------------------------------------

/** Timeline entries of one command, ordered within the same instant. */
export class Timeline {
  private ord = 0;
  readonly rows: IncidentEventTable[] = [];

  constructor(
    private readonly now: Date,
    private readonly actor: { id: string; name: string } | undefined,
  ) {}

  add(incidentId: string, type: string, summary: string, data: Record<string, unknown> = {}): void {
    this.rows.push({
      id: newId(),
      incident_id: incidentId,
      at: this.now.toISOString(),
      ord: this.ord++,
      type,
      summary,
      actor_id: this.actor?.id ?? null,
      actor_name: this.actor?.name ?? null,
      data: JSON.stringify(data),
    });
  }

  /** Continues each incident's order after its last entry, so same-instant entries keep their order. */
  async flush(trx: Db): Promise<void> {
    const incidents = [...new Set(this.rows.map((r) => r.incident_id))];
    const last = new Map((await lastEventOrd(trx, incidents)).map((r) => [r.incident_id, Number(r.ord)]));
    for (const row of this.rows) {
      row.ord += (last.get(row.incident_id) ?? -1) + 1;
    }
    await insertEvents(trx, this.rows);
  }
}

function timelineFor(scope: CommandScope): Timeline {
  const user = scope.principal?.user;
  return new Timeline(scope.now, user ? { id: user.id, name: user.displayName } : undefined);
}

export function stateOf(row: IncidentTable, lastReportAt?: string | null): IncidentState {
  return {
    subtypeId: row.subtype_id,
    level: row.level,
    occurredAt: new Date(row.occurred_at),
    receivedAt: new Date(row.received_at),
    verifiedAt: row.verified_at ? new Date(row.verified_at) : undefined,
    lastReportAt: lastReportAt ? new Date(lastReportAt) : undefined,
    handlingEndedAt: row.handling_ended_at ? new Date(row.handling_ended_at) : undefined,
    flags: parseJson<IncidentFlag[]>(row.flags),
  };
}

function partyContext(
  row: Pick<IncidentTable, "subtype_id" | "reporter_unit_id" | "street_code">,
): PartyContext {
  return {
    subtypeId: row.subtype_id,
    ...(row.reporter_unit_id ? { ownUnitId: row.reporter_unit_id } : {}),
    ...(row.street_code ? { streetCode: row.street_code } : {}),
  };
}

/** The host department of a subtype's special-HQ office (000 §2.1.5), if any. */
function hqHost(ctx: AppContext, subtypeId: string): string[] {
  const hq = findSubtype(ctx.plan.profile, subtypeId)?.subtype.hq;
  const host = hq ? ctx.plan.org.units.find((u) => u.id === hq)?.officeIn : undefined;
  return host ? [host] : [];
}

/** The policy's view of an incident (or of one about to be registered), from the plan rules. */
export function incidentResource(
  ctx: AppContext,
  subtypeId: string,
  streetCode: string | null,
  relayUnits?: string[],
): IncidentResource {
  const known = findSubtype(ctx.plan.profile, subtypeId) !== undefined;
  const lead = known ? leadDepartments(ctx.plan.profile, subtypeId) : [];
  const cooperating = known ? cooperatingDepartments(ctx.plan.profile, subtypeId) : [];
  const host = known ? hqHost(ctx, subtypeId) : [];
  return {
    leadUnits: [...new Set([...lead, ...host])],
    relatedUnits: [...new Set([...lead, ...cooperating, ...host])],
    streetCode,
    ...(relayUnits ? { relayUnits } : {}),
  };
}

function deadlineRow(
  incidentId: string,
  d: PlannedDeadline,
  now: Date,
  instructionId?: string,
): IncidentDeadlineTable {
  return {
    id: newId(),
    incident_id: incidentId,
    rule_id: d.ruleId,
    kind: d.kind,
    name: d.name,
    round: d.round,
    instruction_id: instructionId ?? null,
    due_at: d.dueAt.toISOString(),
    state: "pending",
    recipients: JSON.stringify(d.recipients),
    source: d.source,
    met_at: null,
    met_by: null,
    late_minutes: null,
    overdue_at: null,
    escalated_at: null,
    created_at: now.toISOString(),
  };
}

function publishDeadline(scope: CommandScope, row: IncidentDeadlineTable, state: string): void {
  scope.publish({
    type: "deadline.state",
    entityType: "incident",
    entityId: row.incident_id,
    data: { deadlineId: row.id, kind: row.kind, name: row.name, state, dueAt: row.due_at },
  });
}

/**
 * 000 §4.1 "…要立即报告区应急办": when the emergency office (or its duty room) itself registers the
 * incident, the office has the information at registration, so an immediate report whose only
 * recipient is the office is met then (its lateness counts from receipt).
 */
function metByOfficeRegistration(
  ctx: AppContext,
  row: IncidentTable,
  rows: IncidentDeadlineTable[],
  now: Date,
): void {
  const officeUnits = new Set(
    ctx.plan.org.units.filter((u) => u.type === "office" || u.type === "duty_room").map((u) => u.id),
  );
  if (!row.reporter_unit_id || !officeUnits.has(row.reporter_unit_id)) {
    return;
  }
  for (const d of rows) {
    const recipients = parseJson<Recipient[]>(d.recipients);
    const toOfficeOnly =
      recipients.length > 0 &&
      recipients.every((r) => r.units.length > 0 && r.units.every((u) => officeUnits.has(u)));
    if (d.kind === "immediate" && toOfficeOnly) {
      d.state = "met";
      d.met_at = now.toISOString();
      d.met_by = "registration";
      d.late_minutes = lateMinutes(new Date(d.due_at), now);
    }
  }
}

/**
 * Applies the profile's deadlines to an incident's current state: creates rows for rules that now
 * apply, cancels pending rows whose rule no longer does; the timeline says what changed. Returns the
 * rows it created.
 */
async function applyDeadlines(
  ctx: AppContext,
  scope: CommandScope,
  row: IncidentTable,
  trigger: ReconcileTrigger,
  timeline: Timeline,
): Promise<IncidentDeadlineTable[]> {
  // A new incident has no rows and no reports yet: skip the two reads on the hot intake path.
  const fresh = trigger === "registration";
  const existing = fresh ? [] : await deadlinesOf(scope.trx, [row.id]);
  const { lastAt } = fresh ? { lastAt: null } : await reportCount(scope.trx, row.id);
  const plan = reconcileDeadlines(
    ctx.plan.profile,
    stateOf(row, lastAt),
    existing.map((e) => ({ id: e.id, ruleId: e.rule_id, state: e.state, round: e.round })),
    scope.now,
    trigger,
    (d) => resolveRecipients(ctx.plan.profile, ctx.plan.org, d.recipients, partyContext(row)),
  );
  const rows = plan.create.map((d) => deadlineRow(row.id, d, scope.now));
  if (trigger === "registration") {
    metByOfficeRegistration(ctx, row, rows, scope.now);
  }
  await insertDeadlines(scope.trx, rows);
  for (const r of rows) {
    publishDeadline(scope, r, r.state);
  }
  if (trigger !== "registration" && rows.length > 0) {
    timeline.add(row.id, "deadline.created", `新增报送时限：${rows.map((r) => r.name).join("、")}`, {
      deadlines: rows.map((r) => ({ id: r.id, name: r.name, dueAt: r.due_at })),
    });
  }
  const cancelled = await cancelDeadlines(scope.trx, plan.cancel);
  const cancelledRows = existing.filter((e) => cancelled.includes(e.id));
  for (const r of cancelledRows) {
    publishDeadline(scope, r, "cancelled");
  }
  if (cancelledRows.length > 0) {
    timeline.add(
      row.id,
      "deadline.cancelled",
      `不再适用的报送时限：${cancelledRows.map((r) => r.name).join("、")}`,
      {
        deadlines: cancelledRows.map((r) => r.id),
      },
    );
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// register
// ---------------------------------------------------------------------------------------------

export interface ValidRegistration {
  body: RegisterBody;
  occurredAt: Date;
  receivedAt: Date;
  streetCode: string | null;
}

/**
 * Everything about a registration a schema cannot check, all problems at once (400 before 403:
 * the policy needs a known subtype and place to decide who may register).
 */
export async function validateRegistration(
  ctx: AppContext,
  body: RegisterBody,
  now: Date,
): Promise<ValidRegistration> {
  const occurredAt = new Date(body.occurredAt);
  const receivedAt = body.receivedAt ? new Date(body.receivedAt) : now;
  const errors = intakeErrors(
    ctx.plan.profile,
    { subtypeId: body.subtypeId, occurredAt, receivedAt, level: body.level },
    now,
  );
  let streetCode: string | null = null;
  if (body.divisionCode !== undefined) {
    const unit = await ctx.units.get(body.divisionCode);
    if (!unit || !DIVISION_TYPES.has(unit.type)) {
      errors.push({
        path: "divisionCode",
        message: `行政区划 ${body.divisionCode} 不存在（应为街道、乡、社区或村）`,
      });
    } else {
      streetCode = unit.type === "street" || unit.type === "township" ? unit.id : unit.parent_id;
    }
  }
  if (body.divisionCode === undefined && body.location === undefined && !body.address) {
    errors.push({ path: "divisionCode", message: "请至少填写事发地行政区划、地址或坐标之一" });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  return { body, occurredAt, receivedAt, streetCode };
}

/** A registered incident and everything written with it: the 201 shows it without reading it back. */
export interface Registered {
  row: IncidentTable;
  parts: IncidentParts;
}

/** Registers an incident: number, lead departments, level, deadlines, duplicates, timeline, audit. */
export async function registerIncident(
  ctx: AppContext,
  scope: CommandScope,
  input: ValidRegistration,
  actor: SessionUser | undefined,
): Promise<Registered> {
  const { body, occurredAt, receivedAt, streetCode } = input;
  const profile = ctx.plan.profile;
  const found = findSubtype(profile, body.subtypeId);
  if (!found) {
    fail([{ path: "subtypeId", message: `预案中没有事件子类“${body.subtypeId}”` }]);
  }
  const flags = (body.flags ?? []) as IncidentFlag[];
  const figures = body.figures ?? {};
  const suggestion = suggestLevel(profile, body.subtypeId, figures, flags);
  const level = body.level ?? (suggestion.kind === "suggested" ? suggestion.level : defaultLevel(profile));

  const prefix = numberPrefix(profile);
  const year = numberingYear(receivedAt);
  const seq = await nextSequence(scope.trx, prefix, year);
  const number = formatIncidentNumber(prefix, year, seq);

  const settings = incidentSettings(ctx);
  const windowMs = settings.windowMinutes * MINUTE;
  const candidates = await openIncidentsNear(
    scope.trx,
    body.subtypeId,
    new Date(occurredAt.getTime() - windowMs).toISOString(),
    new Date(occurredAt.getTime() + windowMs).toISOString(),
    {
      box: body.location ? boxAround(body.location, settings.radiusM) : undefined,
      streetCode: streetCode ?? undefined,
    },
  );
  const duplicates = possibleDuplicates(
    {
      subtypeId: body.subtypeId,
      occurredAt,
      point: body.location,
      divisionCode: body.divisionCode,
      streetCode: streetCode ?? undefined,
    },
    candidates.map((c) => ({
      id: c.id,
      number: c.number,
      subtypeId: c.subtype_id,
      occurredAt: new Date(c.occurred_at),
      point: c.lat !== null && c.lng !== null ? { lat: Number(c.lat), lng: Number(c.lng) } : undefined,
      divisionCode: c.division_code ?? undefined,
      streetCode: c.street_code ?? undefined,
    })),
    settings,
  );

  const now = scope.now.toISOString();
  const id = newId();
  const row: IncidentTable = {
    id,
    number,
    title: body.title,
    category_id: found.categoryId,
    subtype_id: body.subtypeId,
    occurred_at: occurredAt.toISOString(),
    received_at: receivedAt.toISOString(),
    verified_at: null,
    source_channel: body.sourceChannel,
    source_detail: body.sourceDetail ?? null,
    division_code: body.divisionCode ?? null,
    street_code: streetCode,
    address: body.address ?? null,
    lat: body.location?.lat ?? null,
    lng: body.location?.lng ?? null,
    figures: JSON.stringify(figures),
    flags: JSON.stringify(flags),
    description: body.description ?? "",
    level,
    level_confirmed: 0,
    level_reason: null,
    lead_departments: JSON.stringify(leadDepartments(profile, body.subtypeId)),
    cooperating_departments: JSON.stringify(cooperatingDepartments(profile, body.subtypeId)),
    status: "open",
    merged_into: null,
    possible_duplicates: JSON.stringify(duplicates),
    handling_ended_at: null,
    reporter_unit_id: actor?.unitId ?? null,
    reporter_name: body.reporterName ?? null,
    reporter_phone: body.reporterPhone ?? null,
    created_by: actor?.id ?? null,
    created_at: now,
    updated_at: now,
  };
  await insertIncident(scope.trx, [row]);
  const timeline = timelineFor(scope);
  timeline.add(
    id,
    "incident.registered",
    `登记事件 ${number}：${body.title}（${levelName(profile, level)}）`,
    {
      level,
      subtypeId: body.subtypeId,
    },
  );
  if (duplicates.length > 0) {
    timeline.add(
      id,
      "incident.possible_duplicate",
      `可能与 ${duplicates
        .slice(0, 5)
        .map((d) => d.number)
        .join("、")}${duplicates.length > 5 ? ` 等 ${duplicates.length} 起事件` : ""} 为同一事件`,
      {
        duplicates,
      },
    );
  }
  const deadlines = await applyDeadlines(ctx, scope, row, "registration", timeline);
  // A new incident has no earlier entries to continue the order of (Timeline.flush reads them).
  await insertEvents(scope.trx, timeline.rows);
  await scope.audit({ action: "incident.create", entityType: "incident", entityId: id, after: row });
  scope.publish({
    type: "incident.created",
    entityType: "incident",
    entityId: id,
    data: {
      number,
      title: body.title,
      level,
      subtypeId: body.subtypeId,
      possibleDuplicates: duplicates.length,
    },
  });
  return {
    row,
    parts: {
      // In the order deadlinesOf reads them (due_at, id; both compare as plain ASCII).
      deadlines: deadlines.sort((a, b) => (a.due_at + a.id < b.due_at + b.id ? -1 : 1)),
      events: timeline.rows,
      reports: [],
      instructions: [],
      merged: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// level, verification
// ---------------------------------------------------------------------------------------------

export async function loadIncident(db: Db, id: string): Promise<IncidentTable> {
  const row = await findIncident(db, id);
  if (!row) {
    throw notFound(`事件 ${id}`);
  }
  return row;
}

function assertOpen(row: IncidentTable): void {
  if (row.status === "merged") {
    throw conflict(`事件 ${row.number} 已合并到其他事件，请在合并后的事件上操作`, { status: row.status });
  }
  if (row.status === "closed") {
    throw conflict(`事件 ${row.number} 已报送终报、处置结束`, { status: row.status });
  }
}

export function checkLevel(ctx: AppContext, level: string): void {
  if (!isKnownLevel(ctx.plan.profile, level)) {
    fail([{ path: "level", message: `预案中没有等级“${level}”` }]);
  }
}

/** Confirms or changes the level, keeping the reason; deadlines follow the new level. */
export async function setIncidentLevel(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: LevelBody,
): Promise<void> {
  checkLevel(ctx, body.level);
  const before = await loadIncident(scope.trx, id);
  assertOpen(before);
  const profile = ctx.plan.profile;
  const set = {
    level: body.level,
    level_confirmed: 1,
    level_reason: body.reason,
    updated_at: scope.now.toISOString(),
  };
  await updateIncident(scope.trx, id, set);
  const after = { ...before, ...set };
  const timeline = timelineFor(scope);
  const verb = before.level === body.level ? "确认等级" : "调整等级";
  timeline.add(
    id,
    "incident.level",
    before.level === body.level
      ? `${verb}：${levelName(profile, body.level)}（${body.reason}）`
      : `${verb}：${levelName(profile, before.level)} → ${levelName(profile, body.level)}（${body.reason}）`,
    { from: before.level, to: body.level, reason: body.reason },
  );
  await applyDeadlines(ctx, scope, after, "level", timeline);
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.level",
    entityType: "incident",
    entityId: id,
    before: { level: before.level, levelConfirmed: before.level_confirmed === 1 },
    after: { level: body.level, levelConfirmed: true, reason: body.reason },
  });
  scope.publish({
    type: "incident.level_changed",
    entityType: "incident",
    entityId: id,
    data: { number: before.number, from: before.level, to: body.level },
  });
}

/** Records that the information was verified (核实); starts clocks that run from verification (002). */
export async function verifyIncident(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: VerifyBody,
): Promise<void> {
  const before = await loadIncident(scope.trx, id);
  assertOpen(before);
  if (before.verified_at) {
    throw conflict(`事件 ${before.number} 已于 ${before.verified_at} 核实`);
  }
  const verifiedAt = body.verifiedAt ? new Date(body.verifiedAt) : scope.now;
  const errors: FieldError[] = [];
  if (verifiedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    errors.push({ path: "verifiedAt", message: "核实时间不能晚于当前时间" });
  }
  if (verifiedAt.getTime() < new Date(before.received_at).getTime()) {
    errors.push({ path: "verifiedAt", message: "核实时间不能早于接报时间" });
  }
  if (errors.length > 0) {
    fail(errors);
  }
  const set = { verified_at: verifiedAt.toISOString(), updated_at: scope.now.toISOString() };
  await updateIncident(scope.trx, id, set);
  const timeline = timelineFor(scope);
  timeline.add(id, "incident.verified", `信息已核实${body.note ? `：${body.note}` : ""}`, {
    verifiedAt: set.verified_at,
  });
  await applyDeadlines(ctx, scope, { ...before, ...set }, "verification", timeline);
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.verify",
    entityType: "incident",
    entityId: id,
    after: { verifiedAt: set.verified_at, note: body.note ?? null },
  });
  scope.publish({ type: "incident.updated", entityType: "incident", entityId: id, data: { verified: true } });
}

// ---------------------------------------------------------------------------------------------
// reports
// ---------------------------------------------------------------------------------------------

/** Field problems of a report body (unknown ids, missing required fields), checked before policy. */
export function reportFieldErrors(ctx: AppContext, fields: Record<string, string>): FieldError[] {
  return [...unknownReportFields(ctx.plan.profile, fields), ...missingReportFields(ctx.plan.profile, fields)];
}

export interface ReportPreview {
  missing: FieldError[];
  addressees: string[];
  meets: { id: string; name: string; dueAt: string; lateMinutes: number }[];
  conflict: string | null;
}

function addresseeLabels(recipients: Recipient[][]): string[] {
  return [...new Set(recipients.flat().map((r) => r.label))];
}

/** Which open deadline rows a report of this kind would meet now. */
function deadlinesMet(rows: IncidentDeadlineTable[], kind: ReportKind): IncidentDeadlineTable[] {
  const kinds = kindsMetBy(kind);
  return rows.filter(
    (r) => (r.state === "pending" || r.state === "overdue") && kinds.has(r.kind) && !r.instruction_id,
  );
}

async function reportConflict(db: Db, row: IncidentTable, kind: ReportKind): Promise<string | null> {
  if (row.status === "merged") {
    return `事件 ${row.number} 已合并到其他事件，请在合并后的事件上报送`;
  }
  if (row.status === "closed") {
    return `事件 ${row.number} 已报送终报`;
  }
  if (kind === "initial" && (await hasReportOfKind(db, row.id, "initial"))) {
    return "本事件已报送初报，后续请报送续报或终报";
  }
  if (kind !== "initial" && !(await hasReportOfKind(db, row.id, "initial"))) {
    return "请先报送初报";
  }
  return null;
}

/** What a report would do, without writing: missing fields, addressees, deadlines it meets. */
export async function previewReport(
  ctx: AppContext,
  row: IncidentTable,
  kind: ReportKind,
  fields: Record<string, string>,
  now: Date,
): Promise<ReportPreview> {
  const rows = await deadlinesOf(ctx.db, [row.id]);
  const met = deadlinesMet(rows, kind);
  const source = met.length > 0 ? met : rows.filter((r) => kindsMetBy(kind).has(r.kind));
  return {
    missing: reportFieldErrors(ctx, fields),
    addressees: addresseeLabels(source.map((r) => parseJson<Recipient[]>(r.recipients))),
    meets: met.map((r) => ({
      id: r.id,
      name: r.name,
      dueAt: r.due_at,
      lateMinutes: lateMinutes(new Date(r.due_at), now),
    })),
    conflict: await reportConflict(ctx.db, row, kind),
  };
}

/**
 * Files a 初报/续报/终报: meets the deadlines it answers (marking 迟报 minutes), schedules the next
 * continuing round for 重大/特别重大 still being handled, and a 终报 ends handling.
 */
export async function fileReport(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: ReportBody,
  actor: SessionUser | undefined,
): Promise<string> {
  const errors = reportFieldErrors(ctx, body.fields);
  if (errors.length > 0) {
    fail(errors);
  }
  const row = await loadIncident(scope.trx, id);
  const problem = await reportConflict(scope.trx, row, body.kind);
  if (problem) {
    throw conflict(problem, { status: row.status });
  }
  const profile = ctx.plan.profile;
  const now = scope.now;
  const nowIso = now.toISOString();
  const reportId = randomUUID();
  const rows = await deadlinesOf(scope.trx, [id]);
  const toMeet = deadlinesMet(rows, body.kind);
  const met: IncidentDeadlineTable[] = [];
  for (const d of toMeet) {
    const late = lateMinutes(new Date(d.due_at), now);
    if (await markDeadlineMet(scope.trx, d.id, nowIso, reportId, late)) {
      met.push({ ...d, state: "met", met_at: nowIso, met_by: reportId, late_minutes: late });
    }
  }
  const addressSource = met.length > 0 ? met : rows.filter((r) => kindsMetBy(body.kind).has(r.kind));
  const addressees = addresseeLabels(addressSource.map((r) => parseJson<Recipient[]>(r.recipients)));
  const { count } = await reportCount(scope.trx, id);
  const unitName = body.unitName ?? actor?.unitName ?? "区应急办";
  await insertReport(scope.trx, {
    id: reportId,
    incident_id: id,
    seq: count + 1,
    kind: body.kind,
    fields: JSON.stringify(body.fields),
    addressees: JSON.stringify(addressees.length > 0 ? addressees : ["区应急办"]),
    met_deadlines: JSON.stringify(met.map((m) => m.id)),
    unit_id: actor?.unitId ?? null,
    unit_name: unitName,
    filed_by: actor?.id ?? null,
    filed_by_name: actor?.displayName ?? null,
    filed_at: nowIso,
  });

  const timeline = timelineFor(scope);
  const label = REPORT_KIND_LABELS[body.kind];
  timeline.add(id, "report.filed", `报送${label}（第 ${count + 1} 报）`, { reportId, kind: body.kind });
  for (const m of met) {
    const late = m.late_minutes ?? 0;
    timeline.add(id, "deadline.met", late > 0 ? `${m.name}：迟报 ${late} 分钟` : `${m.name}：按时报送`, {
      deadlineId: m.id,
      lateMinutes: late,
    });
    publishDeadline(scope, m, "met");
  }

  let after: IncidentTable = row;
  if (body.kind === "final") {
    const set = { status: "closed", handling_ended_at: nowIso, updated_at: nowIso };
    await updateIncident(scope.trx, id, set);
    after = { ...row, ...set };
    const open = rows
      .filter((r) => r.state === "pending" && !met.some((m) => m.id === r.id))
      .map((r) => r.id);
    const cancelled = await cancelDeadlines(scope.trx, open);
    for (const r of rows.filter((x) => cancelled.includes(x.id))) {
      publishDeadline(scope, r, "cancelled");
    }
    timeline.add(id, "incident.closed", "报送终报，事件处置结束，续报停止");
  } else {
    await updateIncident(scope.trx, id, { updated_at: nowIso });
    // 000 §4.1: 重大、特别重大 still being handled → the next continuing report 30 min after this one.
    for (const m of met.filter((x) => x.kind === "continuing")) {
      const rule = profile.reporting.deadlines.find((d) => d.id === m.rule_id);
      const nextAt = nextContinuingDue(profile, m.rule_id, now);
      if (!rule || !nextAt) {
        continue;
      }
      const facts = factsOf({ ...stateOf(row, nowIso) });
      if (!whenHolds(profile, rule.when, facts)) {
        continue;
      }
      const next = deadlineRow(
        id,
        {
          ruleId: m.rule_id,
          kind: m.kind,
          name: m.name,
          dueAt: nextAt,
          recipients: parseJson<Recipient[]>(m.recipients),
          source: m.source,
          round: m.round + 1,
        },
        now,
      );
      await insertDeadlines(scope.trx, [next]);
      publishDeadline(scope, next, "pending");
      timeline.add(id, "deadline.created", `下一次续报（第 ${next.round} 次）时限已生成`, {
        deadlineId: next.id,
        dueAt: next.due_at,
      });
    }
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.report",
    entityType: "incident",
    entityId: id,
    after: {
      reportId,
      kind: body.kind,
      seq: count + 1,
      metDeadlines: met.map((m) => m.id),
      status: after.status,
    },
  });
  scope.publish({
    type: "report.filed",
    entityType: "incident",
    entityId: id,
    data: { reportId, kind: body.kind, number: row.number },
  });
  return reportId;
}

// ---------------------------------------------------------------------------------------------
// leader instructions (批示)
// ---------------------------------------------------------------------------------------------

export async function checkRelayUnits(ctx: AppContext, units: string[]): Promise<void> {
  const found = new Set((await ctx.units.many(units)).map((u) => u.id));
  const errors = units
    .map((u, i) => ({ u, i }))
    .filter(({ u }) => !found.has(u))
    .map(({ u, i }) => ({ path: `relayTo.${i}`, message: `组织单元 ${u} 不存在` }));
  if (errors.length > 0) {
    fail(errors);
  }
}

/** Records a leader's instruction, relays it to units and starts its feedback clocks (004). */
export async function recordInstruction(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: InstructionBody,
): Promise<string> {
  const row = await loadIncident(scope.trx, id);
  if (row.status === "merged") {
    throw conflict(`事件 ${row.number} 已合并到其他事件`);
  }
  const instructedAt = body.instructedAt ? new Date(body.instructedAt) : scope.now;
  if (instructedAt.getTime() > scope.now.getTime() + 5 * MINUTE) {
    fail([{ path: "instructedAt", message: "批示时间不能晚于当前时间" }]);
  }
  const relayTo = body.relayTo ?? [];
  const instructionId = randomUUID();
  const user = scope.principal?.user;
  await insertInstruction(scope.trx, {
    id: instructionId,
    incident_id: id,
    leader: body.leader,
    content: body.content,
    instructed_at: instructedAt.toISOString(),
    relay_to: JSON.stringify(relayTo),
    feedback: "[]",
    recorded_by: user?.id ?? null,
    recorded_by_name: user?.displayName ?? null,
    created_at: scope.now.toISOString(),
  });
  const feedbackDue = instructionFeedbackDeadlines(ctx.plan.profile, instructedAt);
  const rule = ctx.plan.profile.reporting.instructionFeedback ?? [];
  const rows = feedbackDue.map((d, i) =>
    deadlineRow(
      id,
      {
        ruleId: `instruction_${d.channel}`,
        kind: `instruction_${d.channel}`,
        name: d.channel === "phone" ? "批示电话反馈" : "批示书面反馈",
        dueAt: d.dueAt,
        recipients: resolveRecipients(ctx.plan.profile, ctx.plan.org, rule[i]?.to ?? [], partyContext(row)),
        source: d.source,
        round: 1,
      },
      scope.now,
      instructionId,
    ),
  );
  await insertDeadlines(scope.trx, rows);
  const timeline = timelineFor(scope);
  timeline.add(id, "instruction.recorded", `${body.leader}批示：${body.content}`, { instructionId, relayTo });
  await timeline.flush(scope.trx);
  if (relayTo.length > 0) {
    const users = await usersWithRoles(scope.trx, [...ROLES], relayTo);
    await notifyUsers(scope, users, {
      title: `领导批示：${row.number}`,
      body: `${body.leader}：${body.content}`,
      link: `/duty/incidents/${id}`,
      sourceType: "incident",
      sourceId: id,
    });
  }
  await scope.audit({
    action: "incident.instruction",
    entityType: "incident",
    entityId: id,
    after: {
      instructionId,
      leader: body.leader,
      content: body.content,
      relayTo,
      deadlines: rows.map((r) => r.id),
    },
  });
  for (const r of rows) {
    publishDeadline(scope, r, "pending");
  }
  scope.publish({
    type: "instruction.recorded",
    entityType: "incident",
    entityId: id,
    data: { instructionId },
  });
  return instructionId;
}

/** Feedback on an instruction by phone or in writing; meets that channel's feedback deadline. */
export async function instructionFeedback(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  instructionId: string,
  body: FeedbackBody,
): Promise<void> {
  const instruction = await findInstruction(scope.trx, id, instructionId);
  if (!instruction) {
    throw notFound(`批示 ${instructionId}`);
  }
  const user = scope.principal?.user;
  const entry = {
    channel: body.channel,
    content: body.content,
    at: scope.now.toISOString(),
    by: user?.displayName ?? null,
  };
  const feedback = [...parseJson<unknown[]>(instruction.feedback), entry];
  await setInstructionFeedback(scope.trx, instructionId, JSON.stringify(feedback));
  const rows = (await deadlinesOf(scope.trx, [id])).filter(
    (r) => r.instruction_id === instructionId && r.kind === `instruction_${body.channel}`,
  );
  const timeline = timelineFor(scope);
  timeline.add(
    id,
    "instruction.feedback",
    `批示${body.channel === "phone" ? "电话" : "书面"}反馈：${body.content}`,
    {
      instructionId,
    },
  );
  for (const d of rows) {
    const late = lateMinutes(new Date(d.due_at), scope.now);
    if (await markDeadlineMet(scope.trx, d.id, entry.at, instructionId, late)) {
      timeline.add(id, "deadline.met", late > 0 ? `${d.name}：迟报 ${late} 分钟` : `${d.name}：按时反馈`, {
        deadlineId: d.id,
        lateMinutes: late,
      });
      publishDeadline(scope, d, "met");
    }
  }
  await timeline.flush(scope.trx);
  await scope.audit({
    action: "incident.instruction_feedback",
    entityType: "incident",
    entityId: id,
    after: { instructionId, ...entry },
  });
  void ctx;
}

// ---------------------------------------------------------------------------------------------
// merge
// ---------------------------------------------------------------------------------------------

/**
 * Merges a duplicate into another incident: the duplicate keeps its source, reports and timeline and
 * points at the target; its pending deadlines stop (the target's deadlines govern).
 */
export async function mergeIncident(
  ctx: AppContext,
  scope: CommandScope,
  id: string,
  body: MergeBody,
): Promise<void> {
  const source = await loadIncident(scope.trx, id);
  const target = await findIncident(scope.trx, body.into);
  if (!target) {
    fail([{ path: "into", message: `事件 ${body.into} 不存在` }]);
  }
  if (target.id === source.id) {
    fail([{ path: "into", message: "不能合并到自身" }]);
  }
  if (source.status !== "open") {
    throw conflict(`事件 ${source.number} 当前状态不能合并`, { status: source.status });
  }
  if (target.status === "merged") {
    throw conflict(`目标事件 ${target.number} 已合并到其他事件`, { status: target.status });
  }
  const nowIso = scope.now.toISOString();
  await updateIncident(scope.trx, source.id, {
    status: "merged",
    merged_into: target.id,
    updated_at: nowIso,
  });
  const pending = (await deadlinesOf(scope.trx, [source.id])).filter((r) => r.state === "pending");
  const cancelled = await cancelDeadlines(
    scope.trx,
    pending.map((r) => r.id),
  );
  for (const r of pending.filter((x) => cancelled.includes(x.id))) {
    publishDeadline(scope, r, "cancelled");
  }
  const timeline = timelineFor(scope);
  timeline.add(
    source.id,
    "incident.merged",
    `合并到 ${target.number}${body.reason ? `（${body.reason}）` : ""}`,
    {
      into: target.id,
    },
  );
  timeline.add(
    target.id,
    "incident.merged_in",
    `并入 ${source.number}：${source.title}（保留其来源与报告）`,
    {
      from: source.id,
    },
  );
  await timeline.flush(scope.trx);
  await updateIncident(scope.trx, target.id, { updated_at: nowIso });
  await scope.audit({
    action: "incident.merge",
    entityType: "incident",
    entityId: source.id,
    before: { status: source.status },
    after: { status: "merged", mergedInto: target.id, reason: body.reason ?? null },
  });
  scope.publish({
    type: "incident.updated",
    entityType: "incident",
    entityId: source.id,
    data: { merged: target.id },
  });
  scope.publish({
    type: "incident.updated",
    entityType: "incident",
    entityId: target.id,
    data: { mergedFrom: source.id },
  });
  void ctx;
}
