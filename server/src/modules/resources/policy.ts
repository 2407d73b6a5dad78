/**
 * Who may do what with resources. Static authority is a policy table; authority the plan profile
 * names (000 §6.7 dispatch steps, 000 §6.9 shelter activation) is resolved from the profile's
 * parties at request time, and a 403 names those parties.
 */
import type { Party } from "../../../../shared/plan/schema.js";
import type { Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import { anyone, definePolicy, hasRole, predicate } from "../../authz/registry.js";
import { forbidden } from "../../errors.js";
import type { LoadedPlan, PartyContext } from "../plans/index.js";
import { partyLabel, userIsParty } from "./rules.js";

export interface OwnedResource {
  /** The unit that owns the record (null for the supply catalogue, which is district-wide). */
  ownerUnitId: string | null;
}

/** 000 §6.2, §6.7: 区应急办 organises and coordinates all teams, reserves and their standards. */
const office = hasRole<OwnedResource>("admin", "office_staff", "office_director");

const UNIT_ROLES: Role[] = ["dept_head", "dept_staff", "hq_office_head", "street_staff"];

/** 000 §6.7: each HQ office, department and unit keeps its own reserves and teams. */
const ownUnit = predicate<OwnedResource>(
  "资源所属单位的负责人或工作人员",
  (u, r) =>
    r.ownerUnitId !== null && r.ownerUnitId === u.unitId && u.roles.some((x) => UNIT_ROLES.includes(x)),
);

export const resourcePolicy = definePolicy<OwnedResource>("resource", {
  list: [anyone],
  read: [anyone],
  create: [office, ownUnit],
  update: [office, ownUnit],
  delete: [office, ownUnit],
  import: [office, hasRole("dept_head", "dept_staff", "hq_office_head", "street_staff")],
  export: [anyone],
});

/** Stock lines belong to their warehouse's unit. */
export const stockPolicy = definePolicy<OwnedResource>("stock", {
  read: [anyone],
  create: [office, ownUnit],
  update: [office, ownUnit],
  delete: [office, ownUnit],
  move: [office, ownUnit],
});

/** Occupancy is reported by whoever runs the shelter: its unit, the office, the duty room, the scene. */
export const shelterPolicy = definePolicy<OwnedResource>("shelter", {
  occupancy: [office, ownUnit, hasRole("duty_officer", "commander", "street_staff")],
});

export interface PartyCheck {
  plan: LoadedPlan;
  parties: readonly Party[];
  ctx: PartyContext & { category?: string };
}

/** Whether the user is any one of the parties (a `by` list is a list of alternatives). */
export function isAnyParty(user: SessionUser, check: PartyCheck): boolean {
  return check.parties.some((p) => userIsParty(check.plan.profile, check.plan.org, user, p, check.ctx));
}

/** The labels a 403 names for a list of parties. */
export function partyLabels(plan: LoadedPlan, parties: readonly Party[]): string[] {
  return [...new Set(parties.map((p) => partyLabel(plan.org, p)))];
}

/** Throws 403 naming the parties of the plan rule unless the user is one of them. */
export function authorizeParties(user: SessionUser, check: PartyCheck, what: string): void {
  if (check.parties.length === 0) {
    throw forbidden(`预案没有规定由谁${what}`, []);
  }
  if (!isAnyParty(user, check)) {
    const needed = partyLabels(check.plan, check.parties);
    throw forbidden(`${what}需要：${needed.join("；或 ")}（${sourceNote(check)}）`, needed);
  }
}

function sourceNote(check: PartyCheck): string {
  return `依据预案 ${check.plan.profile.meta.name}`;
}

/** Office roles act for the district as a whole (external requests, orders on behalf of units). */
export const isOfficeUser = (user: SessionUser) =>
  user.roles.some(
    (r) => r === "admin" || r === "office_staff" || r === "office_director" || r === "duty_officer",
  );

/** Members of a unit who can act for it (not read-only leaders of other bodies). */
export const actsForUnit = (user: SessionUser, unitId: string) =>
  user.unitId === unitId && user.roles.some((r) => UNIT_ROLES.includes(r) || r === "commander");
