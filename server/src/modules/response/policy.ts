/**
 * Who may do what in a response. Authority the plan profile names (who activates a level, who
 * decides for the committee, who sets up the post, who declares the end) is resolved from the
 * profile's parties at request time by `authorizeParties`, and a 403 names those parties with the
 * seed section. Work on the scene (groups, check-ins, cordons, tasks) is a static table here.
 */
import type { Party } from "../../../../shared/plan/schema.js";
import type { SessionUser } from "../../authz/principal.js";
import { anyone, definePolicy, hasRole, predicate } from "../../authz/registry.js";
import { forbidden } from "../../errors.js";
import { fillsAny, type PlanData, partyLabels, type ResponseCase } from "./rules.js";

/** The scene as the static policy sees it. */
export interface CommandResource {
  /** Users the command post names in a role (指挥长、执行指挥 …). */
  postUserIds: string[];
  /** Units running the response: the activating unit, the lead departments (and HQ host), the street. */
  staffUnitIds: string[];
  /** For a task: its unit and its group's lead and member units. */
  taskUnitIds?: string[];
}

/** 区应急办 incl. 总值班室: coordinates and keeps the record of every response (000 §2.1.3, §4.3.3). */
const office = hasRole<CommandResource>("duty_officer", "office_staff", "office_director");

/** 000 §4.4 实行指挥长负责制: the post's commander and the people it names in its roles. */
const onScene = predicate<CommandResource>(
  "现场指挥部指挥长、执行指挥（或持有现场指挥长角色者）",
  (u, r) => u.roles.includes("commander") || r.postUserIds.includes(u.id),
);

const staffUnit = predicate<CommandResource>(
  "启动响应的单位、主责部门或属地街道（乡）的人员",
  (u, r) => r.staffUnitIds.includes(u.unitId) && u.roles.some((x) => x !== "admin"),
);

const assignedUnit = predicate<CommandResource>(
  "任务承办单位（含承办工作组的牵头、成员单位）的人员",
  (u, r) => (r.taskUnitIds ?? []).includes(u.unitId) && u.roles.some((x) => x !== "admin"),
);

export const commandPolicy = definePolicy<CommandResource>("command", {
  read: [anyone],
  /** Groups, members, check-ins, cordons, handovers, tasks (000 §4.4). */
  operate: [office, onScene, staffUnit],
  updateTask: [office, onScene, staffUnit, assignedUnit],
  /** The 续报 draft and the assessment report are the office's and the post's working papers. */
  draft: [office, onScene, staffUnit],
});

export interface PartyCheck {
  plan: PlanData;
  parties: readonly Party[];
  case: ResponseCase;
  /** Seed section of the rule, named in the 403. */
  source: string;
  unitName: (id: string) => string;
}

/** Throws 403 naming the plan's parties (and the units they are for this incident) unless the user is one. */
export function authorizeParties(user: SessionUser, check: PartyCheck, what: string): void {
  if (check.parties.length === 0) {
    throw forbidden(`预案（${check.source}）没有规定由谁${what}`, []);
  }
  if (!fillsAny(check.plan, user, check.parties, check.case)) {
    const needed = partyLabels(check.plan, check.parties, check.case, check.unitName);
    throw forbidden(`${what}需要：${needed.join("；或 ")}（依据 ${check.source}）`, needed);
  }
}
