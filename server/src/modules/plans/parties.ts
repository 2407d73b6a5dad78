/**
 * The one answer to "does this user fill this party of the plan?" (DESIGN §7 Parties). Every rule of
 * a profile that names a body or a person ("区应急办审核", "主管区领导批准") is a `Party`; a module only
 * builds the `PartyCase` it knows (the warning, the response, the dispatch) and asks here. Pure: no
 * SQL, no HTTP, no clock.
 *
 * Readings that hold for every module:
 * - the system administrator administers the system and never fills a plan party (000 names no such
 *   authority); a user who also holds another role fills parties through that role only;
 * - a party without a role is a unit acting through its members: every role except the administrator
 *   and the on-site commander (a scene role, 000 §4.4) acts for the user's own unit;
 * - a user acts for their own unit, for a special HQ whose office their department hosts (000 §2.1.5:
 *   专项指挥部办公室设在…), and a duty room acts for the emergency office it belongs to (000 §2.1.3:
 *   区应急办以区委区政府总值班室名义统一接收突发事件信息) — except for a party marked
 *   `excludesDutyRoom` (the office's own acts the duty room does not do for it: 000 §3.3.1 names
 *   区应急办（区突发事件预警信息发布中心）, not the 总值班室, as the publisher of warnings);
 * - a leader "in charge of" (分管／主管) the matter is one whose portfolio holds the matter's category;
 *   a matter without a category has no such leader;
 * - whoever the command post names in a role acts as `commander` for that incident (000 §4.4 gap);
 * - for a subtype without a special HQ, `hq` is the temporary HQ of 000 §2.1.4: the parties of the
 *   profile's `taxonomy.fallback.formedBy` (Chaoyang: 分管区领导 and the lead unit's 主要负责同志).
 */
import type { Party, PlanProfile, Scope } from "../../../../shared/plan/schema.js";
import { ROLE_LABELS, ROLES, type Role } from "../../../../shared/roles.js";
import type { OrgFile } from "../org/index.js";

/** The plan the resolver reads: the profile and its org file (a LoadedPlan is one). */
export interface PlanData {
  profile: PlanProfile;
  org: OrgFile;
}

/** The user as the resolver sees them (a SessionUser is one). */
export interface Actor {
  id: string;
  unitId: string;
  roles: readonly Role[];
  /** Category names (自然灾害 …) of a leader's portfolio (分管). */
  categories: readonly string[];
}

/** What the calling module knows about the matter at hand; a scope whose fact is missing names nobody. */
export interface PartyCase {
  subtypeId?: string | null | undefined;
  /** The unit performing the matter: issuing, relaying, reporting or requesting (scope own_unit). */
  ownUnitId?: string | undefined;
  /** Street/township codes of the event or the warning's area (scope street_in_area). */
  streetCodes?: readonly string[] | undefined;
  keyAreaId?: string | undefined;
  incidentUnitId?: string | undefined;
  activatingUnitId?: string | undefined;
  participatingUnitIds?: readonly string[] | undefined;
  affectedAreaCodes?: readonly string[] | undefined;
  /** The unit owning the team or supplies being dispatched (scope resource_owner). */
  resourceOwnerUnitId?: string | undefined;
  /** Units the authorising unit has authorised (a party's `authorisedBy`, 000 §3.3.1 授权). */
  authorisedUnitIds?: readonly string[] | undefined;
  /** Users the command post names in its roles: they act as `commander` for this incident. */
  commandPostUserIds?: readonly string[] | undefined;
}

/** Roles that act for the holder's own unit when a party names a unit without a role. */
export const UNIT_ACTING_ROLES: readonly Role[] = ROLES.filter((r) => r !== "admin" && r !== "commander");

/** 区应急办 and who acts for it (its staff and director, its duty room): the one definition. */
export const EMERGENCY_OFFICE: Party = { scope: "emergency_office", label: "区应急办" };

const unitOf = (org: OrgFile, id: string) => org.units.find((u) => u.id === id);

function subtypeOf(profile: PlanProfile, subtypeId: string | null | undefined) {
  if (subtypeId === null || subtypeId === undefined) {
    return undefined;
  }
  for (const category of profile.taxonomy.categories) {
    const subtype = category.subtypes.find((s) => s.id === subtypeId);
    if (subtype) {
      return { category, subtype };
    }
  }
  return undefined;
}

/** The category name (自然灾害 …) of the matter, which 分管 portfolios are written in. */
export function categoryOfCase(profile: PlanProfile, c: PartyCase): string | undefined {
  return subtypeOf(profile, c.subtypeId)?.category.name;
}

/** The org units each scope names for a case (DESIGN §3; SCOPE_DOCS in the plan schema). */
const SCOPE_UNITS: Record<Scope, (plan: PlanData, c: PartyCase) => readonly string[]> = {
  any: () => [],
  in_charge_of_category: () => [],
  own_unit: (_, c) => (c.ownUnitId === undefined ? [] : [c.ownUnitId]),
  lead_department: (p, c) => subtypeOf(p.profile, c.subtypeId)?.subtype.lead ?? [],
  cooperating_department: (p, c) => subtypeOf(p.profile, c.subtypeId)?.subtype.cooperating ?? [],
  hq: (p, c) => {
    const formers = temporaryHqFormers(p, c);
    return formers === undefined ? hqOf(p, c) : formers.flatMap((f) => partyUnits(p, f, c));
  },
  hq_office: (p, c) => hqOf(p, c),
  responsible_unit: (p, c) => [...hqOf(p, c), ...(subtypeOf(p.profile, c.subtypeId)?.subtype.lead ?? [])],
  related_department: (p, c) => {
    const subtype = subtypeOf(p.profile, c.subtypeId)?.subtype;
    const hosts = hqOf(p, c).flatMap((id) => unitOf(p.org, id)?.officeIn ?? []);
    return [...(subtype?.lead ?? []), ...(subtype?.cooperating ?? []), ...hosts];
  },
  emergency_office: (p) => p.org.units.filter((u) => u.type === "office").map((u) => u.id),
  committee: (p) => p.org.units.filter((u) => u.type === "committee").map((u) => u.id),
  street_in_area: (_, c) => c.streetCodes ?? [],
  key_area_in_area: (_, c) => (c.keyAreaId === undefined ? [] : [c.keyAreaId]),
  incident_unit: (_, c) => (c.incidentUnitId === undefined ? [] : [c.incidentUnitId]),
  activating_unit: (_, c) => (c.activatingUnitId === undefined ? [] : [c.activatingUnitId]),
  participating_units: (_, c) => c.participatingUnitIds ?? [],
  affected_areas: (_, c) => c.affectedAreaCodes ?? [],
  resource_owner: (_, c) => (c.resourceOwnerUnitId === undefined ? [] : [c.resourceOwnerUnitId]),
};

/**
 * 000 §2.1.4 “除以上区专项应急指挥部外，如发生其他突发事件，由分管区领导和区委、区政府相关主责单位
 * 主要负责同志成立临时应急指挥部”: for a known subtype without a special HQ, the `hq` scope is that
 * temporary HQ, i.e. the parties of `taxonomy.fallback.formedBy` (undefined when a special HQ exists,
 * the subtype is unknown or the profile names no fallback). Formers naming `hq` themselves are skipped.
 */
function temporaryHqFormers(plan: PlanData, c: PartyCase): Party[] | undefined {
  const found = subtypeOf(plan.profile, c.subtypeId);
  const formedBy = plan.profile.taxonomy.fallback?.formedBy;
  if (!found || found.subtype.hq !== undefined || formedBy === undefined) {
    return undefined;
  }
  return formedBy.filter((f) => f.scope !== "hq");
}

/**
 * The formers a party on the temporary HQ reaches: those of a compatible role (a party naming a role
 * reaches the formers holding it, or naming none), carrying the party's own unit filters.
 */
function throughTemporaryHq(plan: PlanData, party: Party, c: PartyCase): Party[] | undefined {
  if (party.scope !== "hq") {
    return undefined;
  }
  const formers = temporaryHqFormers(plan, c);
  if (formers === undefined) {
    return undefined;
  }
  return formers
    .filter((f) => party.role === undefined || f.role === undefined || f.role === party.role)
    .map((f) => ({
      ...f,
      role: party.role ?? f.role,
      ...(party.unitType !== undefined ? { unitType: party.unitType } : {}),
      ...(party.authorisedBy !== undefined ? { authorisedBy: party.authorisedBy } : {}),
    }));
}

function hqOf(plan: PlanData, c: PartyCase): string[] {
  const hq = subtypeOf(plan.profile, c.subtypeId)?.subtype.hq;
  return hq === undefined ? [] : [hq];
}

/**
 * The org units a party points at in a case (empty for a role with no unit restriction, and when the
 * case lacks what the scope needs). Recipients of reports and notices are these units.
 */
export function partyUnits(plan: PlanData, party: Party, c: PartyCase): string[] {
  let units: readonly string[] = party.scope === undefined ? [] : SCOPE_UNITS[party.scope](plan, c);
  if (party.unit !== undefined) {
    units = party.scope === undefined ? [party.unit] : units.filter((u) => u === party.unit);
  }
  if (party.unitType !== undefined) {
    const type = party.unitType;
    units = units.filter((id) => unitOf(plan.org, id)?.type === type);
  }
  return [...new Set(units)];
}

/**
 * Whether a member of `userUnitId` acts for `unitId`: the same unit; the department hosting a special
 * HQ's office acts for that HQ (000 §2.1.5); a duty room acts for its emergency office (000 §2.1.3)
 * unless `dutyRoom` is false (a party with `excludesDutyRoom`).
 */
export function actsFor(org: OrgFile, userUnitId: string, unitId: string, dutyRoom = true): boolean {
  if (userUnitId === unitId) {
    return true;
  }
  const target = unitOf(org, unitId);
  if (target?.type === "special_hq" && target.officeIn === userUnitId) {
    return true;
  }
  const mine = unitOf(org, userUnitId);
  return dutyRoom && mine?.type === "duty_room" && mine.parent === unitId;
}

/** The units a member of `userUnitId` acts for through this party, of those given. */
function unitsActedFor(org: OrgFile, userUnitId: string, party: Party, units: readonly string[]): string[] {
  const dutyRoom = party.excludesDutyRoom !== true;
  return units.filter((u) => actsFor(org, userUnitId, u, dutyRoom));
}

function holdsRole(user: Actor, role: Role, c: PartyCase): boolean {
  if (role === "admin") {
    return false;
  }
  if (user.roles.includes(role)) {
    return true;
  }
  return role === "commander" && (c.commandPostUserIds ?? []).includes(user.id);
}

/**
 * The units through which the user fills the party: `[]` when they do not fill it; for a party with
 * no unit restriction, the user's own unit.
 */
function fillingUnits(plan: PlanData, user: Actor, party: Party, c: PartyCase): string[] {
  const formers = throughTemporaryHq(plan, party, c);
  if (formers !== undefined) {
    // The temporary HQ acts through the people who form it (000 §2.1.4), not every member of their units.
    return [...new Set(formers.flatMap((f) => fillingUnits(plan, user, f, c)))];
  }
  if (party.role !== undefined) {
    if (!holdsRole(user, party.role, c)) {
      return [];
    }
  } else if (!user.roles.some((r) => UNIT_ACTING_ROLES.includes(r))) {
    return [];
  }
  let mine: string[];
  if (party.scope === "in_charge_of_category") {
    const category = categoryOfCase(plan.profile, c);
    if (category === undefined || !user.categories.includes(category)) {
      return [];
    }
    mine =
      party.unit === undefined ? [user.unitId] : unitsActedFor(plan.org, user.unitId, party, [party.unit]);
  } else if ((party.scope === undefined || party.scope === "any") && party.unit === undefined) {
    mine = [user.unitId];
  } else {
    mine = unitsActedFor(plan.org, user.unitId, party, partyUnits(plan, party, c));
  }
  if (party.authorisedBy !== undefined) {
    // 000 §3.3.1 第2项 “授权区专项应急指挥部办公室、区相关部门发布和解除”: only units the office authorised.
    const authorised = c.authorisedUnitIds ?? [];
    return authorised.includes(user.unitId) ? mine : mine.filter((u) => authorised.includes(u));
  }
  return mine;
}

/** Does this user fill this party of the plan for this case? */
export function fills(plan: PlanData, user: Actor, party: Party, c: PartyCase): boolean {
  return fillingUnits(plan, user, party, c).length > 0;
}

/** Whether the user fills any one of the parties (a `by` list is a list of alternatives). */
export function fillsAny(plan: PlanData, user: Actor, parties: readonly Party[], c: PartyCase): boolean {
  return parties.some((p) => fills(plan, user, p, c));
}

/** The first of the parties the user fills (what they acted as), if any. */
export function filledParty(
  plan: PlanData,
  user: Actor,
  parties: readonly Party[],
  c: PartyCase,
): Party | undefined {
  return parties.find((p) => fills(plan, user, p, c));
}

/** The unit the user acted for when filling one of the parties (their own unit when none resolves). */
export function actingUnit(plan: PlanData, user: Actor, parties: readonly Party[], c: PartyCase): string {
  for (const p of parties) {
    const units = fillingUnits(plan, user, p, c);
    const found = units[0];
    if (found !== undefined) {
      return found;
    }
  }
  return user.unitId;
}

/** Whether the user acts for the emergency office (EMERGENCY_OFFICE). */
export function isEmergencyOffice(plan: PlanData, user: Actor): boolean {
  return fills(plan, user, EMERGENCY_OFFICE, {});
}

/** Whether a member of `unitId` acts for it (any role but the administrator's and the commander's). */
export function actsForUnit(plan: PlanData, user: Actor, unitId: string): boolean {
  return fills(plan, user, { unit: unitId }, {});
}

/**
 * Whom to ask the directory for when looking for the users who fill the parties: holders of the
 * roles named, and members of the units named or acting for them. Callers filter with `fills`.
 */
export function partyCandidates(
  plan: PlanData,
  parties: readonly Party[],
  c: PartyCase,
): { roles: Role[]; unitIds: string[] } {
  const roles = new Set<Role>();
  const units = new Set<string>();
  for (const p of parties.flatMap((x) => throughTemporaryHq(plan, x, c) ?? [x])) {
    if (p.role !== undefined) {
      roles.add(p.role);
      continue;
    }
    for (const u of partyUnits(plan, p, c)) {
      units.add(u);
      const unit = unitOf(plan.org, u);
      if (unit?.officeIn) {
        units.add(unit.officeIn);
      }
      if (p.excludesDutyRoom === true) {
        continue;
      }
      for (const room of plan.org.units.filter((x) => x.type === "duty_room" && x.parent === u)) {
        units.add(room.id);
      }
    }
  }
  return { roles: [...roles], unitIds: [...units] };
}

// ---------------------------------------------------------------------------------------------
// labels
// ---------------------------------------------------------------------------------------------

const SCOPE_LABELS: Record<Scope, string> = {
  any: "",
  own_unit: "本单位",
  lead_department: "主责部门",
  cooperating_department: "协作部门",
  hq: "专项应急指挥部",
  hq_office: "专项应急指挥部办公室",
  responsible_unit: "专项指挥部办公室或主责部门",
  related_department: "相关部门",
  emergency_office: "区应急办",
  committee: "区应急委",
  in_charge_of_category: "分管该类事件的",
  street_in_area: "属地街道（乡）",
  key_area_in_area: "属地重点地区管委会",
  incident_unit: "事发单位",
  activating_unit: "启动响应的单位",
  participating_units: "参与处置单位",
  affected_areas: "受影响地区",
  resource_owner: "资源所属单位",
};

/** The short name of an org-file unit, or the id. */
export function unitLabel(org: OrgFile, id: string): string {
  const u = unitOf(org, id);
  return u?.short ?? u?.name ?? id;
}

/**
 * What a 403 or a form says a party is: its label, else its unit, scope and role in Chinese; with a
 * case and a namer, followed by the units it is for this matter ("主责部门（本事件：区城管委）").
 */
export function partyLabel(plan: PlanData, party: Party, c?: PartyCase, unitName?: (id: string) => string) {
  const role = party.role ? ROLE_LABELS[party.role] : undefined;
  const unit = party.unit !== undefined ? unitLabel(plan.org, party.unit) : undefined;
  const composed = [
    // "区应急委主任" already says which body; do not prefix it with "区应急委" again.
    unit && !(role?.includes(unit) ?? false) ? unit : undefined,
    party.scope ? SCOPE_LABELS[party.scope] || undefined : undefined,
    role,
  ]
    .filter((p): p is string => p !== undefined)
    .join("");
  const base = party.label ?? (composed || "（预案未指定）");
  if (!c || !unitName || party.scope === undefined || party.scope === "any") {
    return base;
  }
  const units = partyUnits(plan, party, c);
  if (units.length === 0) {
    return base;
  }
  const names = units.map(unitName).join("、");
  return names === base ? base : `${base}（本事件：${names}）`;
}

/** Labels of a list of parties, without repeats. */
export function partyLabels(
  plan: PlanData,
  parties: readonly Party[],
  c?: PartyCase,
  unitName?: (id: string) => string,
): string[] {
  return [...new Set(parties.map((p) => partyLabel(plan, p, c, unitName)))];
}
