import type { Role } from "../../../../shared/roles.js";
import type { SessionUser } from "../../authz/principal.js";
import { anyone, definePolicy, hasRole, predicate } from "../../authz/registry.js";

/**
 * An incident as the policy sees it. The unit lists come from the active plan profile through the
 * plan rules (leadDepartments, cooperatingDepartments, responsibleHq) — see `incidentResource`.
 */
export interface IncidentResource {
  /** 主责部门 of the subtype, plus the department hosting its special HQ's office. */
  leadUnits: string[];
  /** 主责、协作部门 and the HQ-office host department (the profile's related_department scope). */
  relatedUnits: string[];
  /** 属地街道（乡）of the incident location. */
  streetCode: string | null;
  /** Units a leader's instruction was relayed to (instruction feedback only). */
  relayUnits?: string[];
}

const DEPT_ROLES: Role[] = ["dept_staff", "dept_head", "hq_office_head"];
const hasAny = (user: SessionUser, roles: Role[]) => roles.some((r) => user.roles.includes(r));

/** 区应急办 incl. 总值班室: receives, assesses and handles all event information (000 §2.1.3 ③). */
const emergencyOffice = hasRole<IncidentResource>("duty_officer", "office_staff", "office_director");

const leadDepartment = predicate<IncidentResource>(
  "该事件主责部门（含专项指挥部办公室）的工作人员或负责人",
  (u, r) => hasAny(u, DEPT_ROLES) && r.leadUnits.includes(u.unitId),
);

const relatedDepartment = predicate<IncidentResource>(
  "该事件相关部门（主责、协作部门）的工作人员或负责人",
  (u, r) => hasAny(u, DEPT_ROLES) && r.relatedUnits.includes(u.unitId),
);

const streetInArea = predicate<IncidentResource>(
  "事发地街道（乡）工作人员",
  (u, r) => u.roles.includes("street_staff") && r.streetCode !== null && r.streetCode === u.unitId,
);

/**
 * Grading is the office's assessment (研判, 000 §2.1.3 ③: 区应急办…统一接收、研判、处理各类突发事件信息)
 * and the committee's leaders may always decide it. The duty officer records the reporter's first
 * assessment (初判) at registration but does not confirm grades: the office staff or director does.
 */
const grader = hasRole<IncidentResource>(
  "office_staff",
  "office_director",
  "committee_deputy_director",
  "committee_director",
);

const relayedUnit = predicate<IncidentResource>("批示转达的单位", (u, r) =>
  (r.relayUnits ?? []).includes(u.unitId),
);

export const incidentPolicy = definePolicy<IncidentResource>("incident", {
  read: [anyone],
  // 000 §4.1: the office, special-HQ offices, departments, units and street offices all report.
  register: [emergencyOffice, leadDepartment, streetInArea],
  setLevel: [grader],
  verify: [emergencyOffice, relatedDepartment, streetInArea],
  fileReport: [emergencyOffice, relatedDepartment, streetInArea],
  // The duty room records and relays leaders' instructions (DESIGN §1); leaders may record their own.
  recordInstruction: [
    hasRole("duty_officer", "office_staff", "office_director"),
    hasRole("district_leader", "committee_deputy_director", "committee_director"),
  ],
  feedback: [emergencyOffice, relatedDepartment, relayedUnit, streetInArea],
  merge: [emergencyOffice],
});
