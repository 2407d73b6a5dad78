/**
 * Registering an incident (接报登记, issue 4): the checks a schema cannot make, then number, lead
 * departments, level, deadlines, possible duplicates, timeline and audit in one transaction.
 */
import type { IncidentFlag } from "../../../../shared/plan/schema.js";
import { authorize } from "../../authz/policy.js";
import type { SessionUser } from "../../authz/principal.js";
import type { AppContext } from "../../context.js";
import type { CommandScope } from "../../http/command.js";
import { newId } from "../../ids.js";
import { cooperatingDepartments, findSubtype, leadDepartments, suggestLevel } from "../plans/index.js";
import { actorOf, fail, MINUTE } from "./guards.js";
import { incidentPartyCase, incidentPolicy } from "./policy.js";
import {
  type Incident,
  type IncidentParts,
  insertEvents,
  insertIncident,
  nextSequence,
  openIncidentsNear,
} from "./repository.js";
import {
  boxAround,
  defaultLevel,
  formatIncidentNumber,
  intakeErrors,
  levelName,
  numberingYear,
  numberPrefix,
  possibleDuplicates,
} from "./rules.js";
import { applyDeadlines, MET_BY_OFFICE } from "./scheduling.js";
import type { RegisterBody } from "./schema.js";
import { incidentSettings } from "./settings.js";
import { timelineFor } from "./timeline.js";

const DIVISION_TYPES = new Set(["street", "township", "community", "village"]);

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
  row: Incident;
  parts: IncidentParts;
}

/** Registers an incident: number, lead departments, level, deadlines, duplicates, timeline, audit. */
export async function registerIncident(
  ctx: AppContext,
  scope: CommandScope,
  input: ValidRegistration,
  actor?: SessionUser,
): Promise<Registered> {
  const { body, occurredAt, receivedAt, streetCode } = input;
  const user = actorOf(scope, actor);
  const profile = ctx.plan.profile;
  const found = findSubtype(profile, body.subtypeId);
  if (!found) {
    fail([{ path: "subtypeId", message: `预案中没有事件子类“${body.subtypeId}”` }]);
  }
  authorize(incidentPolicy, user, "register", {
    plan: ctx.plan,
    case: incidentPartyCase({
      subtype_id: body.subtypeId,
      street_code: streetCode,
      reporter_unit_id: user.unitId,
    }),
    number: "",
    status: "new",
    verifiedAt: null,
    instructions: [],
  });
  // The body schema holds both to the profile's flags and figure keys.
  const flags = (body.flags ?? []) as IncidentFlag[];
  const figures = (body.figures ?? {}) as Record<string, number>;
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
  const row: Incident = {
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
    figures,
    flags,
    description: body.description ?? "",
    level,
    level_confirmed: 0,
    level_reason: null,
    lead_departments: leadDepartments(profile, body.subtypeId),
    cooperating_departments: cooperatingDepartments(profile, body.subtypeId),
    status: "open",
    merged_into: null,
    possible_duplicates: duplicates,
    handling_ended_at: null,
    reporter_unit_id: user.unitId,
    reporter_name: body.reporterName ?? null,
    reporter_phone: body.reporterPhone ?? null,
    created_by: user.id,
    created_at: now,
    updated_at: now,
  };
  await insertIncident(scope.trx, row);
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
  const deadlines = await applyDeadlines(ctx, scope, row, "registration", timeline, user);
  // A new incident has no earlier entries to continue the order of (Timeline.flush reads them).
  await insertEvents(scope.trx, timeline.rows);
  // The creation's audit row carries the deadlines the office's own registration met (met_by).
  await scope.audit({
    action: "incident.create",
    entityType: "incident",
    entityId: id,
    after: {
      ...row,
      deadlinesKnownToOffice: deadlines.filter((d) => d.met_by === MET_BY_OFFICE).map((d) => d.id),
    },
  });
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
