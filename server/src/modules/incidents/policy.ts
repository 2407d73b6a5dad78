/**
 * Who may act on an incident, and when (STYLE: authority as a table). Bodies of the plan — the
 * emergency office, the incident's lead and related departments, the street of the area — are plan
 * parties resolved by the one resolver (plans/parties.ts) for the incident's `PartyCase`; the roles
 * within a department or street that today's rules require are the parties' roles. The labels are
 * what a 403 names.
 */
import type { ReportKind } from "../../../../shared/incidents.js";
import type { Party, Scope } from "../../../../shared/plan/schema.js";
import type { Role } from "../../../../shared/roles.js";
import { anyone, check, definePolicy, hasRole, type PartyRequirement } from "../../authz/policy.js";
import { fillsAny, isEmergencyOffice, type PartyCase, type PlanData } from "../plans/index.js";
import type { IncidentTable } from "./tables.js";

export type IncidentAction =
  | "read"
  | "register"
  | "setLevel"
  | "verify"
  | "fileReport"
  | "recordInstruction"
  | "feedback"
  | "merge"
  | "approveUpward";

/** An incident (or one about to be registered) as the policy sees it. */
export interface IncidentResource {
  plan: PlanData;
  case: PartyCase;
  /** The readable number, for 409 texts ("" before registration). */
  number: string;
  /** open, merged, closed; "new" for a registration. */
  status: string;
  verifiedAt: string | null;
  /** The units each of its leader's instructions was relayed to (those the caller read). */
  instructions: readonly (readonly string[])[];
  /** A report being filed: its kind, and whether the incident has an initial report already. */
  report?: { kind: ReportKind; hasInitial: boolean } | undefined;
  /** Reports to the upper level waiting for a leader's approval (000 §4.1 报请…批准后). */
  awaitingUpward?: number | undefined;
}

/** The plan case of an incident: its subtype, the street of its place, the unit that registered it. */
export function incidentPartyCase(
  incident: Pick<IncidentTable, "subtype_id" | "street_code" | "reporter_unit_id">,
): PartyCase {
  return {
    subtypeId: incident.subtype_id,
    streetCodes: incident.street_code ? [incident.street_code] : [],
    ...(incident.reporter_unit_id ? { ownUnitId: incident.reporter_unit_id } : {}),
  };
}

/** Staff and heads of a department (and heads of the special-HQ office it hosts) act for it here. */
const DEPARTMENT_ROLES: readonly Role[] = ["dept_staff", "dept_head", "hq_office_head"];
const departmentParties = (...scopes: Scope[]): Party[] =>
  scopes.flatMap((scope) => DEPARTMENT_ROLES.map((role) => ({ scope, role })));

/** 主责部门 of the subtype, and the department hosting its special HQ's office (000 §2.1.5). */
const LEAD_DEPARTMENT = departmentParties("lead_department", "hq_office");
/** 主责、协作部门 and the HQ-office host department (the profile's related_department scope). */
const RELATED_DEPARTMENT = departmentParties("related_department");
const STREET_IN_AREA: Party[] = [{ scope: "street_in_area", role: "street_staff" }];

/** 区应急办 incl. 总值班室: receives, assesses and handles all event information (000 §2.1.3 ③). */
const emergencyOffice = check<IncidentResource>(
  "值班员（总值班室）或区应急办工作人员或区应急办主任",
  (u, r) => isEmergencyOffice(r.plan, u),
);

const leadDepartment = check<IncidentResource>(
  "该事件主责部门（含专项指挥部办公室）的工作人员或负责人",
  (u, r) => fillsAny(r.plan, u, LEAD_DEPARTMENT, r.case),
);

const relatedDepartment = check<IncidentResource>(
  "该事件相关部门（主责、协作部门）的工作人员或负责人",
  (u, r) => fillsAny(r.plan, u, RELATED_DEPARTMENT, r.case),
);

const streetInArea = check<IncidentResource>("事发地街道（乡）工作人员", (u, r) =>
  fillsAny(r.plan, u, STREET_IN_AREA, r.case),
);

const relayedUnit = check<IncidentResource>("批示转达的单位", (u, r) =>
  r.instructions.some((units) =>
    fillsAny(
      r.plan,
      u,
      units.map((unit) => ({ unit })),
      r.case,
    ),
  ),
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

const leaders = hasRole<IncidentResource>(
  "district_leader",
  "committee_deputy_director",
  "committee_director",
);

/** Merged and closed incidents take no further handling. */
function notOpen(r: IncidentResource): string | undefined {
  if (r.status === "merged") {
    return `事件 ${r.number} 已合并到其他事件，请在合并后的事件上操作`;
  }
  if (r.status === "closed") {
    return `事件 ${r.number} 已报送终报、处置结束`;
  }
  return undefined;
}

/**
 * Why a report cannot be filed now (000 §4.1: 初报 first, once; 终报 ends reporting). Without a kind,
 * whether some report can: an open incident always takes its initial or a continuing report.
 */
export function reportConflict(r: IncidentResource): string | undefined {
  if (r.status === "merged") {
    return `事件 ${r.number} 已合并到其他事件，请在合并后的事件上报送`;
  }
  if (r.status === "closed") {
    return `事件 ${r.number} 已报送终报`;
  }
  if (r.report?.kind === "initial" && r.report.hasInitial) {
    return "本事件已报送初报，后续请报送续报或终报";
  }
  if (r.report && r.report.kind !== "initial" && !r.report.hasInitial) {
    return "请先报送初报";
  }
  return undefined;
}

/**
 * 000 §4.1 "区应急办对于接报的各类突发事件信息，在报请区应急委相关领导批准后，按规定及时向市应急办报告": who
 * approves is the profile's `reporting.upward.approvedBy`, resolved for the incident's case.
 */
function upwardApprovers(r: IncidentResource): PartyRequirement {
  const upward = r.plan.profile.reporting.upward;
  return {
    plan: r.plan,
    parties: upward?.approvedBy ?? [],
    case: r.case,
    source: upward?.source,
    what: "批准向上级报告",
    missing: "预案没有规定向上级报告须经谁批准",
  };
}

export const incidentPolicy = definePolicy<IncidentAction, IncidentResource>("incident", {
  read: { by: [anyone] },
  // 000 §4.1: the office, special-HQ offices, departments, units and street offices all report.
  register: { by: [emergencyOffice, leadDepartment, streetInArea] },
  setLevel: { by: [grader], state: notOpen },
  verify: {
    by: [emergencyOffice, relatedDepartment, streetInArea],
    state: (r) => notOpen(r) ?? (r.verifiedAt ? `事件 ${r.number} 已于 ${r.verifiedAt} 核实` : undefined),
  },
  fileReport: { by: [emergencyOffice, relatedDepartment, streetInArea], state: reportConflict },
  // The duty room records and relays leaders' instructions (DESIGN §1); leaders may record their own.
  recordInstruction: {
    by: [emergencyOffice, leaders],
    state: (r) => (r.status === "merged" ? `事件 ${r.number} 已合并到其他事件` : undefined),
  },
  feedback: {
    by: [emergencyOffice, relatedDepartment, relayedUnit, streetInArea],
    state: (r) => (r.instructions.length === 0 ? "本事件尚无领导批示" : undefined),
  },
  merge: {
    by: [emergencyOffice],
    state: (r) => (r.status === "open" ? undefined : `事件 ${r.number} 当前状态不能合并`),
  },
  approveUpward: {
    by: upwardApprovers,
    state: (r) =>
      r.status === "merged"
        ? `事件 ${r.number} 已合并到其他事件`
        : (r.awaitingUpward ?? 0) > 0
          ? undefined
          : `事件 ${r.number} 没有待领导批准上报的报告`,
  },
});

/** The policy's view of a stored incident; `instructions` are the relay lists the caller has read. */
export function incidentResource(
  plan: PlanData,
  incident: Pick<
    IncidentTable,
    "number" | "status" | "verified_at" | "subtype_id" | "street_code" | "reporter_unit_id"
  >,
  instructions: readonly (readonly string[])[] = [],
  awaitingUpward = 0,
): IncidentResource {
  return {
    plan,
    case: incidentPartyCase(incident),
    number: incident.number,
    status: incident.status,
    verifiedAt: incident.verified_at,
    instructions,
    awaitingUpward,
  };
}
